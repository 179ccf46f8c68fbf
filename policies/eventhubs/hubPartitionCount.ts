// Keeps each event hub's partition count within the range the tier and the stream's parallelism allow.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asNumber, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        minPartitions: { type: "integer", minimum: 1, default: 1, description: "Fewest partitions a hub may have." },
        maxPartitions: {
            type: "integer",
            minimum: 1,
            maximum: 1024,
            default: 32,
            description: "Most partitions a hub may have (32 on Basic and Standard).",
        },
    },
};

export const hubPartitionCount: ResourceValidationPolicy = {
    name: "eventhubs-hub-partition-count",
    description: "Event hubs declare a partition count within the allowed range.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.eventHub) {
            return;
        }
        const { minPartitions, maxPartitions } = settingsOf<{ minPartitions: number; maxPartitions: number }>(
            args,
            configSchema,
        );
        const partitions = known(() => asNumber(args.props.partitionCount));
        if (isUnknown(partitions)) {
            return;
        }
        // The partition count cannot be lowered after creation, so an implicit service default is not accepted.
        if (partitions === undefined || partitions < minPartitions || partitions > maxPartitions) {
            const found = partitions === undefined ? "no partitionCount" : `partitionCount ${partitions}`;
            reportViolation(`Found ${found}; allowed: ${minPartitions} to ${maxPartitions} partitions.`);
        }
    },
};
