// Makes every taggable Azure resource say who owns it and which environment it belongs to, so leftovers are found.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { missingTagsMessage, requiredTagsSchema } from "../lib/tags";
import { taggableAzureTypes } from "../lib/types";

const configSchema = requiredTagsSchema("Tags every taggable Azure resource must have, with a non-empty value.");

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
        const message = missingTagsMessage(() => args.props.tags, "tags", requiredTags);
        if (message !== undefined) {
            reportViolation(message);
        }
    },
};
