// Makes every cluster carry the tags that tell who owns it and which environment pays for it.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { missingTagsMessage, requiredTagsSchema } from "../lib/tags";
import { ResourceTypes } from "../lib/types";

const configSchema = requiredTagsSchema("Custom tags every cluster must have, with a non-empty value.");

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
        const message = missingTagsMessage(() => args.props.customTags, "customTags", requiredTags);
        if (message !== undefined) {
            reportViolation(message);
        }
    },
};
