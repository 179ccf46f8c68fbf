// The usage assumptions a cost estimate rests on: their names, allowed ranges and defaults, shared by the stack config and the budget policy.

/** What a stack is expected to do in a day; the plan says what exists, these say how much it is used. */
export interface CostAssumptions {
    /** Events per second entering the stack's Event Hubs, on average. */
    eventsPerSecond: number;
    /** Bytes per event as sent (body and properties). */
    eventBytes: number;
    /** Hours a day someone queries the gold table (Power BI, SQL). */
    queryHoursPerDay: number;
    /** Minutes one scheduled or manual run of a job lasts. */
    runMinutes: number;
    /** Runs started by hand per day, the only runs of a paused job. */
    manualRunsPerDay: number;
    /** Days the lakehouse keeps events. */
    retentionDays: number;
}

export type AssumptionKey = keyof CostAssumptions;

/** One assumption's rule: a number within [minimum, maximum] (an integer when `integer`), its default and meaning. */
export interface AssumptionSpec {
    minimum: number;
    maximum: number;
    integer: boolean;
    default: number;
    description: string;
}

/**
 * The rules of every assumption. The defaults are the dev stack's: a stack that says nothing about cost is priced as
 * the smallest pipeline that works, which is also what the budget policy assumes without its own config.
 */
export const assumptionSpecs: Record<AssumptionKey, AssumptionSpec> = {
    eventsPerSecond: {
        minimum: 0,
        maximum: 1_000_000,
        integer: false,
        default: 5,
        description: "Events per second entering the stack's Event Hubs, on average.",
    },
    eventBytes: {
        minimum: 1,
        maximum: 1_048_576,
        integer: true,
        default: 300,
        description: "Bytes per event as sent (body and properties); Event Hubs bills ingress per 64 KB.",
    },
    queryHoursPerDay: {
        minimum: 0,
        maximum: 24,
        integer: false,
        default: 1,
        description: "Hours a day someone queries the gold table through Power BI or SQL.",
    },
    runMinutes: {
        minimum: 1,
        maximum: 1440,
        integer: false,
        default: 4,
        description: "Minutes one scheduled or manual job run lasts.",
    },
    manualRunsPerDay: {
        minimum: 0,
        maximum: 1440,
        integer: true,
        default: 2,
        description: "Job runs started by hand per day; the only runs of a paused job.",
    },
    retentionDays: {
        minimum: 1,
        maximum: 36_500,
        integer: true,
        default: 7,
        description: "Days the lakehouse keeps events (bronze and silver at steady state).",
    },
};

export const assumptionKeys = Object.keys(assumptionSpecs) as AssumptionKey[];

export const defaultAssumptions: CostAssumptions = Object.fromEntries(
    assumptionKeys.map((key) => [key, assumptionSpecs[key].default]),
) as unknown as CostAssumptions;

/** The JSON-schema properties of the assumptions, for a policy's config schema. */
export function assumptionSchemaProperties(): Record<string, Record<string, unknown>> {
    return Object.fromEntries(
        assumptionKeys.map((key) => {
            const spec = assumptionSpecs[key];
            return [
                key,
                {
                    type: spec.integer ? "integer" : "number",
                    minimum: spec.minimum,
                    maximum: spec.maximum,
                    default: spec.default,
                    description: spec.description,
                },
            ];
        }),
    );
}
