// Stops a running lakestream pipeline: pauses the job's trigger, cancels its active runs, terminates the cluster.
import type { DatabricksClient, Job, Run } from "./databricksClient";

/** What the stop acts on, from the stack outputs. */
export interface StopTarget {
    jobId: number;
    clusterId: string;
}

export type StopActionKind = "pause-job" | "cancel-run" | "terminate-cluster";

/** One change the stop made, would make (`--dry-run`), or tried and could not make. */
export interface StopAction {
    kind: StopActionKind;
    /** What is changed, e.g. `continuous job 42 "lakestream-dev"`. */
    subject: string;
    outcome: "done" | "planned" | "failed";
    error?: string;
}

export interface StopReport {
    dryRun: boolean;
    actions: StopAction[];
    /** Facts found that needed no change, e.g. `cluster 0101-x is TERMINATED`. */
    alreadyStopped: string[];
    /** Parts that could not be read, so nothing is known about them. */
    errors: string[];
    /** Things a stop does not change but the user should know, e.g. a schedule that will start the job again. */
    notes: string[];
    /** Steps not started because the deadline had passed, e.g. `terminate cluster 0101-x`. */
    notAttempted: string[];
}

export interface StopOptions {
    dryRun: boolean;
    /** The tool's deadline: once it aborts, no further step starts and each is listed in notAttempted. */
    signal?: AbortSignal;
    /** Called as each step starts, e.g. `reading job 42`, so a slow workspace shows where it is. */
    onStep?: (step: string) => void;
}

// A cluster in these states is stopped or on its way there; clusters/delete would change nothing.
const clusterStoppedStates = new Set(["TERMINATED", "TERMINATING"]);

/**
 * Brings the pipeline to rest and reports each step. Every step is attempted even when an earlier one failed, so a
 * refused job call never leaves the cluster running. With `dryRun` only reads are made.
 */
export async function stopPipeline(
    client: Pick<
        DatabricksClient,
        "getJob" | "listActiveRuns" | "cancelRun" | "updateJob" | "getCluster" | "terminateCluster"
    >,
    target: StopTarget,
    { dryRun, signal, onStep }: StopOptions,
): Promise<StopReport> {
    const report: StopReport = { dryRun, actions: [], alreadyStopped: [], errors: [], notes: [], notAttempted: [] };
    /** False (and the step listed as not attempted) once the deadline has passed. */
    const starting = (step: string): boolean => {
        if (signal?.aborted) {
            report.notAttempted.push(step);
            return false;
        }
        onStep?.(step);
        return true;
    };
    const act = async (kind: StopActionKind, subject: string, change: () => Promise<void>) => {
        if (dryRun) {
            report.actions.push({ kind, subject, outcome: "planned" });
            return;
        }
        if (!starting(`${verbs[kind].planned.replace(/^would /, "")} ${subject}`)) {
            return;
        }
        try {
            await change();
            report.actions.push({ kind, subject, outcome: "done" });
        } catch (error) {
            report.actions.push({ kind, subject, outcome: "failed", error: (error as Error).message });
        }
    };

    let job: Job | undefined;
    if (starting(`read job ${target.jobId}`)) {
        try {
            job = await client.getJob(target.jobId);
        } catch (error) {
            report.errors.push(`job ${target.jobId}: ${(error as Error).message}`);
        }
    }
    const jobName = job?.settings?.name ? ` "${job.settings.name}"` : "";

    // Pause before cancelling: an unpaused continuous job starts a new run as soon as the active one ends.
    const continuous = job?.settings?.continuous;
    if (continuous) {
        if (continuous.pause_status === "PAUSED") {
            report.alreadyStopped.push(`continuous job ${target.jobId}${jobName} is paused`);
        } else {
            // jobs/update replaces a top-level field whole, so the other `continuous` fields are sent back unchanged.
            await act("pause-job", `continuous job ${target.jobId}${jobName}`, () =>
                client.updateJob(target.jobId, { continuous: { ...continuous, pause_status: "PAUSED" } }),
            );
        }
    }
    // A scheduled job would start the cluster again at its next trigger: a stop that lasts pauses the schedule too.
    const schedule = job?.settings?.schedule;
    if (schedule) {
        if (schedule.pause_status === "PAUSED") {
            report.alreadyStopped.push(`the schedule of job ${target.jobId}${jobName} is paused`);
        } else {
            await act(
                "pause-job",
                `the schedule (${schedule.quartz_cron_expression ?? "cron"}) of job ${target.jobId}${jobName}`,
                () => client.updateJob(target.jobId, { schedule: { ...schedule, pause_status: "PAUSED" } }),
            );
        }
    }
    if (report.actions.some((action) => action.kind === "pause-job" && action.outcome !== "failed")) {
        report.notes.push(
            "pulumi up --refresh sets the trigger back to the stack's lakestream:job.paused (that is how to resume); " +
                "to keep it paused across refreshes, set lakestream:job.paused: true",
        );
    }

    let runs: Run[] | undefined;
    if (starting(`list the active runs of job ${target.jobId}`)) {
        try {
            runs = await client.listActiveRuns(target.jobId);
        } catch (error) {
            report.errors.push(`active runs of job ${target.jobId}: ${(error as Error).message}`);
        }
    }
    if (runs !== undefined && runs.length === 0) {
        report.alreadyStopped.push(`job ${target.jobId}${jobName} has no active run`);
    }
    for (const run of runs ?? []) {
        const state = run.state?.life_cycle_state ?? "UNKNOWN";
        if (state === "TERMINATING") {
            report.alreadyStopped.push(`run ${run.run_id} is already TERMINATING`);
            continue;
        }
        await act("cancel-run", `run ${run.run_id} of job ${target.jobId} (${state})`, () =>
            client.cancelRun(run.run_id),
        );
    }

    if (!starting(`read cluster ${target.clusterId}`)) {
        return report;
    }
    try {
        const cluster = await client.getCluster(target.clusterId);
        const state = cluster.state ?? "UNKNOWN";
        const name = cluster.cluster_name ? ` "${cluster.cluster_name}"` : "";
        if (clusterStoppedStates.has(state)) {
            report.alreadyStopped.push(`cluster ${target.clusterId}${name} is ${state}`);
        } else {
            await act("terminate-cluster", `cluster ${target.clusterId}${name} (${state})`, () =>
                client.terminateCluster(target.clusterId),
            );
        }
    } catch (error) {
        report.errors.push(`cluster ${target.clusterId}: ${(error as Error).message}`);
    }
    return report;
}

