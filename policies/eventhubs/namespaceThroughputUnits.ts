// Caps what an Event Hubs namespace can cost: its throughput units, and how far auto-inflate may raise them.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asBoolean, asNumber, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        maxThroughputUnits: {
            type: "integer",
            minimum: 1,
            maximum: 40,
            default: 1,
            description: "Most throughput units a namespace may have, auto-inflate included.",
        },
    },
};

export const namespaceThroughputUnits: ResourceValidationPolicy = {
    name: "eventhubs-namespace-max-throughput-units",
    description: "Event Hubs namespaces stay within the throughput-unit limit, auto-inflate included.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.eventHubsNamespace) {
            return;
        }
        const { maxThroughputUnits } = settingsOf<{ maxThroughputUnits: number }>(args, configSchema);
        const capacity = known(() => asNumber(args.props.sku?.capacity));
        if (!isUnknown(capacity) && (capacity ?? 1) > maxThroughputUnits) {
            reportViolation(`Found sku.capacity ${capacity} throughput units; at most ${maxThroughputUnits} allowed.`);
        }
        const autoInflate = known(() => asBoolean(args.props.isAutoInflateEnabled));
        if (autoInflate !== true) {
            return;
        }
        const ceiling = known(() => asNumber(args.props.maximumThroughputUnits));
        if (isUnknown(ceiling)) {
            return;
        }
        if (ceiling === undefined || ceiling > maxThroughputUnits) {
            const found = ceiling === undefined ? "no maximumThroughputUnits" : `maximumThroughputUnits ${ceiling}`;
            reportViolation(
                `Found auto-inflate enabled with ${found}; auto-inflate may not go beyond ${maxThroughputUnits} ` +
                    `throughput units (turn it off or lower the ceiling).`,
            );
        }
    },
};
