// MedallionJob: uploads the notebooks of the chosen stream layout and their runtime modules, keeps the Listen key in a
// secret scope, and defines the streaming job on its own job cluster, with failure notifications and backlog rules.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import { medallionLayers, type MedallionLayer } from "./medallionCatalog";
import { accessControlFor, jobRunAs, type RunAsIdentity } from "./runAs";
import {
    clusterShape,
    defaultSparkVersion,
    eventHubsConnectorCoordinates,
    streamingSparkConf,
    type StreamLayout,
} from "./streamingCluster";
import { answered, workspaceLookupOptions } from "./workspaceLookup";

export type JobMode = "continuous" | "availableNow";

/** The job cluster the tasks share; it starts with a run and stops when the run ends. */
export interface JobClusterArgs {
    /** Databricks runtime; an LTS image with Scala 2.12 for the connector. Defaults to "15.4.x-scala2.12". */
    sparkVersion?: pulumi.Input<string>;
    /** Azure VM size of driver and workers. Defaults to the smallest general-purpose type with 4 cores and a local disk. */
    nodeType?: pulumi.Input<string>;
    /** Fixed worker count; 0 runs a single node. Defaults to 0. */
    workers?: number;
    /** Autoscaling range, instead of a fixed worker count. Defaults to none. */
    autoscale?: { minWorkers: number; maxWorkers: number };
}

/** Backlog thresholds of the streams that read Delta tables; Databricks alerts on their 10-minute average. */
export interface BacklogThresholds {
    /** Files waiting to be read. Defaults to 200. */
    maxFiles?: number;
    /** Bytes waiting to be read. Defaults to 1 GiB. */
    maxBytes?: number;
}

/** What the job does where the stack says nothing; the stack config takes its defaults from here. */
export const jobDefaults = {
    mode: "availableNow",
    streams: "single",
    triggerSeconds: 5,
    schedule: "0 0/15 * * * ?",
    timezone: "UTC",
    timeoutSeconds: 3600,
    maxRetries: 1,
    taskRetryMode: "ON_FAILURE",
    startingPosition: "start",
    goldOutputMode: "update",
    paused: true,
    backlog: { maxFiles: 200, maxBytes: 1024 ** 3 },
} as const;

/** The settings of the job a stack chooses (its `lakestream:job` section), passed whole. */
export interface JobSettings {
    /** "continuous": the streams run until paused; "availableNow": each run drains the hub and stops, on a schedule. Defaults to "availableNow". */
    mode?: JobMode;
    /**
     * "single": one task (`pipeline`) whose one stream reads Event Hubs and writes bronze, silver, quarantine and gold
     * in each micro-batch; "layered": one task and stream per layer (`bronze`, `silver`, `gold`), chained through
     * the Delta tables. Defaults to "single".
     */
    streams?: StreamLayout;
    /** Seconds of a continuous run's processing-time trigger; passed to every task, scheduled runs ignore it. Defaults to 5. */
    triggerSeconds?: number;
    /** Quartz cron schedule of availableNow runs. Defaults to every 15 minutes. */
    schedule?: string;
    /** Time zone of the schedule. Defaults to "UTC". */
    timezone?: string;
    /** Longest a scheduled run may last before Databricks stops it; continuous runs have none. Defaults to 3600. */
    timeoutSeconds?: number;
    /** Retries of a failed task (availableNow only; continuous jobs use taskRetryMode). Defaults to 1. */
    maxRetries?: number;
    /** What a continuous job does when a task fails: retry it, or leave it stopped. Defaults to "ON_FAILURE". */
    taskRetryMode?: "ON_FAILURE" | "NEVER";
    /** Where a new stream starts reading Event Hubs. Defaults to "start". */
    startingPosition?: "start" | "latest";
    /** Most events per micro-batch; the caller computes the default (src/config/job.ts defaultMaxEventsPerTrigger). */
    maxEventsPerTrigger: number;
    /** How gold is written. Defaults to "update". */
    goldOutputMode?: "update" | "append";
    /** Create the job paused (its schedule or continuous trigger). Defaults to true: nothing runs until unpaused. */
    paused?: boolean;
    /** E-mail addresses told about failed runs and streams falling behind. Defaults to none. */
    notify?: string[];
    /** Backlog thresholds of the streams that read Delta (layered silver and gold). Defaults to 200 files and 1 GiB. */
    backlog?: BacklogThresholds;
}

