// Finds every cluster specification a resource declares: an all-purpose cluster, or the job clusters of a job.
import type { MaybeUnknown } from "./read";
import { elementsOf, isRecord, isUnknown, known } from "./read";
import { ResourceTypes } from "./types";

export interface ClusterSpec {
    /** Where the spec sits, for messages: "cluster" or "job cluster tasks[0].newCluster". */
    where: string;
    read: <T>(get: (spec: Record<string, unknown>) => T) => MaybeUnknown<T>;
}

/** The cluster specs of an all-purpose cluster or of a job (job-level, per-task and shared job clusters). */
export function clusterSpecsOf(type: string, props: Record<string, unknown>): ClusterSpec[] {
    if (type === ResourceTypes.cluster) {
        return [{ where: "cluster", read: (get) => known(() => get(props)) }];
    }
    if (type !== ResourceTypes.job) {
        return [];
    }
    const specs: ClusterSpec[] = [];
    const add = (where: string, spec: unknown) => {
        if (isRecord(spec)) {
            specs.push({ where: `job cluster ${where}`, read: (get) => known(() => get(spec)) });
        }
    };
    const jobCluster = known(() => props.newCluster);
    if (!isUnknown(jobCluster)) {
        add("newCluster", jobCluster);
    }
    const tasks = elementsOf(() => props.tasks);
    if (!isUnknown(tasks)) {
        tasks.forEach((task, index) => {
            const spec = isRecord(task) ? known(() => task.newCluster) : undefined;
            if (spec !== undefined && !isUnknown(spec)) {
                add(`tasks[${index}].newCluster`, spec);
            }
        });
    }
    const shared = elementsOf(() => props.jobClusters);
    if (!isUnknown(shared)) {
        shared.forEach((entry, index) => {
            const spec = isRecord(entry) ? known(() => entry.newCluster) : undefined;
            if (spec !== undefined && !isUnknown(spec)) {
                add(`jobClusters[${index}].newCluster`, spec);
            }
        });
    }
    return specs;
}