/** True when the stop could not do or check everything; the tool then exits 1 (3 when the deadline passed). */
export function stopFailed(report: StopReport): boolean {
    return (
        report.errors.length > 0 ||
        report.notAttempted.length > 0 ||
        report.actions.some((action) => action.outcome === "failed")
    );
}

const verbs: Record<StopActionKind, { done: string; planned: string; failed: string }> = {
    "pause-job": { done: "paused", planned: "would pause", failed: "could not pause" },
    "cancel-run": { done: "cancelled", planned: "would cancel", failed: "could not cancel" },
    "terminate-cluster": { done: "terminated", planned: "would terminate", failed: "could not terminate" },
};

/** The report as the lines the tool prints. */
export function formatStopReport(report: StopReport, stackLabel: string, host: string): string[] {
    const lines = [`${report.dryRun ? "dry run: nothing is changed. " : ""}stopping stack "${stackLabel}" on ${host}`];
    for (const action of report.actions) {
        const verb = verbs[action.kind][action.outcome];
        lines.push(`  ${verb} ${action.subject}${action.error ? `: ${action.error}` : ""}`);
    }
    if (report.actions.some((action) => action.kind === "terminate-cluster" && action.outcome === "done")) {
        lines.push(
            "  (a terminated cluster keeps its configuration; the next job run, or a DirectQuery on it, starts it again)",
        );
    }
    if (report.actions.some((action) => action.kind === "cancel-run" && action.outcome === "done")) {
        lines.push("  (cancelling is asynchronous: runs pass through TERMINATING before they end)");
    }
    for (const error of report.errors) {
        lines.push(`  could not check ${error}`);
    }
    if (report.actions.length === 0 && report.errors.length === 0 && report.notAttempted.length === 0) {
        lines.push(`  nothing to stop: ${report.alreadyStopped.join("; ")}`);
    } else if (report.alreadyStopped.length > 0) {
        lines.push(`  already stopped: ${report.alreadyStopped.join("; ")}`);
    }
    for (const step of report.notAttempted) {
        lines.push(`  not attempted (deadline passed): ${step}`);
    }
    for (const note of report.notes) {
        lines.push(`  note: ${note}`);
    }
    return lines;
}
