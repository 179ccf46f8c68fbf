// Keeps job tasks on job compute, which bills at the jobs rate and stops with the run, not on an all-purpose cluster.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { elementsOf, isRecord, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        allowInteractiveCompute: {
            type: "boolean",
            default: false,
            description: "Job tasks may run on an all-purpose cluster (existingClusterId), at the all-purpose rate.",
        },
    },
};

export const jobOnJobCompute: ResourceValidationPolicy = {
    name: "databricks-job-on-job-compute",
    description: "Databricks job tasks run on job compute, not on an all-purpose cluster, unless the stack allows it.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.job) {
            return;
        }
        const { allowInteractiveCompute } = settingsOf<{ allowInteractiveCompute: boolean }>(args, configSchema);
        if (allowInteractiveCompute) {
            return;
        }
        const advice =
            "allowed: a job cluster (jobClusters with jobClusterKey, or newCluster), which stops when the run ends.";
        // An id that is unknown during preview is still an all-purpose cluster: the property is set either way.
        if (known(() => args.props.existingClusterId) !== undefined) {
            reportViolation(`Found the job on existingClusterId, an all-purpose cluster; ${advice}`);
        }
        const tasks = elementsOf(() => args.props.tasks);
        if (isUnknown(tasks)) {
            return;
        }
        tasks.forEach((task, index) => {
            if (isRecord(task) && known(() => task.existingClusterId) !== undefined) {
                const key = known(() => task.taskKey);
                const name = typeof key === "string" ? ` (${key})` : "";
                reportViolation(`Found tasks[${index}]${name} on existingClusterId, an all-purpose cluster; ${advice}`);
            }
        });
    },
};
