// MedallionJob: uploads the notebooks and their module, keeps the Listen key in a secret scope, and defines the streaming job.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import { medallionLayers, type MedallionLayer } from "./medallionCatalog";
import { accessControlFor, jobRunAs, type RunAsIdentity } from "./runAs";

export type JobMode = "continuous" | "availableNow";

export interface MedallionJobArgs {
    /** Cluster the three tasks run on. */
    clusterId: pulumi.Input<string>;
    /** Workspace URL, for the job's link. */
    workspaceUrl: pulumi.Input<string>;
    /** Local folder holding bronze.py, silver.py, gold.py and the `medallion` package. */
    notebooksDir: string;
    /**
     * Workspace folder the notebooks and their module are uploaded to, one per stack. The component creates it and
     * makes the run-as identity its only manager besides workspace admins, so nobody else can change the code that
     * reads the Event Hubs key. The permissions replace the creator's own, so the deploying identity must be a
     * workspace admin (or the run-as identity) to upload the code.
     */
    workspaceFolder: string;
    /** The identity the job runs as: it may read the secret scope and manage the code folder. */
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
    /** "continuous": three streams side by side until paused; "availableNow": bronze, silver, gold in sequence on a schedule. Defaults to "availableNow". */
    mode?: JobMode;
    /** Quartz cron schedule of availableNow runs. Defaults to every 15 minutes. */
    schedule?: string;
    /** Time zone of the schedule. Defaults to "UTC". */
    timezone?: string;
    /** Longest a run may last before Databricks stops it. Defaults to 3600. */
    timeoutSeconds?: number;
    /** Retries of a failed task (availableNow only; continuous jobs retry by themselves). Defaults to 1. */
    maxRetries?: number;
    /** Consumer group the bronze stream reads through. Defaults to "$Default", the only one on the Basic tier. */
    consumerGroup?: pulumi.Input<string>;
    /** Where a new stream starts reading Event Hubs. Defaults to "start". */
    startingPosition?: "start" | "latest";
    /** Events per micro-batch. Defaults to 1000 per partition, set by the caller. */
    maxEventsPerTrigger: number;
    /** How gold is written. Defaults to "update". */
    goldOutputMode?: "update" | "append";
    /** Create the job paused (its schedule or continuous trigger). Defaults to false. */
    paused?: boolean;
    /** Tags of the job. Defaults to none. */
    tags?: Record<string, string>;
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
    /** Workspace path of each notebook. */
    public readonly notebookPaths: Record<MedallionLayer, pulumi.Output<string>>;
    /** The workspace folder holding the notebooks and their module. */
    public readonly workspaceFolder: pulumi.Output<string>;

    constructor(name: string, args: MedallionJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:pipeline:MedallionJob", name, {}, opts);

        const mode = args.mode ?? "availableNow";
        const timeoutSeconds = args.timeoutSeconds ?? 3600;
        if (timeoutSeconds <= 0) {
            throw new pulumi.ResourceError(`timeoutSeconds must be positive (got ${timeoutSeconds})`, this);
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

        const notebooks = Object.fromEntries(
            medallionLayers.map((layer) => [
                layer,
                new databricks.Notebook(
                    `${name}-${layer}-notebook`,
                    {
                        path: `${folder}/${layer}`,
                        source: path.join(args.notebooksDir, `${layer}.py`),
                        language: "PYTHON",
                    },
                    { parent: this, dependsOn: [folderPermissions] },
                ),
            ]),
        ) as Record<MedallionLayer, databricks.Notebook>;

        // The notebooks import the `medallion` package from their own folder, so it is uploaded beside them.
        const moduleFiles = listModuleFiles(path.join(args.notebooksDir, "medallion"));
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

        const common = {
            catalog: args.catalogName,
            checkpoint_volume: args.checkpointVolumePath,
            trigger: mode,
        };
        const baseParameters: Record<MedallionLayer, Record<string, pulumi.Input<string>>> = {
            bronze: {
                ...common,
                bronze_schema: args.schemaNames.bronze,
                secret_scope: scope.name,
                secret_key: listenSecretKey,
                starting_position: args.startingPosition ?? "start",
                max_events_per_trigger: String(args.maxEventsPerTrigger),
                consumer_group: args.consumerGroup ?? "$Default",
            },
            silver: {
                ...common,
                bronze_schema: args.schemaNames.bronze,
                silver_schema: args.schemaNames.silver,
            },
            gold: {
                ...common,
                silver_schema: args.schemaNames.silver,
                gold_schema: args.schemaNames.gold,
                gold_output_mode: args.goldOutputMode ?? "update",
            },
        };

        const pauseStatus = args.paused ? "PAUSED" : "UNPAUSED";
        const tasks = medallionLayers.map((layer, index) => ({
            taskKey: layer,
            existingClusterId: args.clusterId,
            notebookTask: { notebookPath: notebooks[layer].path, baseParameters: baseParameters[layer] },
            // Continuous jobs allow neither task dependencies nor retry policies: the three streams run side by side.
            ...(mode === "availableNow"
                ? {
                      maxRetries: args.maxRetries ?? 1,
                      minRetryIntervalMillis: 60_000,
                      dependsOns: index > 0 ? [{ taskKey: medallionLayers[index - 1] }] : undefined,
                  }
                : {}),
        }));

        const job = new databricks.Job(
            `${name}-job`,
            {
                name,
                description: "Event Hubs to bronze, silver and gold Delta tables (lakestream)",
                maxConcurrentRuns: 1,
                timeoutSeconds,
                tasks,
                continuous: mode === "continuous" ? { pauseStatus } : undefined,
                schedule:
                    mode === "availableNow"
                        ? {
                              quartzCronExpression: args.schedule ?? "0 0/15 * * * ?",
                              timezoneId: args.timezone ?? "UTC",
                              pauseStatus,
                          }
                        : undefined,
                tags: args.tags,
                // Named explicitly, never left to "whoever created the job": a redeploy by someone else keeps it.
                runAs: jobRunAs(args.runAs),
            },
            { parent: this, dependsOn: [...uploads, ...secretAcls] },
        );

        this.jobId = job.id;
        this.jobUrl = pulumi.interpolate`${args.workspaceUrl}/jobs/${job.id}`;
        this.secretScope = scope.name;
        this.workspaceFolder = directory.path;
        this.notebookPaths = {
            bronze: notebooks.bronze.path,
            silver: notebooks.silver.path,
            gold: notebooks.gold.path,
        };
        this.registerOutputs({
            jobId: this.jobId,
            jobUrl: this.jobUrl,
            secretScope: this.secretScope,
            notebookPaths: this.notebookPaths,
            workspaceFolder: this.workspaceFolder,
        });
    }
}

/** Python files of the notebooks' module, sorted so the plan is stable. */
function listModuleFiles(moduleDir: string): string[] {
    if (!fs.existsSync(moduleDir)) {
        return [];
    }
    return fs
        .readdirSync(moduleDir)
        .filter((file) => file.endsWith(".py"))
        .sort();
}