export interface MedallionJobArgs extends JobSettings {
    /** Shape of the job cluster. Defaults to a single node of the default runtime and node type. */
    jobCluster?: JobClusterArgs;
    /** All-purpose cluster the tasks run on instead of a job cluster (costs the all-purpose rate). Defaults to none. */
    interactiveClusterId?: pulumi.Input<string>;
    /** Workspace URL, for the job's link. */
    workspaceUrl: pulumi.Input<string>;
    /** Local folder holding the notebooks (pipeline.py, or bronze.py, silver.py, gold.py) and the `medallion` package. */
    notebooksDir: string;
    /**
     * Workspace folder the notebooks and their module are uploaded to, one per stack. The component creates it and
     * makes the run-as identity its only manager besides workspace admins, so nobody else can change the code that
     * reads the Event Hubs key. The permissions replace the creator's own, so the deploying identity must be a
     * workspace admin (or the run-as identity) to upload the code.
     */
    workspaceFolder: string;
    /** The identity the job runs as: it may read the secret scope, manage the code folder and own the job cluster. */
    runAs: RunAsIdentity;
    /** Catalog the tables live in. */
    catalogName: pulumi.Input<string>;
    /** Schema of each layer. */
    schemaNames: Record<MedallionLayer, pulumi.Input<string>>;
    /** `/Volumes/...` path for stream checkpoints. */
    checkpointVolumePath: pulumi.Input<string>;
    /** Listen-only Event Hubs connection string with EntityPath; stored in the secret scope, never a parameter. */
    listenConnectionString: pulumi.Input<string>;
    /** Name of the secret scope. Defaults to the component name. */
    secretScopeName?: string;
    /** Consumer group the bronze stream reads through. Defaults to "$Default", the only one on the Basic tier. */
    consumerGroup?: pulumi.Input<string>;
    /** Tags of the job and its cluster. Defaults to none. */
    tags?: Record<string, string>;
    /**
     * What a look-up through the workspace's provider waits for (DatabricksWorkspace.lookupDependsOn): the Azure
     * workspace when the stack creates it. Defaults to none, right for an existing workspace.
     */
    workspaceDependsOn?: pulumi.CustomResource[];
}

/** Key of the job cluster the tasks share. */
export const jobClusterKey = "medallion";

/** Key (and notebook name) of the single-stream layout's one task. */
export const pipelineTaskKey = "pipeline";

/** The task keys of each layout, in run order; each task runs the notebook of the same name. */
export const streamTaskKeys: Record<StreamLayout, readonly string[]> = {
    single: [pipelineTaskKey],
    layered: medallionLayers,
};

/** One stream of the job: its task key (also its notebook's name), what it reads, and its notebook's parameters. */
interface StreamTask {
    key: string;
    /** Reads Event Hubs, so needs the connector library on its cluster. */
    readsEventHubs: boolean;
    /** Reads a Delta table, and so reports the streaming backlog metrics Delta sources have. */
    readsDelta: boolean;
    parameters: Record<string, pulumi.Input<string>>;
}

/** Key of the Listen connection string inside the job's secret scope. */
export const listenSecretKey = "eventhubs-listen-connection-string";

export class MedallionJob extends pulumi.ComponentResource {
    /** Id of the job. */
    public readonly jobId: pulumi.Output<string>;
    /** Link to the job in the workspace. */
    public readonly jobUrl: pulumi.Output<string>;
    /** Secret scope holding the Listen connection string. */
    public readonly secretScope: pulumi.Output<string>;
    /** Workspace path of each notebook, by the key of the task that runs it (`pipeline`, or `bronze`, `silver`, `gold`). */
    public readonly notebookPaths: Record<string, pulumi.Output<string>>;
    /** The workspace folder holding the notebooks and their module. */
    public readonly workspaceFolder: pulumi.Output<string>;

