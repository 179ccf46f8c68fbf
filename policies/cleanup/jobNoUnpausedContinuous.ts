// Stops a stack from starting a job that runs forever unless the stack explicitly allows continuous streaming.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asString, isRecord, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";
import { stackOfUrn } from "../lib/urn";

const configSchema: PolicyConfigSchema = {
    properties: {
        allowContinuous: {
            type: "boolean",
            default: false,
            description: "The stack may run an unpaused continuous job (a stream that never stops by itself).",
        },
    },
};

export const jobNoUnpausedContinuous: ResourceValidationPolicy = {
    name: "cleanup-job-no-unpaused-continuous",
    description: "Databricks jobs are not unpaused continuous jobs unless the stack allows continuous streaming.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.job) {
            return;
        }
        const { allowContinuous } = settingsOf<{ allowContinuous: boolean }>(args, configSchema);
        const continuous = known(() => args.props.continuous as unknown);
        if (allowContinuous || isUnknown(continuous) || !isRecord(continuous)) {
            return;
        }
        const pause = known(() => asString(continuous.pauseStatus));
        // A continuous block without pauseStatus starts UNPAUSED.
        if (!isUnknown(pause) && pause !== "PAUSED") {
            reportViolation(
                `Found a continuous job with pauseStatus ${pause ?? "unset (UNPAUSED)"} in stack ` +
                    `"${stackOfUrn(args.urn)}", which does not allow continuous jobs; use a schedule with an ` +
                    `availableNow trigger, or pause it.`,
            );
        }
    },
};
