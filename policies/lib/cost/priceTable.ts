// The price table the estimate reads: policies/lib/cost/prices.json, typed, checked on load and looked up by key.
import table from "./prices.json";

/** One price: what it is, per which unit, how much, and where and when it was copied from. */
export interface Price {
    description: string;
    unit: string;
    price: number;
    source: string;
    copied: string;
}

/** A VM size: its pay-as-you-go price per hour and the DBUs one node of it consumes per hour. */
export interface NodeTypePrice {
    description: string;
    vmHour: number;
    dbuPerHour: number;
    vmSource: string;
    dbuSource: string;
    copied: string;
}

export interface PriceTable {
    description: string;
    currency: string;
    /** Azure region whose list prices these are. */
    region: string;
    hoursPerMonth: number;
    prices: Record<string, Price>;
    nodeTypes: Record<string, NodeTypePrice>;
    sqlWarehouseSizes: { description: string; source: string; copied: string; dbuPerHour: Record<string, number> };
}

/** Every problem with a price table, each naming the entry: the estimate refuses a table that has any. */
export function priceTableProblems(candidate: PriceTable): string[] {
    const problems: string[] = [];
    const date = /^\d{4}-\d{2}-\d{2}$/;
    const page = /^https:\/\/\S+$/;
    const positive = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value > 0;
    if (!/^[A-Z]{3}$/.test(String(candidate.currency))) {
        problems.push(`currency must be an ISO code such as USD (got ${JSON.stringify(candidate.currency)})`);
    }
    if (!/^[a-z0-9]+$/.test(String(candidate.region))) {
        problems.push(`region must be an Azure region name (got ${JSON.stringify(candidate.region)})`);
    }
    if (!positive(candidate.hoursPerMonth)) {
        problems.push(`hoursPerMonth must be a positive number (got ${JSON.stringify(candidate.hoursPerMonth)})`);
    }
    for (const [key, entry] of Object.entries(candidate.prices ?? {})) {
        if (!positive(entry.price)) problems.push(`prices.${key}.price must be a positive number`);
        if (!entry.unit) problems.push(`prices.${key}.unit is missing`);
        if (!page.test(String(entry.source)))
            problems.push(`prices.${key}.source must be the https page it was copied from`);
        if (!date.test(String(entry.copied))) problems.push(`prices.${key}.copied must be a date (YYYY-MM-DD)`);
    }
    for (const [key, entry] of Object.entries(candidate.nodeTypes ?? {})) {
        if (!positive(entry.vmHour)) problems.push(`nodeTypes.${key}.vmHour must be a positive number`);
        if (!positive(entry.dbuPerHour)) problems.push(`nodeTypes.${key}.dbuPerHour must be a positive number`);
        if (!page.test(String(entry.vmSource)) || !page.test(String(entry.dbuSource))) {
            problems.push(`nodeTypes.${key} must name the https pages of its VM price and DBU rate`);
        }
        if (!date.test(String(entry.copied))) problems.push(`nodeTypes.${key}.copied must be a date (YYYY-MM-DD)`);
    }
    const sizes = candidate.sqlWarehouseSizes;
    for (const [size, dbu] of Object.entries(sizes?.dbuPerHour ?? {})) {
        if (!positive(dbu)) problems.push(`sqlWarehouseSizes.dbuPerHour.${size} must be a positive number`);
    }
    if (!page.test(String(sizes?.source)) || !date.test(String(sizes?.copied))) {
        problems.push("sqlWarehouseSizes must name its https source page and the date it was copied");
    }
    return problems;
}

/** The table shipped with the pack, checked once. */
export const priceTable: PriceTable = table;
const shippedProblems = priceTableProblems(priceTable);
if (shippedProblems.length > 0) {
    throw new Error(`policies/lib/cost/prices.json is invalid:\n  ${shippedProblems.join("\n  ")}`);
}
