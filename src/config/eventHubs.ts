// The `lakestream:eventHubs` section: the namespace and hub, and the rules that tie its settings to the tier.
import { z } from "zod";
import { defaultHubName, maxRetentionHoursByTier } from "../../components/eventHubsIngest";
import { configBoolean, intBetween, isTrue, record, type CrossFieldRule } from "./fields";

export { maxRetentionHoursByTier };

export const eventHubsSchema = z
    .object({
        sku: z.enum(["Basic", "Standard", "Premium"]),
        throughputUnits: intBetween(1, 40),
        partitionCount: intBetween(1, 32),
        retentionHours: intBetween(1, 2160),
        hubName: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/, {
                error: "must be 1-256 letters, digits, dots, dashes or underscores",
            })
            .default(defaultHubName),
        autoInflate: configBoolean().default(false),
        maximumThroughputUnits: intBetween(1, 40).optional(),
        consumerGroup: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/, {
                error: "must be 1-50 letters, digits, dots, dashes or underscores",
            })
            .optional(),
    })
    .strict();

function retentionWithinTier(raw: Record<string, unknown>) {
    const hubs = record(raw.eventHubs);
    const sku = hubs.sku;
    const tierLimit =
        typeof sku === "string" && sku in maxRetentionHoursByTier
            ? maxRetentionHoursByTier[sku as keyof typeof maxRetentionHoursByTier]
            : undefined;
    return tierLimit !== undefined && typeof hubs.retentionHours === "number" && hubs.retentionHours > tierLimit
        ? [
              {
                  path: ["eventHubs", "retentionHours"],
                  message: `must be at most ${tierLimit} on the ${String(sku)} tier`,
              },
          ]
        : [];
}

function noConsumerGroupOnBasic(raw: Record<string, unknown>) {
    const hubs = record(raw.eventHubs);
    return hubs.sku === "Basic" && hubs.consumerGroup !== undefined
        ? [
              {
                  path: ["eventHubs", "consumerGroup"],
                  message: "is not allowed on the Basic tier, which has only the implicit $Default consumer group",
              },
          ]
        : [];
}

function consumerGroupNotDefault(raw: Record<string, unknown>) {
    const group = record(raw.eventHubs).consumerGroup;
    return typeof group === "string" && group.toLowerCase() === "$default"
        ? [{ path: ["eventHubs", "consumerGroup"], message: "must not be $Default, which every hub already has" }]
        : [];
}

function autoInflateOnStandard(raw: Record<string, unknown>) {
    const hubs = record(raw.eventHubs);
    return isTrue(hubs.autoInflate) && hubs.sku !== "Standard"
        ? [
              {
                  path: ["eventHubs", "autoInflate"],
                  message: `is only available on the Standard tier (sku is ${String(hubs.sku)})`,
              },
          ]
        : [];
}

function ceilingOnlyWithAutoInflate(raw: Record<string, unknown>) {
    const hubs = record(raw.eventHubs);
    return hubs.maximumThroughputUnits !== undefined && !isTrue(hubs.autoInflate)
        ? [{ path: ["eventHubs", "maximumThroughputUnits"], message: "is only meaningful with autoInflate: true" }]
        : [];
}

function ceilingAtLeastUnits(raw: Record<string, unknown>) {
    const hubs = record(raw.eventHubs);
    const ceiling = hubs.maximumThroughputUnits;
    const units = hubs.throughputUnits;
    return isTrue(hubs.autoInflate) && typeof units === "number" && !(typeof ceiling === "number" && ceiling >= units)
        ? [
              {
                  path: ["eventHubs", "maximumThroughputUnits"],
                  message: `must be set and at least throughputUnits (${units}) when autoInflate is true`,
              },
          ]
        : [];
}

function premiumProcessingUnits(raw: Record<string, unknown>) {
    const hubs = record(raw.eventHubs);
    return hubs.sku === "Premium" &&
        typeof hubs.throughputUnits === "number" &&
        ![1, 2, 4, 8, 16].includes(hubs.throughputUnits)
        ? [
              {
                  path: ["eventHubs", "throughputUnits"],
                  message: "must be one of 1, 2, 4, 8, 16 processing units on the Premium tier",
              },
          ]
        : [];
}

export const eventHubsRules: CrossFieldRule[] = [
    retentionWithinTier,
    noConsumerGroupOnBasic,
    consumerGroupNotDefault,
    autoInflateOnStandard,
    ceilingOnlyWithAutoInflate,
    ceilingAtLeastUnits,
    premiumProcessingUnits,
];
