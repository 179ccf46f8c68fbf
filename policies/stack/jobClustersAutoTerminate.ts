// Checks that every cluster a job runs on stops by itself: a job cluster, or a cluster of this stack that auto-terminates.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { stackPropsOf, type StackRun } from "../lib/keptInputs";
import { asNumber, asString, elementsOf, isRecord, isUnknown, known, PreviewGaps } from "../lib/read";
import { ResourceTypes } from "../lib/types";

/** Whether the cluster stops by itself; undefined when its setting is unknown (or it cannot be seen at all). */
function autoTerminates(cluster: PolicyResource, args: StackRun): boolean | undefined {
    const { props, source } = stackPropsOf(cluster, args);
    const minutes = known(() => asNumber(props.autoterminationMinutes));
    return isUnknown(minutes) || source === "none" ? undefined : minutes !== undefined && minutes > 0;
}

export const jobClustersAutoTerminate: StackValidationPolicy = {
    name: "stack-job-clusters-auto-terminate",
    description: "Every cluster a job runs on is a job cluster or a cluster of this stack that auto-terminates.",
    configSchema: { properties: {} },
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const gaps = new PreviewGaps();
        for (const job of args.resources.filter((resource) => resource.type === ResourceTypes.job)) {
            // A task on an existing cluster gets its id from the cluster resource, which makes the job depend on it.
            const clusters = job.dependencies.filter((dependency) => dependency.type === ResourceTypes.cluster);
            const { props, source } = stackPropsOf(job, args);
            if (source === "none") {
                gaps.add(`the tasks of job ${job.name} (no outputs and no inputs seen)`);
                continue;
            }
            const tasks = elementsOf(() => props.tasks);
            const jobLevel = known(() => asString(props.existingClusterId));
            const taskClusters = isUnknown(tasks)
                ? []
                : tasks.map((task) => (isRecord(task) ? known(() => task.existingClusterId) : undefined));
            // An existing cluster's id is unknown until that cluster exists: set, even if unknown, means "uses one".
            const usesExisting = jobLevel !== undefined || taskClusters.some((id) => id !== undefined);
            if (!usesExisting) {
                if (isUnknown(tasks)) {
                    gaps.add(`whether job ${job.name} runs on an existing cluster (its tasks)`);
                }
                continue;
            }
            if (clusters.length === 0) {
                reportViolation(
                    `Found job ${job.name} on an existing cluster this stack does not manage; its auto-termination ` +
                        `cannot be checked: run it on a cluster of the stack or a job cluster.`,
                    job.urn,
                );
            }
            for (const cluster of clusters) {
                const stops = autoTerminates(cluster, args);
                if (stops === undefined) {
                    gaps.add(`autoterminationMinutes of cluster ${cluster.name}`);
                } else if (!stops) {
                    const minutes = known(() => stackPropsOf(cluster, args).props.autoterminationMinutes);
                    reportViolation(
                        `Found job ${job.name} on cluster ${cluster.name} with autoterminationMinutes ` +
                            `${isUnknown(minutes) ? "?" : String(minutes ?? "unset")}; its cluster must auto-terminate.`,
                        job.urn,
                    );
                }
            }
        }
        gaps.throwIfAny();
    },
};
