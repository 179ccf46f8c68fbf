// MedallionJob's plan: its settings with defaults, the streams of each layout, the uploads and the job's definition.
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import {
    eventHubsConnectorCoordinates,
    streamingJobClusterSpec,
    type ClusterSettings,
    type ClusterSize,
    type DedicatedClusterArgs,
    type StreamLayout,
} from "./clusterSpec";
import { medallionLayers, type MedallionLayer } from "./medallionCatalog";

export type JobMode = "continuous" | "availableNow";

/** The job cluster the tasks share; it starts with a run and stops when the run ends. */
export type JobClusterArgs = ClusterSettings;

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
    /**
     * What a continuous job does when a task fails while another task still runs its first attempt: retry it, or
     * leave it stopped. A one-task job (streams "single") is unaffected: its run fails and the continuous trigger
     * starts a new one. Defaults to "ON_FAILURE".
     */
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

/** The job's settings with every default applied. */
export type ResolvedJobSettings = Required<Omit<JobSettings, "backlog">> & { backlog: Required<BacklogThresholds> };

/** Key of the job cluster the tasks share. */
export const jobClusterKey = "medallion";

/** Key (and notebook name) of the single-stream layout's one task. */
export const pipelineTaskKey = "pipeline";

/** The task keys of each layout, in run order; each task runs the notebook of the same name. */
export const streamTaskKeys: Record<StreamLayout, readonly string[]> = {
    single: [pipelineTaskKey],
    layered: medallionLayers,
};

/** Key of the Listen connection string inside the job's secret scope. */
export const listenSecretKey = "eventhubs-listen-connection-string";

/** Applies the defaults of jobDefaults to what the stack chose. */
export function resolveJobSettings(settings: JobSettings): ResolvedJobSettings {
    return {
        mode: settings.mode ?? jobDefaults.mode,
        streams: settings.streams ?? jobDefaults.streams,
        triggerSeconds: settings.triggerSeconds ?? jobDefaults.triggerSeconds,
        schedule: settings.schedule ?? jobDefaults.schedule,
        timezone: settings.timezone ?? jobDefaults.timezone,
        timeoutSeconds: settings.timeoutSeconds ?? jobDefaults.timeoutSeconds,
        maxRetries: settings.maxRetries ?? jobDefaults.maxRetries,
        taskRetryMode: settings.taskRetryMode ?? jobDefaults.taskRetryMode,
        startingPosition: settings.startingPosition ?? jobDefaults.startingPosition,
        maxEventsPerTrigger: settings.maxEventsPerTrigger,
        goldOutputMode: settings.goldOutputMode ?? jobDefaults.goldOutputMode,
        paused: settings.paused ?? jobDefaults.paused,
        notify: settings.notify ?? [],
        backlog: {
            maxFiles: settings.backlog?.maxFiles ?? jobDefaults.backlog.maxFiles,
            maxBytes: settings.backlog?.maxBytes ?? jobDefaults.backlog.maxBytes,
        },
    };
}

/** The first thing wrong with the job's arguments, in the words the component refuses them with; none when all is well. */
export function jobArgsProblem(
    settings: ResolvedJobSettings,
    jobCluster: ClusterSize,
    workspaceFolder: string,
): string | undefined {
    const { triggerSeconds, timeoutSeconds } = settings;
    if (!Number.isInteger(triggerSeconds) || triggerSeconds <= 0) {
        return `triggerSeconds must be a positive whole number of seconds (got ${triggerSeconds})`;
    }
    if (timeoutSeconds <= 0) {
        return `timeoutSeconds must be positive (got ${timeoutSeconds})`;
    }
    if (jobCluster.autoscale !== undefined && jobCluster.workers !== undefined) {
        return "jobCluster.workers and jobCluster.autoscale are exclusive";
    }
    if (!/^\/[^/]/.test(workspaceFolderPath(workspaceFolder))) {
        return `workspaceFolder must be an absolute workspace path such as /lakestream/dev (got "${workspaceFolder}")`;
    }
    return undefined;
}

