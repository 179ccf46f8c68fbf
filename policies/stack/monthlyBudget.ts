// Caps what the stack is estimated to cost a month, priced from the pack's own price table and the assumptions in its config.
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { assumptionKeys, assumptionSchemaProperties, type CostAssumptions } from "../lib/cost/assumptions";
import {
    biggest,
    estimateMonthlyCost,
    money,
    pricedProperties,
    type CostEstimate,
    type CostResource,
} from "../lib/cost/estimate";
import { priceTable } from "../lib/cost/priceTable";
import { stackPropsOf, type StackRun } from "../lib/keptInputs";
import { isRecord, isUnknown, known, PreviewGaps, Unknown } from "../lib/read";
import { stackOfUrn } from "../lib/urn";

const configSchema: PolicyConfigSchema = {
    properties: {
        maxMonthlyUsd: {
            type: "number",
            minimum: 0,
            default: 600,
            description: "Most the stack may cost a month, in US dollars, by the pack's estimate.",
        },
        // The pack sees resources, not usage: how much the stack is used comes from here, per stack.
        ...(assumptionSchemaProperties() as PolicyConfigSchema["properties"]),
    },
};

export interface BudgetSettings extends CostAssumptions {
    maxMonthlyUsd: number;
}

/** A copy of a value the analyzer hands a policy, with `Unknown` where the engine does not know it yet. */
function plain(read: () => unknown): unknown {
    const value = known(read);
    if (isUnknown(value)) {
        return Unknown;
    }
    if (Array.isArray(value)) {
        // Not value.map: it would read each element through the analyzer's proxy outside `known`.
        return Array.from({ length: value.length }, (_, index) => plain(() => value[index] as unknown));
    }
    if (isRecord(value)) {
        return Object.fromEntries(Object.keys(value).map((key) => [key, plain(() => value[key])]));
    }
    return value;
}

/**
 * The resources the estimate prices, with only the properties it reads: the analyzer refuses to run a policy that
 * touches a value unknown during preview, so nothing else (access controls, grants) is read. Each resource's
 * properties are its outputs, or on a first deploy the inputs kept for it (`stackPropsOf`); a resource with neither
 * has every priced property unknown, so the estimate lists it as not priced rather than pricing it at nothing.
 */
export function costResourcesOf(resources: PolicyResource[], args: StackRun): CostResource[] {
    return resources
        .filter((resource) => resource.type in pricedProperties)
        .map((resource) => {
            const { props, source } = stackPropsOf(resource, args);
            const value = (key: string) => (source === "none" ? Unknown : plain(() => props[key] as unknown));
            return {
                urn: resource.urn,
                type: resource.type,
                name: resource.name,
                props: Object.fromEntries(pricedProperties[resource.type].map((key) => [key, value(key)])),
                dependencies: resource.dependencies.map((dependency) => dependency.urn),
            };
        });
}

/** The estimate the policy judges, for the same resources and settings; the gate prints it beside the verdict. */
export function budgetEstimate(resources: CostResource[], settings: BudgetSettings): CostEstimate {
    const assumptions = Object.fromEntries(
        assumptionKeys.map((key) => [key, settings[key]]),
    ) as unknown as CostAssumptions;
    return estimateMonthlyCost(resources, assumptions, priceTable);
}

export const monthlyBudget: StackValidationPolicy = {
    name: "stack-monthly-budget",
    description: "The stack's estimated monthly cost stays within its budget.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const settings = settingsOf<BudgetSettings>(args, configSchema);
        const estimate = budgetEstimate(costResourcesOf(args.resources, args), settings);
        const stack = stackOfUrn(args.resources[0]?.urn ?? "");
        for (const item of estimate.unpriced.filter((entry) => entry.missingPrice)) {
            reportViolation(
                `Found ${item.item} that cannot be priced: ${item.reason}; add it to policies/lib/cost/prices.json ` +
                    `so the budget of stack "${stack}" can be checked.`,
                item.urn,
            );
        }
        if (estimate.totalMonthlyUsd > settings.maxMonthlyUsd) {
            const { line } = biggest(estimate);
            reportViolation(
                `Found an estimated ${money(estimate.totalMonthlyUsd)} a month for stack "${stack}" ` +
                    `(${priceTable.region} list prices; biggest line: ${line?.resource} ${line?.item}, ` +
                    `${money(line?.monthlyUsd ?? 0)}); the budget is ${money(settings.maxMonthlyUsd)}.`,
                line?.urn,
            );
        }
        // What is left out of the total for want of a value: the verdict above holds for the rest only.
        const gaps = new PreviewGaps();
        for (const item of estimate.unpriced.filter((entry) => !entry.missingPrice)) {
            gaps.add(`${item.resource} ${item.item} (${item.reason})`);
        }
        gaps.throwIfAny(`the estimate of ${money(estimate.totalMonthlyUsd)} a month leaves them out`);
    },
};
