// Advises a shuffle partition count, set before the first run, on every cluster a job's streams run on.
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import type { MaybeUnknown } from "../lib/read";
import { propsOf, stackPropsOf, type StackRun } from "../lib/keptInputs";
import { asNumber, asString, elementsOf, isRecord, isUnknown, known, PreviewGaps } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        maxPartitionsPerWorker: {
            type: "integer",
            minimum: 1,
            maximum: 64,
            default: 8,
            description:
                "Most shuffle partitions per worker (a single node counts as one): 8 is twice the cores of a 4-core node.",
        },
    },
};

const shufflePartitions = "spark.sql.shuffle.partitions";

/** A cluster specification a job's streaming tasks run on, with the keys of those tasks. */
interface StreamCompute {
    where: string;
    props: Record<string, unknown>;
    taskKeys: string[];
}

/**
 * A task runs a stream when its job is continuous, or when its notebook takes a `checkpoint_volume` parameter: every
 * stream of the pipeline keeps a checkpoint, a batch task has none.
 */
function runsStream(job: PolicyResource, task: Record<string, unknown>, args: StackRun): boolean {
    const continuous = known(() => propsOf(job, args).continuous);
    if (!isUnknown(continuous) && isRecord(continuous)) {
        return true;
    }
    const parameters = known(() => {
        const notebookTask = task.notebookTask;
        return isRecord(notebookTask) ? notebookTask.baseParameters : undefined;
    });
    return !isUnknown(parameters) && isRecord(parameters) && "checkpoint_volume" in parameters;
}

/** The clusters the streaming tasks of `job` run on: shared job clusters, a task's own, or an all-purpose cluster. */
function streamComputeOf(job: PolicyResource, args: StackRun, gaps: PreviewGaps): StreamCompute[] {
    const { props, source } = stackPropsOf(job, args);
    if (source === "none") {
        gaps.add(`the tasks of job ${job.name} (no outputs and no inputs seen)`);
        return [];
    }
    const tasks = elementsOf(() => props.tasks);
    if (isUnknown(tasks)) {
        gaps.add(`the tasks of job ${job.name}`);
        return [];
    }
    const found = new Map<string, StreamCompute>();
    const add = (where: string, props: Record<string, unknown>, taskKey: string) => {
        const entry = found.get(where) ?? { where, props, taskKeys: [] };
        entry.taskKeys.push(taskKey);
        found.set(where, entry);
    };
    const shared = elementsOf(() => props.jobClusters);
    // A task on an existing cluster gets its id from the cluster resource, which makes the job depend on it.
    const allPurpose = job.dependencies.filter((dependency) => dependency.type === ResourceTypes.cluster);
    tasks.forEach((task, index) => {
        if (isUnknown(task) || !isRecord(task) || !runsStream(job, task, args)) {
            return;
        }
        const keyValue = known(() => asString(task.taskKey));
        const taskKey = typeof keyValue === "string" ? keyValue : `tasks[${index}]`;
        const inline = known(() => task.newCluster);
        if (!isUnknown(inline) && isRecord(inline)) {
            add(`job cluster tasks[${index}].newCluster`, inline, taskKey);
        }
        const clusterKey = known(() => asString(task.jobClusterKey));
        if (typeof clusterKey === "string" && !isUnknown(shared)) {
            shared.forEach((entry, position) => {
                const spec = isRecord(entry) ? known(() => entry.newCluster) : undefined;
                if (isRecord(entry) && known(() => entry.jobClusterKey) === clusterKey && isRecord(spec)) {
                    add(`job cluster jobClusters[${position}].newCluster`, spec, taskKey);
                }
            });
        }
        if (known(() => task.existingClusterId) !== undefined) {
            for (const cluster of allPurpose) {
                add(`cluster ${cluster.name}`, propsOf(cluster, args), taskKey);
            }
        }
    });
    return [...found.values()];
}

/** Most workers of a cluster spec (its autoscale ceiling, else its fixed count; a single node is 0). */
function maxWorkersOf(props: Record<string, unknown>): MaybeUnknown<number> {
    const autoscale = known(() => props.autoscale);
    if (isUnknown(autoscale)) {
        return autoscale;
    }
    if (isRecord(autoscale)) {
        const ceiling = known(() => asNumber(autoscale.maxWorkers));
        return isUnknown(ceiling) ? ceiling : (ceiling ?? 0);
    }
    const fixed = known(() => asNumber(props.numWorkers));
    return isUnknown(fixed) ? fixed : (fixed ?? 0);
}

export const jobShufflePartitions: StackValidationPolicy = {
    name: "databricks-job-shuffle-partitions",
    description:
        "Clusters that run a job's streams set spark.sql.shuffle.partitions explicitly, at most the allowed number per worker.",
    configSchema,
    enforcementLevel: "advisory",
    severity: "medium",
    validateStack: (args, reportViolation) => {
        const { maxPartitionsPerWorker } = settingsOf<{ maxPartitionsPerWorker: number }>(args, configSchema);
        const why =
            "Spark's default of 200 makes every micro-batch of a stateful stream run 200 tasks, and the count is " +
            "fixed in the stream's checkpoint once it has run (changing it needs a new checkpoint)";
        const gaps = new PreviewGaps();
        for (const job of args.resources.filter((resource) => resource.type === ResourceTypes.job)) {
            for (const compute of streamComputeOf(job, args, gaps)) {
                const conf = known(() => compute.props.sparkConf);
                const value = isUnknown(conf)
                    ? conf
                    : isRecord(conf)
                      ? known(() => conf[shufflePartitions])
                      : undefined;
                const workers = maxWorkersOf(compute.props);
                if (isUnknown(value) || isUnknown(workers)) {
                    gaps.add(`${shufflePartitions} or the workers of ${compute.where} (job ${job.name})`);
                    continue;
                }
                const limit = maxPartitionsPerWorker * Math.max(1, workers);
                const allowed =
                    `allowed: 1 to ${limit} (${maxPartitionsPerWorker} per worker × max(1, ${workers} max workers)), ` +
                    "set before the first run";
                const found = `Found ${compute.where} running the streaming task(s) ${compute.taskKeys.join(", ")}`;
                const text = typeof value === "number" ? String(value) : asString(value);
                if (text === undefined) {
                    reportViolation(`${found} without ${shufflePartitions}: ${why}; ${allowed}.`, job.urn);
                    continue;
                }
                const partitions = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
                if (!(partitions >= 1)) {
                    reportViolation(
                        `${found} with ${shufflePartitions} "${text}", not a positive whole number; ${allowed}.`,
                        job.urn,
                    );
                } else if (partitions > limit) {
                    reportViolation(
                        `${found} with ${shufflePartitions} ${partitions}: more partitions than the cluster has cores ` +
                            `to spare makes each micro-batch wait on scheduling, and ${why}; ${allowed}.`,
                        job.urn,
                    );
                }
            }
        }
        gaps.throwIfAny();
    },
};
