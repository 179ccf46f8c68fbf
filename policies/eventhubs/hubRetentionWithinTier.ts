// Keeps event retention within what the namespace's tier supports and what the stack is allowed to keep.
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asNumber, isUnknown, known } from "../lib/read";
import { namespaceOf, tierOf } from "../lib/resources";
import { ResourceTypes } from "../lib/types";

/** Longest retention per tier, in hours (Microsoft Event Hubs quotas: 1 day, 7 days, 90 days). */
const tierLimitHours: Record<string, number> = { Basic: 24, Standard: 168, Premium: 2160 };

const configSchema: PolicyConfigSchema = {
    properties: {
        maxRetentionHours: {
            type: "integer",
            minimum: 1,
            default: 24,
            description: "Longest retention a hub may keep, in hours, whatever its tier allows.",
        },
    },
};

export const hubRetentionWithinTier: StackValidationPolicy = {
    name: "eventhubs-hub-retention-within-tier",
    description: "Event hubs retain events no longer than their namespace's tier and the stack's limit allow.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateStack: (args, reportViolation) => {
        const { maxRetentionHours } = settingsOf<{ maxRetentionHours: number }>(args, configSchema);
        for (const hub of args.resources.filter((resource) => resource.type === ResourceTypes.eventHub)) {
            const hours = known(() => asNumber(hub.props.retentionDescription?.retentionTimeInHours));
            const days = known(() => asNumber(hub.props.messageRetentionInDays));
            if (isUnknown(hours) || isUnknown(days)) {
                continue;
            }
            const retention = hours ?? (days === undefined ? undefined : days * 24);
            if (retention === undefined) {
                continue; // the service default (1 day) fits every tier
            }
            const namespace = namespaceOf(hub, args.resources);
            const tier = namespace ? tierOf(namespace) : undefined;
            const tierLimit = tier === undefined ? undefined : tierLimitHours[tier];
            const limit = Math.min(maxRetentionHours, tierLimit ?? maxRetentionHours);
            if (retention > limit) {
                const because =
                    tierLimit !== undefined && tierLimit <= maxRetentionHours
                        ? `the ${tier} tier keeps events at most ${tierLimit} h`
                        : `the stack allows at most ${maxRetentionHours} h`;
                reportViolation(`Found a retention of ${retention} h; ${because}.`, hub.urn);
            }
        }
    },
};
