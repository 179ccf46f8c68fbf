// Bounds how long any job run may last, so a stuck or forgotten stream stops on its own.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asNumber, elementsOf, isRecord, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        maxTimeoutSeconds: {
            type: "integer",
            minimum: 60,
            default: 3600,
            description: "Longest a job run (and each of its tasks) may last, in seconds.",
        },
    },
};

export const jobTimeout: ResourceValidationPolicy = {
    name: "cleanup-job-timeout",
    description: "Databricks jobs set a run timeout no longer than the allowed seconds, on the job and every task.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.job) {
            return;
        }
        const { maxTimeoutSeconds } = settingsOf<{ maxTimeoutSeconds: number }>(args, configSchema);
        const timeout = known(() => asNumber(args.props.timeoutSeconds));
        // Databricks' default is no timeout at all (0 or absent).
        if (!isUnknown(timeout) && (timeout === undefined || timeout <= 0 || timeout > maxTimeoutSeconds)) {
            const found =
                timeout === undefined || timeout <= 0
                    ? "no job timeoutSeconds (runs never time out)"
                    : `timeoutSeconds ${timeout}`;
            reportViolation(`Found ${found}; allowed: 1 to ${maxTimeoutSeconds} seconds.`);
        }
        const tasks = elementsOf(() => args.props.tasks);
        if (isUnknown(tasks)) {
            return;
        }
        tasks.forEach((task, index) => {
            const taskTimeout = isRecord(task) ? known(() => asNumber(task.timeoutSeconds)) : undefined;
            if (!isUnknown(taskTimeout) && taskTimeout !== undefined && taskTimeout > maxTimeoutSeconds) {
                reportViolation(
                    `Found tasks[${index}].timeoutSeconds ${taskTimeout}; allowed: at most ${maxTimeoutSeconds} seconds.`,
                );
            }
        });
    },
};
