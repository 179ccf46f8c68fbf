// The health of a running lakestream pipeline: job, cluster, Event Hubs, gold freshness and end-to-end lag.
import type { LakestreamStackOutputs } from "../shared/stackOutputs";
import { requireOutput } from "../shared/stackOutputs";
import type { DatabricksClient, Run, StatementResponse } from "./databricksClient";
import type { EventHubsReader, EventHubsState } from "./eventHubsReader";
import { parseJobId } from "./stackInputs";

/** One part of the status: its data, or why it could not be read. Exactly one of the two is set. */
export interface Part<T> {
    data: T | null;
    error: string | null;
}

export interface TaskStatus {
    taskKey: string;
    state: string;
    result: string | null;
}

/** A cluster a run's tasks run on: the job's own cluster, which stops with the run, or an all-purpose one. */
export interface RunCompute {
    clusterId: string;
    name: string | null;
    /** The cluster's state, or why it could not be read. */
    state: string;
}

export interface RunStatus {
    runId: number;
    state: string;
    startedAt: string | null;
    runPageUrl: string | null;
    tasks: TaskStatus[];
    /** The clusters the run's tasks run on; empty until Databricks has given them one. */
    compute: RunCompute[];
}

export interface JobStatus {
    jobId: number;
    name: string | null;
    /** `continuous` runs forever unless paused; `schedule` starts on a cron; `manual` only when started. */
    trigger: "continuous" | "schedule" | "manual";
    pauseStatus: string | null;
    activeRuns: RunStatus[];
}

export interface ClusterStatus {
    clusterId: string;
    name: string | null;
    state: string;
    stateMessage: string | null;
    autoterminationMinutes: number;
    lastActivityAt: string | null;
    /** When an idle cluster stops by itself; null when it is not running or auto-termination is off. */
    autoTerminatesAt: string | null;
    /** The auto-termination in words, taking the job into account (a running stream keeps the cluster busy). */
    autoTermination: string;
}

export interface GoldWindow {
    location: string;
    windowStart: string;
    windowEnd: string;
}

export interface GoldStatus {
    table: string;
    windows: GoldWindow[];
}

export interface LagStatus {
    newestEventAt: string | null;
    newestWindowEnd: string | null;
    /** Newest event in Event Hubs minus the end of the newest gold window, at least 0; null when not computable. */
    lagSeconds: number | null;
    note: string | null;
}

/** Whether Unity Catalog can use the stack's external location, as it answers when asked to validate it. */
export interface StorageAccessStatus {
    externalLocation: string;
    /** One entry per operation Unity Catalog tried (READ, LIST, WRITE, DELETE, PATH_EXISTS). */
    results: { operation: string; result: string; message: string | null }[];
    /** The operations that failed; empty when the location is usable. */
    failed: string[];
}

export type Verdict = "healthy" | "stopped" | "unhealthy" | "unknown";

export interface StatusReport {
    stack: string;
    checkedAt: string;
    /** Null when the stack has no SQL warehouse: gold and lag are then unavailable by design, not by failure. */
    sqlWarehouseId: string | null;
    verdict: { state: Verdict; reasons: string[] };
    /** Links to the stack's AI/BI dashboards, from its outputs; null when the stack has none. */
    dashboards: { readers: string; owners: string } | null;
    job: Part<JobStatus>;
    /** The stack's all-purpose cluster; null when the stack has none (the job runs on its own job clusters). */
    cluster: Part<ClusterStatus> | null;
    eventHubs: Part<EventHubsState>;
    gold: Part<GoldStatus>;
    lag: Part<LagStatus>;
    /**
     * Unity Catalog's own check of the external location the stack created (created without validation, since the
     * role it needs takes minutes to reach Unity Catalog after the first `up`); null when the stack created none.
     */
    storage: Part<StorageAccessStatus> | null;
    /** Parts still waiting for an answer when the deadline passed (the tool then exits 3). */
    timedOut: string[];
}