/** The workspace folder without trailing slashes, as the code's paths are built from it. */
export function workspaceFolderPath(workspaceFolder: string): string {
    return workspaceFolder.replace(/\/+$/, "");
}

/** Where the streams read and write: the tables, the checkpoints and the Event Hubs key. */
export interface StreamSources {
    /** Catalog the tables live in. */
    catalogName: pulumi.Input<string>;
    /** Schema of each layer. */
    schemaNames: Record<MedallionLayer, pulumi.Input<string>>;
    /** `/Volumes/...` path for stream checkpoints. */
    checkpointVolumePath: pulumi.Input<string>;
    /** Secret scope holding the Listen connection string under listenSecretKey. */
    secretScope: pulumi.Input<string>;
    /** Consumer group the bronze stream reads through. Defaults to "$Default", the only one on the Basic tier. */
    consumerGroup?: pulumi.Input<string>;
}

/** One stream of the job: its task key (also its notebook's name), what it reads, and its notebook's parameters. */
export interface StreamTask {
    key: string;
    /** Reads Event Hubs, so needs the connector library on its cluster. */
    readsEventHubs: boolean;
    /** Reads a Delta table, and so reports the streaming backlog metrics Delta sources have. */
    readsDelta: boolean;
    parameters: Record<string, pulumi.Input<string>>;
}

/** The streams of the chosen layout, in run order; the parameters of each are exactly the widgets its notebook declares (docs/interfaces.md). */
export function streamTasks(settings: ResolvedJobSettings, sources: StreamSources): StreamTask[] {
    const common = {
        catalog: sources.catalogName,
        checkpoint_volume: sources.checkpointVolumePath,
        trigger: settings.mode,
        trigger_seconds: String(settings.triggerSeconds),
    };
    const eventHubs = {
        secret_scope: sources.secretScope,
        secret_key: listenSecretKey,
        starting_position: settings.startingPosition,
        max_events_per_trigger: String(settings.maxEventsPerTrigger),
        consumer_group: sources.consumerGroup ?? "$Default",
    };
    const { bronze, silver, gold } = sources.schemaNames;
    const goldOutputMode = settings.goldOutputMode;
    if (settings.streams === "single") {
        const parameters = {
            ...common,
            bronze_schema: bronze,
            silver_schema: silver,
            gold_schema: gold,
            ...eventHubs,
            gold_output_mode: goldOutputMode,
        };
        return [{ key: pipelineTaskKey, readsEventHubs: true, readsDelta: false, parameters }];
    }
    return [
        {
            key: "bronze",
            readsEventHubs: true,
            readsDelta: false,
            parameters: { ...common, bronze_schema: bronze, ...eventHubs },
        },
        {
            key: "silver",
            readsEventHubs: false,
            readsDelta: true,
            parameters: { ...common, bronze_schema: bronze, silver_schema: silver },
        },
        {
            key: "gold",
            readsEventHubs: false,
            readsDelta: true,
            parameters: { ...common, silver_schema: silver, gold_schema: gold, gold_output_mode: goldOutputMode },
        },
    ];
}

/** A file to upload: the local source and its workspace path; `name` tells its resource apart from the others. */
export interface PlannedUpload {
    name: string;
    path: string;
    source: string;
}

/**
 * The notebooks of the given tasks and the `medallion` modules they import, each to its place under the folder.
 * Only the notebooks of the chosen layout are uploaded: a notebook the job does not run is code nobody reviews; and
 * only the modules the notebooks reach, not the local-only session, sample and CLI modules.
 */
