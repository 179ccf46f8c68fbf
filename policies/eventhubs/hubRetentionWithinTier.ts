// Keeps event retention within what the namespace's tier supports and what the stack is allowed to keep.
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { stackPropsOf } from "../lib/keptInputs";
import { asNumber, isUnknown, known, PreviewGaps } from "../lib/read";
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
        const gaps = new PreviewGaps();
        for (const hub of args.resources.filter((resource) => resource.type === ResourceTypes.eventHub)) {
            const { props, source } = stackPropsOf(hub, args);
            const hours = known(() => asNumber(props.retentionDescription?.retentionTimeInHours));
            const days = known(() => asNumber(props.messageRetentionInDays));
            if (isUnknown(hours) || isUnknown(days) || source === "none") {
                gaps.add(`the retention of hub ${hub.name}`);
                continue;
            }
            const retention = hours ?? (days === undefined ? undefined : days * 24);
            if (retention === undefined) {
                continue; // the service default (1 day) fits every tier
            }
            const namespace = namespaceOf(hub, args.resources, args);
            const tier = namespace ? tierOf(namespace, args) : undefined;
            const tierLimit = tier === undefined ? undefined : tierLimitHours[tier];
            const limit = Math.min(maxRetentionHours, tierLimit ?? maxRetentionHours);
            if (retention > limit) {
                const because =
                    tierLimit !== undefined && tierLimit <= maxRetentionHours
                        ? `the ${tier} tier keeps events at most ${tierLimit} h`
                        : `the stack allows at most ${maxRetentionHours} h`;
                reportViolation(`Found a retention of ${retention} h; ${because}.`, hub.urn);
            } else if (namespace && tier === undefined && retention > Math.min(...Object.values(tierLimitHours))) {
                // Within every tier's limit needs no tier; above the smallest, the tier decides.
                gaps.add(`the tier of namespace ${namespace.name} (hub ${hub.name})`);
            }
        }
        gaps.throwIfAny();
    },
};