export type StatusDatabricks = Pick<
    DatabricksClient,
    | "getJob"
    | "listActiveRuns"
    | "getRun"
    | "getCluster"
    | "executeStatement"
    | "getStatement"
    | "cancelStatement"
    | "validateStorageCredential"
>;

export interface StatusInputs {
    stack: string;
    outputs: Partial<LakestreamStackOutputs>;
    /** The workspace client, or why there is none (no host, for example). */
    databricks: StatusDatabricks | Error;
    /** The Event Hubs reader, or why there is none (no Listen connection string, for example). */
    eventHubs: EventHubsReader | Error;
    now: Date;
    /** Lag above which the pipeline is unhealthy. Defaults to 900 (15 minutes). */
    maxLagSeconds?: number;
    /** Pause between polls of a SQL statement still running. Defaults to 2000 ms. */
    statementPollMs?: number;
    /** Polls before giving up on a statement (a cold warehouse can take minutes). Defaults to 45. */
    statementMaxPolls?: number;
    /** The tool's deadline: a part still reading when it aborts is reported as not answering in time. */
    signal?: AbortSignal;
    /** Called while a long wait lasts (a cold SQL warehouse), e.g. `SQL warehouse 7b0c is RUNNING (poll 3)`. */
    onProgress?: (message: string) => void;
}

// Gold columns as the gold notebook writes them: one row per (location, 5-minute window).
const goldColumns = { location: "location", windowStart: "start", windowEnd: "end" } as const;

const failedResults = new Set(["FAILED", "TIMEDOUT", "INTERNAL_ERROR", "UPSTREAM_FAILED"]);
// A cluster in these states cannot be running an active run's tasks.
const stoppedClusterStates = new Set(["TERMINATING", "TERMINATED", "ERROR"]);

const deadlineMessage = "no answer before the deadline (--timeout)";

/** Reads one part; when `signal` aborts first, the part's error says so and the read is abandoned. */
async function part<T>(read: () => Promise<T>, signal?: AbortSignal): Promise<Part<T>> {
    const reading = (async () => {
        try {
            return { data: await read(), error: null };
        } catch (error) {
            return { data: null, error: error instanceof Error ? error.message : String(error) };
        }
    })();
    if (!signal) {
        return reading;
    }
    if (signal.aborted) {
        return { data: null, error: deadlineMessage };
    }
    let onAbort: (() => void) | undefined;
    const timedOut = new Promise<Part<T>>((resolve) => {
        onAbort = () => resolve({ data: null, error: deadlineMessage });
        signal.addEventListener("abort", onAbort, { once: true });
    });
    const result = await Promise.race([reading, timedOut]);
    signal.removeEventListener("abort", onAbort!);
    // A read that failed because the deadline aborted its call is a timeout too, whatever its own message says.
    return result.error !== null && signal.aborted ? { data: null, error: deadlineMessage } : result;
}

function client(inputs: StatusInputs): StatusDatabricks {
    if (inputs.databricks instanceof Error) {
        throw inputs.databricks;
    }
    return inputs.databricks;
}

function isoOrNull(epochMs: number | undefined): string | null {
    return epochMs === undefined || epochMs <= 0 ? null : new Date(epochMs).toISOString();
}

