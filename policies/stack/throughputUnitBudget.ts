// Caps the throughput units of the whole stack, across every Event Hubs namespace and at auto-inflate peak.
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { peakThroughputUnits } from "../lib/resources";
import { PreviewGaps } from "../lib/read";
import { ResourceTypes } from "../lib/types";
import { stackOfUrn } from "../lib/urn";

const configSchema: PolicyConfigSchema = {
    properties: {
        maxTotalThroughputUnits: {
            type: "integer",
            minimum: 1,
            default: 1,
            description: "Most throughput units all namespaces of the stack may reach together.",
        },
    },
};

export const throughputUnitBudget: StackValidationPolicy = {
    name: "stack-throughput-unit-budget",
    description: "The stack's Event Hubs namespaces together stay within the throughput-unit budget.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const { maxTotalThroughputUnits } = settingsOf<{ maxTotalThroughputUnits: number }>(args, configSchema);
        const namespaces = args.resources.filter((resource) => resource.type === ResourceTypes.eventHubsNamespace);
        const gaps = new PreviewGaps();
        let total = 0;
        for (const namespace of namespaces) {
            const peak = peakThroughputUnits(namespace, args);
            if (peak === undefined) {
                gaps.add(`the throughput units of namespace ${namespace.name}`);
            }
            total += peak ?? 0;
        }
        if (total > maxTotalThroughputUnits) {
            const parts = namespaces.map(
                (namespace) => `${namespace.name}: ${peakThroughputUnits(namespace, args) ?? "?"}`,
            );
            reportViolation(
                `Found ${total} throughput units at peak in stack "${stackOfUrn(namespaces[0].urn)}" ` +
                    `(${parts.join(", ")}); the stack's budget is ${maxTotalThroughputUnits}.`,
                namespaces[0].urn,
            );
        }
        gaps.throwIfAny(`the total of ${total} counts the others only`);
    },
};
