// Makes every all-purpose cluster stop by itself after a short idle time, so a forgotten cluster stops costing.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asNumber, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        maxAutoterminationMinutes: {
            type: "integer",
            minimum: 10,
            maximum: 10000,
            default: 10,
            description: "Longest idle time, in minutes, before a cluster stops.",
        },
    },
};

export const clusterAutoTermination: ResourceValidationPolicy = {
    name: "databricks-cluster-auto-termination",
    description: "Databricks clusters auto-terminate after at most the allowed idle minutes.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.cluster) {
            return;
        }
        const { maxAutoterminationMinutes } = settingsOf<{ maxAutoterminationMinutes: number }>(args, configSchema);
        const minutes = known(() => asNumber(args.props.autoterminationMinutes));
        if (isUnknown(minutes)) {
            return;
        }
        // Absent means the workspace default (120 minutes); 0 means never.
        if (minutes === undefined || minutes <= 0 || minutes > maxAutoterminationMinutes) {
            const found =
                minutes === undefined
                    ? "no autoterminationMinutes (the workspace default is 120)"
                    : minutes <= 0
                      ? `autoterminationMinutes ${minutes} (never terminates)`
                      : `autoterminationMinutes ${minutes}`;
            reportViolation(`Found ${found}; allowed: 1 to ${maxAutoterminationMinutes} minutes.`);
        }
    },
};