async function readJob(inputs: StatusInputs): Promise<JobStatus> {
    const databricks = client(inputs);
    const jobId = parseJobId(requireOutput(inputs.outputs, "jobId", inputs.stack), inputs.stack);
    const job = await databricks.getJob(jobId);
    const active = await databricks.listActiveRuns(jobId);
    // runs/list leaves the tasks out unless expanded; runs/get has them all.
    const runs: Run[] = await Promise.all(active.map((run) => databricks.getRun(run.run_id)));
    const clusterIds = [
        ...new Set(runs.flatMap((run) => (run.tasks ?? []).flatMap((task) => task.cluster_instance?.cluster_id ?? []))),
    ];
    const clusters = new Map<string, RunCompute>();
    await Promise.all(
        clusterIds.map(async (clusterId) => {
            try {
                const cluster = await databricks.getCluster(clusterId);
                clusters.set(clusterId, {
                    clusterId,
                    name: cluster.cluster_name ?? null,
                    state: cluster.state ?? "UNKNOWN",
                });
            } catch (error) {
                clusters.set(clusterId, { clusterId, name: null, state: `unreadable: ${(error as Error).message}` });
            }
        }),
    );
    const settings = job.settings ?? {};
    const trigger = settings.continuous ? "continuous" : settings.schedule ? "schedule" : "manual";
    return {
        jobId,
        name: settings.name ?? null,
        trigger,
        pauseStatus: settings.continuous?.pause_status ?? settings.schedule?.pause_status ?? null,
        activeRuns: runs.map((run) => ({
            runId: run.run_id,
            state: run.state?.life_cycle_state ?? "UNKNOWN",
            startedAt: isoOrNull(run.start_time),
            runPageUrl: run.run_page_url ?? null,
            tasks: (run.tasks ?? []).map((task) => ({
                taskKey: task.task_key,
                state: task.state?.life_cycle_state ?? "UNKNOWN",
                result: task.state?.result_state ?? null,
            })),
            compute: [...new Set((run.tasks ?? []).flatMap((task) => task.cluster_instance?.cluster_id ?? []))].map(
                (clusterId) => clusters.get(clusterId)!,
            ),
        })),
    };
}

async function readCluster(inputs: StatusInputs): Promise<ClusterStatus> {
    const databricks = client(inputs);
    const clusterId = requireOutput(inputs.outputs, "clusterId", inputs.stack);
    const cluster = await databricks.getCluster(clusterId);
    const minutes = cluster.autotermination_minutes ?? 0;
    const state = cluster.state ?? "UNKNOWN";
    const lastActivity = cluster.last_activity_time;
    const autoTerminatesAt =
        state === "RUNNING" && minutes > 0 && lastActivity ? isoOrNull(lastActivity + minutes * 60_000) : null;
    return {
        clusterId,
        name: cluster.cluster_name ?? null,
        state,
        stateMessage: cluster.state_message || null,
        autoterminationMinutes: minutes,
        lastActivityAt: isoOrNull(lastActivity),
        autoTerminatesAt,
        autoTermination: "",
    };
}

async function readStorageAccess(inputs: StatusInputs): Promise<StorageAccessStatus> {
    const databricks = client(inputs);
    const location = requireOutput(inputs.outputs, "externalLocationName", inputs.stack);
    // The stack gives its storage credential the external location's name (components/catalogStorage.ts).
    const answer = await databricks.validateStorageCredential(location, location);
    const results = (answer.results ?? []).map((entry) => ({
        operation: entry.operation ?? "UNKNOWN",
        result: entry.result ?? "UNKNOWN",
        message: entry.message || null,
    }));
    return {
        externalLocation: location,
        results,
        failed: results.filter((entry) => entry.result === "FAIL").map((entry) => entry.operation),
    };
}

