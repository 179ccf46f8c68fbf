// Makes every cluster carry the tags that tell who owns it and which environment pays for it.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { isRecord, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        requiredTags: {
            type: "array",
            items: { type: "string" },
            default: ["owner", "environment"],
            description: "Custom tags every cluster must have, with a non-empty value.",
        },
    },
};

export const clusterRequiredTags: ResourceValidationPolicy = {
    name: "databricks-cluster-required-tags",
    description: "Databricks clusters carry the required custom tags.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "low",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.cluster) {
            return;
        }
        const { requiredTags } = settingsOf<{ requiredTags: string[] }>(args, configSchema);
        const tags = known(() => args.props.customTags as unknown);
        if (isUnknown(tags)) {
            return;
        }
        const present = isRecord(tags) ? tags : {};
        const missing = requiredTags.filter((tag) => {
            const value = known(() => present[tag]);
            return !isUnknown(value) && (typeof value !== "string" || value.trim() === "");
        });
        if (missing.length > 0) {
            const found = Object.keys(present);
            reportViolation(
                `Found customTags [${found.join(", ")}], missing ${missing.join(", ")}; required: ${requiredTags.join(", ")}.`,
            );
        }
    },
};