    constructor(name: string, args: MedallionJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:pipeline:MedallionJob", name, {}, opts);

        const mode = args.mode ?? jobDefaults.mode;
        const streams = args.streams ?? jobDefaults.streams;
        const triggerSeconds = args.triggerSeconds ?? jobDefaults.triggerSeconds;
        if (!Number.isInteger(triggerSeconds) || triggerSeconds <= 0) {
            throw new pulumi.ResourceError(
                `triggerSeconds must be a positive whole number of seconds (got ${triggerSeconds})`,
                this,
            );
        }
        const timeoutSeconds = args.timeoutSeconds ?? jobDefaults.timeoutSeconds;
        if (timeoutSeconds <= 0) {
            throw new pulumi.ResourceError(`timeoutSeconds must be positive (got ${timeoutSeconds})`, this);
        }
        const shape = args.jobCluster ?? {};
        if (shape.autoscale !== undefined && shape.workers !== undefined) {
            throw new pulumi.ResourceError("jobCluster.workers and jobCluster.autoscale are exclusive", this);
        }
        const folder = args.workspaceFolder.replace(/\/+$/, "");
        if (!/^\/[^/]/.test(folder)) {
            throw new pulumi.ResourceError(
                `workspaceFolder must be an absolute workspace path such as /lakestream/dev (got "${args.workspaceFolder}")`,
                this,
            );
        }

        const scope = new databricks.SecretScope(
            `${name}-scope`,
            { name: args.secretScopeName ?? name },
            { parent: this },
        );
        new databricks.Secret(
            `${name}-listen`,
            { scope: scope.name, key: listenSecretKey, stringValue: pulumi.secret(args.listenConnectionString) },
            { parent: this },
        );
        // The run-as identity reads the key and nothing else; the scope's creator (the deployer) manages it already,
        // and a READ for the deployer itself would lower its MANAGE, so there is no entry when they are the same.
        const secretAcls = args.runAs.isDeployer
            ? []
            : [
                  new databricks.SecretAcl(
                      `${name}-scope-read`,
                      { scope: scope.name, principal: args.runAs.name, permission: "READ" },
                      { parent: this },
                  ),
              ];

        // The code lives in its own folder, never /Shared where every workspace user has CAN_MANAGE. Databricks
        // refuses ACL entries for the admins group (they manage everything anyway), so the run-as identity is the
        // only entry; the permissions are set before any code lands in the folder.
        const directory = new databricks.Directory(
            `${name}-folder`,
            { path: folder, deleteRecursive: true },
            { parent: this },
        );
        const folderPermissions = new databricks.Permissions(
            `${name}-folder-permissions`,
            { directoryPath: directory.path, accessControls: [accessControlFor(args.runAs, "CAN_MANAGE")] },
            { parent: this },
        );

        // The parameters of each stream are exactly the widgets its notebook declares (docs/interfaces.md).
        const common = {
            catalog: args.catalogName,
            checkpoint_volume: args.checkpointVolumePath,
            trigger: mode,
            trigger_seconds: String(triggerSeconds),
        };
        const eventHubsParameters = {
            secret_scope: scope.name,
            secret_key: listenSecretKey,
            starting_position: args.startingPosition ?? jobDefaults.startingPosition,
            max_events_per_trigger: String(args.maxEventsPerTrigger),
            consumer_group: args.consumerGroup ?? "$Default",
        };
        const goldOutputMode = args.goldOutputMode ?? jobDefaults.goldOutputMode;
        const streamTasks: StreamTask[] =
            streams === "single"
                ? [
                      {
                          key: pipelineTaskKey,
                          readsEventHubs: true,
                          readsDelta: false,
                          parameters: {
                              ...common,
                              bronze_schema: args.schemaNames.bronze,
                              silver_schema: args.schemaNames.silver,
                              gold_schema: args.schemaNames.gold,
                              ...eventHubsParameters,
                              gold_output_mode: goldOutputMode,
                          },
                      },
                  ]
                : [
                      {
                          key: "bronze",
                          readsEventHubs: true,
                          readsDelta: false,
                          parameters: { ...common, bronze_schema: args.schemaNames.bronze, ...eventHubsParameters },
                      },
                      {
                          key: "silver",
                          readsEventHubs: false,
                          readsDelta: true,
                          parameters: {
                              ...common,
                              bronze_schema: args.schemaNames.bronze,
                              silver_schema: args.schemaNames.silver,
                          },
                      },
                      {
                          key: "gold",
                          readsEventHubs: false,
                          readsDelta: true,
                          parameters: {
                              ...common,
                              silver_schema: args.schemaNames.silver,
                              gold_schema: args.schemaNames.gold,
                              gold_output_mode: goldOutputMode,
                          },
                      },
                  ];

        // Only the notebooks of the chosen layout are uploaded: a notebook the job does not run is code nobody reviews.
        const notebooks = Object.fromEntries(
            streamTasks.map((task) => [
                task.key,
                new databricks.Notebook(
                    `${name}-${task.key}-notebook`,
                    {
                        path: `${folder}/${task.key}`,
                        source: path.join(args.notebooksDir, `${task.key}.py`),
                        language: "PYTHON",
                    },
                    { parent: this, dependsOn: [folderPermissions] },
                ),
            ]),
        ) as Record<string, databricks.Notebook>;

        // The notebooks import the `medallion` package from their own folder: only the modules they reach are uploaded,
        // not the local-only session, sample and CLI modules.
        const moduleFiles = runtimeModuleFiles(
            args.notebooksDir,
            streamTasks.map((task) => `${task.key}.py`),
        );
        const uploads = moduleFiles.map(
            (file) =>
                new databricks.WorkspaceFile(
                    `${name}-module-${file
                        .replace(/\.py$/, "")
                        .replace(/[^A-Za-z0-9]+/g, "-")
                        .replace(/^-+|-+$/g, "")}`,
                    {
                        path: `${folder}/medallion/${file}`,
                        source: path.join(args.notebooksDir, "medallion", file),
                    },
                    { parent: this, dependsOn: [folderPermissions] },
                ),
        );

        const pauseStatus = (args.paused ?? jobDefaults.paused) ? "PAUSED" : "UNPAUSED";
        const notify = args.notify ?? [];
        const backlogRules = [
            {
                metric: "STREAMING_BACKLOG_FILES",
                op: "GREATER_THAN",
                value: args.backlog?.maxFiles ?? jobDefaults.backlog.maxFiles,
            },
            {
                metric: "STREAMING_BACKLOG_BYTES",
                op: "GREATER_THAN",
                value: args.backlog?.maxBytes ?? jobDefaults.backlog.maxBytes,
            },
        ];
        const tasks = streamTasks.map((task, index) => ({
            taskKey: task.key,
            ...(args.interactiveClusterId !== undefined
                ? { existingClusterId: args.interactiveClusterId }
                : { jobClusterKey }),
            // The path as uploaded, known before the workspace exists, so that the guardrails on where job code lives
            // can check it on a first deploy; the job depends on the notebooks, so they are uploaded first.
            notebookTask: { notebookPath: `${folder}/${task.key}`, baseParameters: task.parameters },
            // The library installs on the cluster the task runs on; only the stream that reads Event Hubs needs it.
            libraries: task.readsEventHubs ? [{ maven: { coordinates: eventHubsConnectorCoordinates } }] : undefined,
            // Databricks measures the backlog of Delta sources in files and bytes; the connector's source has no such
            // metric, so the lag of the stream reading Event Hubs is watched by `npm run status` and an Azure Monitor
            // alert (docs/operations.md).
            ...(task.readsDelta
                ? {
                      health: { rules: backlogRules },
                      emailNotifications: notify.length > 0 ? { onStreamingBacklogExceededs: notify } : undefined,
                  }
                : {}),
            // Continuous jobs allow neither task dependencies nor retry policies: the streams run side by side, and
            // continuous.taskRetryMode retries a failed one.
            ...(mode === "availableNow"
                ? {
                      maxRetries: args.maxRetries ?? jobDefaults.maxRetries,
                      minRetryIntervalMillis: 60_000,
                      dependsOns: index > 0 ? [{ taskKey: streamTasks[index - 1].key }] : undefined,
                  }
                : {}),
        }));

        const singleUserName = args.runAs.name;
        const nodeType =
            shape.nodeType ??
            // Before the workspace exists the node type is unknown: the look-up waits for the workspace, not its provider.
            answered(
                databricks.getNodeTypeOutput(
                    { localDisk: true, minCores: 4, category: "General Purpose" },
                    workspaceLookupOptions(this, args.workspaceDependsOn),
                ).id,
                "the default node type's id",
            );
        const sized = clusterShape(shape.workers, shape.autoscale, args.tags);
        const jobClusters =
            args.interactiveClusterId !== undefined
                ? undefined
                : [
                      {
                          jobClusterKey,
                          newCluster: {
                              sparkVersion: shape.sparkVersion ?? defaultSparkVersion,
                              nodeTypeId: nodeType,
                              // Dedicated access mode: standard mode blocks EventHubsUtils.encrypt, which bronze needs.
                              dataSecurityMode: "SINGLE_USER",
                              singleUserName,
                              ...sized,
                              // Set before the first run: the shuffle partitions and the state store provider are
                              // fixed in a stateful stream's checkpoint.
                              sparkConf: {
                                  ...sized.sparkConf,
                                  ...streamingSparkConf({
                                      streams,
                                      workers: shape.workers,
                                      autoscale: shape.autoscale,
                                  }),
                              },
                          },
                      },
                  ];

        const job = new databricks.Job(
            `${name}-job`,
            {
                name,
                description: "Event Hubs to bronze, silver and gold Delta tables (lakestream)",
                maxConcurrentRuns: 1,
                // A continuous run is meant to run: no timeout; its health rules and notifications watch it.
                timeoutSeconds: mode === "availableNow" ? timeoutSeconds : undefined,
                jobClusters,
                tasks,
                continuous:
                    mode === "continuous"
                        ? { pauseStatus, taskRetryMode: args.taskRetryMode ?? jobDefaults.taskRetryMode }
                        : undefined,
                // A continuous run keeps the code it started with; this makes a deploy restart it on the new code.
                controlRunState: mode === "continuous" ? true : undefined,
                schedule:
                    mode === "availableNow"
                        ? {
                              quartzCronExpression: args.schedule ?? jobDefaults.schedule,
                              timezoneId: args.timezone ?? jobDefaults.timezone,
                              pauseStatus,
                          }
                        : undefined,
                emailNotifications: notify.length > 0 ? { onFailures: notify } : undefined,
                // `npm run stop` and a deploy that restarts a continuous run cancel runs: that is not a failure.
                notificationSettings: { noAlertForCanceledRuns: true, noAlertForSkippedRuns: true },
                tags: args.tags,
                // Named explicitly, never left to "whoever created the job": a redeploy by someone else keeps it.
                runAs: jobRunAs(args.runAs),
            },
            { parent: this, dependsOn: [...Object.values(notebooks), ...uploads, ...secretAcls] },
        );

        this.jobId = job.id;
        this.jobUrl = pulumi.interpolate`${args.workspaceUrl}/jobs/${job.id}`;
        this.secretScope = scope.name;
        this.workspaceFolder = directory.path;
        this.notebookPaths = Object.fromEntries(streamTasks.map((task) => [task.key, notebooks[task.key].path]));
        this.registerOutputs({
            jobId: this.jobId,
            jobUrl: this.jobUrl,
            secretScope: this.secretScope,
            notebookPaths: this.notebookPaths,
            workspaceFolder: this.workspaceFolder,
        });
    }
}