function quoteIdentifier(name: string): string {
    return "`" + name.replace(/`/g, "``") + "`";
}

/** A SQL timestamp string as ISO 8601; a value without a zone is UTC, the warehouse's default session zone. */
function timestampToIso(value: string | null, column: string): string {
    if (value === null) {
        throw new Error(`gold column "${column}" is null`);
    }
    const normalized = value.includes("T") ? value : value.replace(" ", "T");
    const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(normalized) ? normalized : `${normalized}Z`;
    const parsed = new Date(zoned);
    if (Number.isNaN(parsed.getTime())) {
        throw new Error(`gold column "${column}" holds "${value}", not a timestamp`);
    }
    return parsed.toISOString();
}

async function runStatement(inputs: StatusInputs, warehouseId: string, statement: string): Promise<StatementResponse> {
    const databricks = client(inputs);
    let response = await databricks.executeStatement(warehouseId, statement, "30s");
    const pollMs = inputs.statementPollMs ?? 2000;
    const maxPolls = inputs.statementMaxPolls ?? 45;
    for (let poll = 0; poll < maxPolls && isPending(response) && !inputs.signal?.aborted; poll++) {
        inputs.onProgress?.(
            `SQL warehouse ${warehouseId}: the gold query is ${response.status?.state} (poll ${poll + 1} of ${maxPolls})`,
        );
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        response = await databricks.getStatement(response.statement_id);
    }
    if (isPending(response)) {
        // Do not leave a query queued on the warehouse (and keeping it awake) after giving up on it.
        await databricks.cancelStatement(response.statement_id).catch(() => undefined);
        throw new Error(
            `SQL warehouse ${warehouseId} did not answer in time (state ${response.status?.state}); ` +
                "it may still be starting, try again in a minute",
        );
    }
    const state = response.status?.state;
    if (state !== "SUCCEEDED") {
        const error = response.status?.error;
        throw new Error(`query on SQL warehouse ${warehouseId} ended ${state}: ${error?.message ?? "no message"}`);
    }
    return response;
}

function isPending(response: StatementResponse): boolean {
    return response.status?.state === "PENDING" || response.status?.state === "RUNNING";
}

async function readGold(inputs: StatusInputs): Promise<GoldStatus> {
    const warehouseId = inputs.outputs.sqlWarehouseId;
    if (!warehouseId) {
        throw new Error(
            `needs a SQL warehouse: stack "${inputs.stack}" has no output "sqlWarehouseId" ` +
                "(every stack gets one from pulumi up; a stack last deployed before that has none yet)",
        );
    }
    const powerBi = requireOutput(inputs.outputs, "powerBi", inputs.stack);
    const table = [powerBi.catalog, powerBi.schema, powerBi.table].map(quoteIdentifier).join(".");
    const { location, windowStart, windowEnd } = goldColumns;
    // Windows are tumbling, so the newest start and the newest end of a location belong to the same window.
    const statement =
        `SELECT ${quoteIdentifier(location)} AS location, max(${quoteIdentifier(windowStart)}) AS window_start, ` +
        `max(${quoteIdentifier(windowEnd)}) AS window_end FROM ${table} GROUP BY 1 ORDER BY 1`;
    const response = await runStatement(inputs, warehouseId, statement);
    const columns = response.manifest?.schema?.columns ?? [];
    const index = (name: string) => {
        const found = columns.findIndex((column) => column.name === name);
        if (found < 0) {
            throw new Error(`the gold query returned no column "${name}"`);
        }
        return columns[found].position ?? found;
    };
    const [locationAt, startAt, endAt] = [index("location"), index("window_start"), index("window_end")];
    return {
        table,
        windows: (response.result?.data_array ?? []).map((row) => ({
            location: row[locationAt] ?? "(no location)",
            windowStart: timestampToIso(row[startAt], windowStart),
            windowEnd: timestampToIso(row[endAt], windowEnd),
        })),
    };
}

function computeLag(eventHubs: Part<EventHubsState>, gold: Part<GoldStatus>): LagStatus {
    if (eventHubs.error !== null) {
        throw new Error("needs the newest event in Event Hubs, which could not be read (see event hubs)");
    }
    if (gold.error !== null) {
        throw new Error("needs the newest gold window, which could not be read (see gold)");
    }
    const eventTimes = eventHubs.data!.partitions.flatMap((partition) =>
        partition.lastEnqueuedOnUtc ? [Date.parse(partition.lastEnqueuedOnUtc)] : [],
    );
    const windowEnds = gold.data!.windows.map((window) => Date.parse(window.windowEnd));
    const newestEvent = eventTimes.length > 0 ? Math.max(...eventTimes) : undefined;
    const newestWindowEnd = windowEnds.length > 0 ? Math.max(...windowEnds) : undefined;
    const lag: LagStatus = {
        newestEventAt: isoOrNull(newestEvent),
        newestWindowEnd: isoOrNull(newestWindowEnd),
        lagSeconds: null,
        note: null,
    };
    if (newestEvent === undefined) {
        lag.note = "Event Hubs retains no event, so there is nothing to be behind on";
    } else if (newestWindowEnd === undefined) {
        lag.note = "gold has no window yet";
    } else {
        lag.lagSeconds = Math.max(0, Math.round((newestEvent - newestWindowEnd) / 1000));
    }
    return lag;
}

function describeAutoTermination(cluster: ClusterStatus, job: JobStatus | null): string {
    if (cluster.state !== "RUNNING") {
        return "not while it is not running";
    }
    if (cluster.autoterminationMinutes <= 0) {
        return "auto-termination is off: it runs until stopped";
    }
    const busyWith = job?.activeRuns.find((run) =>
        run.compute.some((compute) => compute.clusterId === cluster.clusterId),
    );
    if (busyWith) {
        return `after ${cluster.autoterminationMinutes} min idle; not while run ${busyWith.runId} keeps it busy`;
    }
    return cluster.autoTerminatesAt
        ? `at ${cluster.autoTerminatesAt} (${cluster.autoterminationMinutes} min after the last activity)`
        : `after ${cluster.autoterminationMinutes} min idle`;
}

/**
 * Parts that failed; gold and lag do not count on a stack without a SQL warehouse, where they cannot exist. The
 * storage check does not count either: it needs the credential's owner or CREATE EXTERNAL LOCATION, which an operator
 * reading the status may lack; it says why it could not run, and only a failed operation changes the verdict.
 */
function unreadableParts(report: Omit<StatusReport, "verdict">): string[] {
    const parts = ["job", "cluster", "eventHubs", "gold", "lag"] as const;
    const expected = report.sqlWarehouseId === null ? ["gold", "lag"] : [];
    return parts.filter((name) => {
        const part = report[name];
        return part !== null && part.error !== null && !expected.includes(name);
    });
}

function judge(report: Omit<StatusReport, "verdict">, maxLagSeconds: number): { state: Verdict; reasons: string[] } {
    const problems: string[] = [];
    const job = report.job.data;
    const run = job?.activeRuns[0];
    for (const task of run?.tasks ?? []) {
        if (task.state === "INTERNAL_ERROR" || (task.result !== null && failedResults.has(task.result))) {
            problems.push(`task ${task.taskKey} ${task.result ?? task.state}`);
        }
    }
    for (const compute of run?.compute ?? []) {
        if (stoppedClusterStates.has(compute.state)) {
            problems.push(`run ${run!.runId} is active but its cluster ${compute.clusterId} is ${compute.state}`);
        }
    }
    const cluster = report.cluster?.data;
    const lagSeconds = report.lag.data?.lagSeconds;
    if (run && lagSeconds !== null && lagSeconds !== undefined && lagSeconds > maxLagSeconds) {
        problems.push(`gold is ${lagSeconds} s behind Event Hubs (limit ${maxLagSeconds} s)`);
    }
    const storage = report.storage?.data;
    if (storage && storage.failed.length > 0) {
        problems.push(
            `Unity Catalog cannot ${storage.failed.join(", ")} under external location ${storage.externalLocation} ` +
                "(a role assignment takes minutes to take effect after the first deploy; if this persists, check " +
                "the access connector's Storage Blob Data Contributor role on the storage account)",
        );
    }
    if (problems.length > 0) {
        return { state: "unhealthy", reasons: problems };
    }
    const unreadable = unreadableParts(report);
    if (job && !run) {
        const reasons = [`job ${job.jobId} has no active run`];
        if (cluster?.state === "RUNNING") {
            reasons.push(`cluster ${cluster.clusterId} is RUNNING without a job run (costs money until it stops)`);
        }
        return { state: "stopped", reasons };
    }
    if (unreadable.length > 0) {
        return { state: "unknown", reasons: unreadable.map((name) => `${name} could not be read`) };
    }
    return { state: "healthy", reasons: [] };
}

/** Reads every part of the status at once; a part that fails carries its error and the others are still read. */
export async function collectStatus(inputs: StatusInputs): Promise<StatusReport> {
    const signal = inputs.signal;
    // Only a stack with lakestream:interactiveCluster has an all-purpose cluster; the job's own compute is in its runs.
    const hasCluster = Boolean(inputs.outputs.clusterId);
    // Only a stack that creates its catalog's storage has an external location of its own to check.
    const hasLocation = Boolean(inputs.outputs.externalLocationName);
    const [job, cluster, eventHubs, gold, storage] = await Promise.all([
        part(() => readJob(inputs), signal),
        hasCluster ? part(() => readCluster(inputs), signal) : Promise.resolve(null),
        part(async () => {
            if (inputs.eventHubs instanceof Error) {
                throw inputs.eventHubs;
            }
            return inputs.eventHubs.read();
        }, signal),
        part(() => readGold(inputs), signal),
        hasLocation ? part(() => readStorageAccess(inputs), signal) : Promise.resolve(null),
    ]);
    if (cluster?.data) {
        cluster.data.autoTermination = describeAutoTermination(cluster.data, job.data);
    }
    const lag = await part(async () => computeLag(eventHubs, gold));
    const timedOut = Object.entries({ job, cluster, eventHubs, gold, storage })
        .filter(([, read]) => read !== null && read.error === deadlineMessage)
        .map(([name]) => name);
    const partial = {
        stack: inputs.stack,
        checkedAt: inputs.now.toISOString(),
        sqlWarehouseId: inputs.outputs.sqlWarehouseId || null,
        dashboards:
            inputs.outputs.dashboardUrl && inputs.outputs.ownerDashboardUrl
                ? { readers: inputs.outputs.dashboardUrl, owners: inputs.outputs.ownerDashboardUrl }
                : null,
        job,
        cluster,
        eventHubs,
        gold,
        lag,
        storage,
        timedOut,
    };
    return { ...partial, verdict: judge(partial, inputs.maxLagSeconds ?? 900) };
}

/**
 * The exit code of the status tool: 0 when the pipeline is healthy or stopped and every part could be read (gold and
 * lag excepted on a stack without a SQL warehouse), otherwise 1, so a scheduled check can alert on it.
 */
export function statusExitCode(report: StatusReport): number {
    const settled = report.verdict.state === "healthy" || report.verdict.state === "stopped";
    return settled && unreadableParts(report).length === 0 ? 0 : 1;
}

function formatDuration(seconds: number): string {
    if (seconds < 120) {
        return `${seconds} s`;
    }
    const minutes = Math.floor(seconds / 60);
    return minutes < 120 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The report as one screen of text. */
export function formatStatus(report: StatusReport): string[] {
    const label = (name: string) => name.padEnd(11);
    const lines = [`lakestream status of stack "${report.stack}" at ${report.checkedAt}`];
    lines.push(
        `${label("pipeline")}${report.verdict.state}` +
            (report.verdict.reasons.length > 0 ? `: ${report.verdict.reasons.join("; ")}` : ""),
    );

    const unavailable = (name: string, error: string) => `${label(name)}unavailable: ${error}`;
    const { job, cluster, eventHubs, gold, lag } = report;
    if (job.data) {
        const paused = job.data.pauseStatus ? ` (${job.data.pauseStatus})` : "";
        const runs = job.data.activeRuns.length;
        lines.push(
            `${label("job")}${job.data.jobId}${job.data.name ? ` "${job.data.name}"` : ""}, ` +
                `${job.data.trigger}${paused}, ${runs === 0 ? "no active run" : `${runs} active run${runs > 1 ? "s" : ""}`}`,
        );
        for (const run of job.data.activeRuns) {
            lines.push(
                `  run ${run.runId} ${run.state}${run.startedAt ? ` since ${run.startedAt}` : ""}` +
                    (run.runPageUrl ? `  ${run.runPageUrl}` : ""),
            );
            for (const task of run.tasks) {
                lines.push(`    ${task.taskKey.padEnd(10)}${task.state}${task.result ? ` ${task.result}` : ""}`);
            }
            for (const compute of run.compute) {
                lines.push(
                    `    compute   ${compute.clusterId}${compute.name ? ` "${compute.name}"` : ""} ${compute.state}`,
                );
            }
        }
    } else {
        lines.push(unavailable("job", job.error!));
    }
    if (cluster === null) {
        lines.push(`${label("cluster")}none: the job runs on its own job clusters, which stop with each run`);
    } else if (cluster.data) {
        const c = cluster.data;
        lines.push(
            `${label("cluster")}${c.clusterId}${c.name ? ` "${c.name}"` : ""} ${c.state}` +
                (c.stateMessage ? ` (${c.stateMessage})` : "") +
                (c.state === "RUNNING" ? `; auto-terminates ${c.autoTermination}` : ""),
        );
    } else {
        lines.push(unavailable("cluster", cluster.error!));
    }
    if (eventHubs.data) {
        lines.push(
            `${label("event hubs")}hub "${eventHubs.data.eventHubName}", ${eventHubs.data.partitions.length} partitions`,
        );
        for (const partition of eventHubs.data.partitions) {
            lines.push(
                `  partition ${partition.partitionId.padEnd(3)}` +
                    (partition.isEmpty
                        ? "empty"
                        : `last enqueued ${partition.lastEnqueuedOnUtc}, sequence number ${partition.lastEnqueuedSequenceNumber}`),
            );
        }
    } else {
        lines.push(unavailable("event hubs", eventHubs.error!));
    }
    if (gold.data) {
        const count = gold.data.windows.length;
        lines.push(
            `${label("gold")}${gold.data.table}, ${count === 0 ? "no window yet" : `newest window of ${count} locations`}`,
        );
        const width = Math.max(0, ...gold.data.windows.map((window) => window.location.length)) + 2;
        for (const window of gold.data.windows) {
            lines.push(`  ${window.location.padEnd(width)}${window.windowStart} to ${window.windowEnd}`);
        }
    } else {
        lines.push(unavailable("gold", gold.error!));
    }
    if (lag.data) {
        lines.push(
            `${label("lag")}` +
                (lag.data.lagSeconds !== null
                    ? `${formatDuration(lag.data.lagSeconds)} (newest event ${lag.data.newestEventAt}, ` +
                      `newest gold window ends ${lag.data.newestWindowEnd}; precision one 5-minute window)`
                    : (lag.data.note ?? "unknown")),
        );
    } else {
        lines.push(unavailable("lag", lag.error!));
    }
    const { storage } = report;
    if (storage?.data) {
        const results = storage.data.results.map((entry) => `${entry.operation} ${entry.result}`).join(", ");
        lines.push(`${label("storage")}external location ${storage.data.externalLocation}: ${results || "no result"}`);
        for (const entry of storage.data.results.filter((result) => result.result === "FAIL" && result.message)) {
            lines.push(`  ${entry.operation}: ${entry.message}`);
        }
    } else if (storage) {
        lines.push(unavailable("storage", storage.error!));
    }
    if (report.dashboards !== null) {
        lines.push(`${label("dashboards")}readers ${report.dashboards.readers}`);
        lines.push(`${" ".repeat(11)}owners  ${report.dashboards.owners}`);
    } else {
        lines.push(
            `${label("dashboards")}none in the stack outputs (lakestream:dashboard.enabled: false, or deployed before dashboards)`,
        );
    }
    return lines;
}
