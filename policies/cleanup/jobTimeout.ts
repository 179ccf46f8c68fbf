// Bounds how long a scheduled job run may last, so a stuck run stops on its own; a continuous run is meant to run.
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
            description: "Longest a scheduled job run (and each of its tasks) may last, in seconds.",
        },
    },
};

export const jobTimeout: ResourceValidationPolicy = {
    name: "cleanup-job-timeout",
    description:
        "Scheduled Databricks jobs set a run timeout no longer than the allowed seconds, and no task of any job exceeds it.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.job) {
            return;
        }
        const { maxTimeoutSeconds } = settingsOf<{ maxTimeoutSeconds: number }>(args, configSchema);
        const timeout = known(() => asNumber(args.props.timeoutSeconds));
        // A continuous job restarts a run that ends, timed out or not: its health rules and notifications watch it.
        const continuous = known(() => args.props.continuous as unknown);
        const scheduled = !isUnknown(continuous) && !isRecord(continuous);
        // Databricks' default is no timeout at all (0 or absent).
        if (
            scheduled &&
            !isUnknown(timeout) &&
            (timeout === undefined || timeout <= 0 || timeout > maxTimeoutSeconds)
        ) {
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