export function plannedUploads(
    notebooksDir: string,
    folder: string,
    taskKeys: string[],
): { notebooks: PlannedUpload[]; modules: PlannedUpload[] } {
    const modules = runtimeModuleFiles(
        notebooksDir,
        taskKeys.map((key) => `${key}.py`),
    );
    return {
        notebooks: taskKeys.map((key) => ({
            name: key,
            path: `${folder}/${key}`,
            source: path.join(notebooksDir, `${key}.py`),
        })),
        modules: modules.map((file) => ({
            name: file
                .replace(/\.py$/, "")
                .replace(/[^A-Za-z0-9]+/g, "-")
                .replace(/^-+|-+$/g, ""),
            path: `${folder}/medallion/${file}`,
            source: path.join(notebooksDir, "medallion", file),
        })),
    };
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

/**
 * The tasks of the job, one per stream, each running its notebook (by task key in `notebookPaths`) on the all-purpose
 * cluster when there is one, else on the job cluster they share.
 */
export function jobTasks(
    settings: ResolvedJobSettings,
    streams: StreamTask[],
    notebookPaths: Record<string, pulumi.Input<string>>,
    interactiveClusterId: pulumi.Input<string> | undefined,
) {
    const { notify, backlog } = settings;
    const backlogRules = [
        { metric: "STREAMING_BACKLOG_FILES", op: "GREATER_THAN", value: backlog.maxFiles },
        { metric: "STREAMING_BACKLOG_BYTES", op: "GREATER_THAN", value: backlog.maxBytes },
    ];
    return streams.map((task, index) => ({
        taskKey: task.key,
        ...(interactiveClusterId !== undefined ? { existingClusterId: interactiveClusterId } : { jobClusterKey }),
        notebookTask: { notebookPath: notebookPaths[task.key], baseParameters: task.parameters },
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
        // Continuous jobs allow neither task dependencies nor retry policies: the streams run side by side.
        // continuous.taskRetryMode ON_FAILURE retries a failed task only "if at least one other task in the job is
        // still running its first attempt" (the provider's schema), so it acts in the layered job only; a one-task
        // job's run fails with its task and the continuous trigger starts a new run, with or without it.
        ...(settings.mode === "availableNow"
            ? {
                  maxRetries: settings.maxRetries,
                  minRetryIntervalMillis: 60_000,
                  dependsOns: index > 0 ? [{ taskKey: streams[index - 1].key }] : undefined,
              }
            : {}),
    }));
}

/** The job clusters of a job whose tasks run on the shared job cluster: one, dedicated to the run-as identity. */
export function jobClusters(settings: ResolvedJobSettings, cluster: DedicatedClusterArgs) {
    return [{ jobClusterKey, newCluster: streamingJobClusterSpec({ ...cluster, streams: settings.streams }) }];
}

/** The job's definition around its tasks and clusters: its trigger, its limits and who is told what. */
export function jobDefinition<Task, Cluster, RunAs>(
    settings: ResolvedJobSettings,
    parts: { name: string; jobClusters?: Cluster[]; tasks: Task[]; tags?: Record<string, string>; runAs: RunAs },
) {
    const { mode, notify } = settings;
    const pauseStatus = settings.paused ? "PAUSED" : "UNPAUSED";
    return {
        name: parts.name,
        description: "Event Hubs to bronze, silver and gold Delta tables (lakestream)",
        maxConcurrentRuns: 1,
        // A continuous run is meant to run: no timeout; its health rules and notifications watch it.
        timeoutSeconds: mode === "availableNow" ? settings.timeoutSeconds : undefined,
        jobClusters: parts.jobClusters,
        tasks: parts.tasks,
        continuous: mode === "continuous" ? { pauseStatus, taskRetryMode: settings.taskRetryMode } : undefined,
        // A continuous run keeps the code it started with; this makes a deploy restart it on the new code.
        controlRunState: mode === "continuous" ? true : undefined,
        schedule:
            mode === "availableNow"
                ? { quartzCronExpression: settings.schedule, timezoneId: settings.timezone, pauseStatus }
                : undefined,
        emailNotifications: notify.length > 0 ? { onFailures: notify } : undefined,
        // `npm run stop` and a deploy that restarts a continuous run cancel runs: that is not a failure.
        notificationSettings: { noAlertForCanceledRuns: true, noAlertForSkippedRuns: true },
        tags: parts.tags,
        // Named explicitly, never left to "whoever created the job": a redeploy by someone else keeps it.
        runAs: parts.runAs,
    };
}
