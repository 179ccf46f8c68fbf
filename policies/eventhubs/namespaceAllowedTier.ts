// Keeps Event Hubs namespaces on the tiers the stack is budgeted for (the tier cannot be changed in place later).
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asString, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        allowedTiers: {
            type: "array",
            items: { type: "string", enum: ["Basic", "Standard", "Premium"] },
            default: ["Basic"],
            description: "Event Hubs SKU names a namespace may use.",
        },
    },
};

export const namespaceAllowedTier: ResourceValidationPolicy = {
    name: "eventhubs-namespace-allowed-tier",
    description: "Event Hubs namespaces use a tier from the allowed list.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.eventHubsNamespace) {
            return;
        }
        const { allowedTiers } = settingsOf<{ allowedTiers: string[] }>(args, configSchema);
        const skuName = known(() => asString(args.props.sku?.name));
        if (isUnknown(skuName)) {
            return;
        }
        // Azure creates a Standard namespace when no SKU is given.
        const tier = skuName ?? "Standard";
        if (!allowedTiers.includes(tier)) {
            const found = skuName === undefined ? "no sku (Azure creates Standard)" : `sku.name "${skuName}"`;
            reportViolation(`Found ${found}; allowed tiers: ${allowedTiers.join(", ")}.`);
        }
    },
};
