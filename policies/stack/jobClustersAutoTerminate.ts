// Checks that every cluster a job runs on stops by itself: a job cluster, or a cluster of this stack that auto-terminates.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asNumber, asString, elementsOf, isRecord, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

function autoTerminates(cluster: PolicyResource): boolean | undefined {
    const minutes = known(() => asNumber(cluster.props.autoterminationMinutes));
    return isUnknown(minutes) ? undefined : minutes !== undefined && minutes > 0;
}

export const jobClustersAutoTerminate: StackValidationPolicy = {
    name: "stack-job-clusters-auto-terminate",
    description: "Every cluster a job runs on is a job cluster or a cluster of this stack that auto-terminates.",
    configSchema: { properties: {} },
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        for (const job of args.resources.filter((resource) => resource.type === ResourceTypes.job)) {
            // A task on an existing cluster gets its id from the cluster resource, which makes the job depend on it.
            const clusters = job.dependencies.filter((dependency) => dependency.type === ResourceTypes.cluster);
            const tasks = elementsOf(() => job.props.tasks);
            const jobLevel = known(() => asString(job.props.existingClusterId));
            const usesExisting =
                (!isUnknown(jobLevel) && jobLevel !== undefined) ||
                (!isUnknown(tasks) &&
                    tasks.some((task) => isRecord(task) && known(() => task.existingClusterId) !== undefined));
            if (!usesExisting) {
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
                if (autoTerminates(cluster) === false) {
                    const minutes = known(() => cluster.props.autoterminationMinutes);
                    reportViolation(
                        `Found job ${job.name} on cluster ${cluster.name} with autoterminationMinutes ` +
                            `${isUnknown(minutes) ? "?" : String(minutes ?? "unset")}; its cluster must auto-terminate.`,
                        job.urn,
                    );
                }
            }
        }
    },
};
