// Makes a continuous job retry a failed task: its default leaves the task dead while the other streams run on.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asString, isRecord, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

export const continuousJobTaskRetry: ResourceValidationPolicy = {
    name: "databricks-continuous-job-task-retry",
    description: "Continuous Databricks jobs retry failed tasks (continuous.taskRetryMode ON_FAILURE).",
    configSchema: { properties: {} },
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.job) {
            return;
        }
        const continuous = known(() => args.props.continuous as unknown);
        if (isUnknown(continuous) || !isRecord(continuous)) {
            return;
        }
        const mode = known(() => asString(continuous.taskRetryMode));
        // Absent is the Databricks default, NEVER: a task that fails once stays stopped until the run is cancelled.
        if (!isUnknown(mode) && mode !== "ON_FAILURE") {
            reportViolation(
                `Found a continuous job with taskRetryMode ${mode ?? "unset (NEVER)"}; allowed: ON_FAILURE, so a ` +
                    "stream that fails (a table not there yet, a lost connection) is started again.",
            );
        }
    },
};
