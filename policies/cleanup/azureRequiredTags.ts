// Makes every taggable Azure resource say who owns it and which environment it belongs to, so leftovers are found.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { isRecord, isUnknown, known } from "../lib/read";
import { taggableAzureTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        requiredTags: {
            type: "array",
            items: { type: "string" },
            default: ["owner", "environment"],
            description: "Tags every taggable Azure resource must have, with a non-empty value.",
        },
    },
};

export const azureRequiredTags: ResourceValidationPolicy = {
    name: "cleanup-azure-required-tags",
    description: "Taggable Azure resources carry the required tags.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "low",
    validateResource: (args, reportViolation) => {
        if (!taggableAzureTypes.includes(args.type)) {
            return;
        }
        const { requiredTags } = settingsOf<{ requiredTags: string[] }>(args, configSchema);
        const tags = known(() => args.props.tags as unknown);
        if (isUnknown(tags)) {
            return;
        }
        const present = isRecord(tags) ? tags : {};
        const missing = requiredTags.filter((tag) => {
            const value = known(() => present[tag]);
            return !isUnknown(value) && (typeof value !== "string" || value.trim() === "");
        });
        if (missing.length > 0) {
            reportViolation(
                `Found tags [${Object.keys(present).join(", ")}], missing ${missing.join(", ")}; ` +
                    `required: ${requiredTags.join(", ")}.`,
            );
        }
    },
};
