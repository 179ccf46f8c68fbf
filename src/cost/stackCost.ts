// The cost estimate of a stack from its offline plan: the plan's resources priced with the stack's own assumptions.
import * as pulumi from "@pulumi/pulumi";
import type { CostAssumptions } from "../../policies/lib/cost/assumptions";
import {
    biggest,
    estimateMonthlyCost,
    pricedProperties,
    type CostEstimate,
    type CostLine,
    type CostResource,
} from "../../policies/lib/cost/estimate";
import { priceTable } from "../../policies/lib/cost/priceTable";
import { Unknown } from "../../policies/lib/read";
import { ConfigError, parseCostAssumptions, parseStackConfig, rawConfigFromPulumi } from "../config";
import { UsageError } from "../shared/cli";
import { runPlan, type Plan } from "../plan/runPlan";

/** Where the prices come from, as printed next to every estimate. */
export const priceTableFile = "policies/lib/cost/prices.json";

/** A wire-form value as the estimate reads it: secrets unwrapped (as the analyzer hands them over), unknowns marked. */
function plainValue(value: unknown): unknown {
    if (value === pulumi.runtime.unknownValue) {
        return Unknown;
    }
    if (Array.isArray(value)) {
        return value.map(plainValue);
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
            return plainValue(record.value);
        }
        return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, plainValue(inner)]));
    }
    return value;
}

/** The plan's resources as the estimate reads them, the same view the budget policy gets from the analyzer. */
export function costResourcesOfPlan(plan: Plan): CostResource[] {
    return plan.resources
        .filter((resource) => resource.type in pricedProperties)
        .map((resource) => ({
            urn: resource.urn,
            type: resource.type,
            name: resource.name,
            props: Object.fromEntries(
                pricedProperties[resource.type].map((key) => [key, plainValue(resource.inputs[key])]),
            ),
            dependencies: resource.dependencies,
        }));
}

/** One stack's estimate, as `npm run cost -- --json` prints it. */
export interface StackCost {
    stack: string;
    /** The stack's Azure region (`azure-native:location`). */
    location?: string;
    priceTable: string;
    estimate: CostEstimate;
    biggestLine?: CostLine;
}

export interface StackCostOptions {
    stack: string;
    stackFile?: string;
    /** Another checkout of the project (the base branch): its program and stack files, priced by this estimator. */
    projectDir?: string;
}

/** Plans a stack offline and prices it with its `lakestream:cost` assumptions. Throws UsageError on bad input. */
export async function estimateStack(options: StackCostOptions): Promise<StackCost> {
    const foreign = options.projectDir !== undefined;
    const plan = await runPlan({ ...options, validate: !foreign });
    const raw = rawConfigFromPulumi(plan.config);
    let assumptions: CostAssumptions;
    try {
        assumptions = foreign ? parseCostAssumptions(plan.stack, raw) : parseStackConfig(plan.stack, raw).cost;
    } catch (error) {
        if (error instanceof ConfigError) {
            throw new UsageError(error.message);
        }
        throw error;
    }
    const estimate = estimateMonthlyCost(costResourcesOfPlan(plan), assumptions, priceTable);
    return {
        stack: plan.stack,
        location: plan.config["azure-native:location"],
        priceTable: priceTableFile,
        estimate,
        biggestLine: biggest(estimate).line,
    };
}