/**
 * The files of the `medallion` package the notebooks import, directly or through each other, sorted so the plan is
 * stable. Reading the imports keeps the upload in step with the code: a new runtime module is uploaded without a list
 * to maintain, and a local-only module (the local session, sample events, the CLI) is left out.
 */
export function runtimeModuleFiles(notebooksDir: string, notebooks: string[]): string[] {
    const moduleDir = path.join(notebooksDir, "medallion");
    const found = new Set<string>();
    const pending = notebooks.map((notebook) => path.join(notebooksDir, notebook));
    const importPattern = /^\s*(?:from\s+medallion\.(\w+)\s+import|import\s+medallion\.(\w+))/gm;
    while (pending.length > 0) {
        const source = fs.readFileSync(pending.pop()!, "utf8");
        for (const match of source.matchAll(importPattern)) {
            const file = `${match[1] ?? match[2]}.py`;
            if (!found.has(file) && fs.existsSync(path.join(moduleDir, file))) {
                found.add(file);
                pending.push(path.join(moduleDir, file));
            }
        }
    }
    // The package marker makes `medallion` importable from the notebooks' folder.
    if (found.size > 0 && fs.existsSync(path.join(moduleDir, "__init__.py"))) {
        found.add("__init__.py");
    }
    return [...found].sort();
}
