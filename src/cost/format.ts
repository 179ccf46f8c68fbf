// Renders cost estimates: one stack line by line, every stack side by side, and the pull request's markdown summary.
import { assumptionKeys, type CostAssumptions } from "../../policies/lib/cost/assumptions";
import {
    biggest,
    costCategories,
    figure,
    money,
    type CostEstimate,
    type CostLine,
} from "../../policies/lib/cost/estimate";
import type { StackCost } from "./stackCost";

export { money };
export function assumptionsText(assumptions: CostAssumptions): string {
    return assumptionKeys.map((key) => `${key}=${assumptions[key]}`).join(", ");
}

function categoryTotal(estimate: CostEstimate, category: string): number {
    const total = estimate.lines
        .filter((line) => line.category === category)
        .reduce((sum, line) => sum + line.monthlyUsd, 0);
    return Math.round(total * 100) / 100;
}

/** "price × quantity" in words: the quantity, its unit, the unit price and where the price is in the table. */
export function lineFormula(line: CostLine): string {
    return `${figure(line.quantity)} ${line.unit} × $${figure(line.unitPrice)} [${line.price}]`;
}

function regionNote(cost: StackCost): string {
    const where = cost.location ? `; the stack is in ${cost.location}` : "";
    return `${cost.estimate.currency} a month at ${cost.estimate.priceRegion} list prices from ${cost.priceTable}${where}`;
}

/** One stack, line by line: every figure with the price and the assumptions it came from. */
export function formatStackCost(cost: StackCost): string {
    const { estimate } = cost;
    const lines = [`Cost estimate for stack ${cost.stack} (${regionNote(cost)})`];
    lines.push(`Assumptions (lakestream:cost): ${assumptionsText(estimate.assumptions)}`);
    for (const category of costCategories) {
        const entries = estimate.lines.filter((line) => line.category === category);
        if (entries.length === 0) {
            continue;
        }
        lines.push("", `  ${category}: ${money(categoryTotal(estimate, category))}`);
        for (const line of entries) {
            lines.push(`    ${line.resource}  ${line.item}: ${money(line.monthlyUsd)}`);
            lines.push(`        = ${lineFormula(line)}`);
            lines.push(`        quantity: ${line.basis}`);
            if (line.assumptions.length > 0) {
                lines.push(`        assumes: ${line.assumptions.join(", ")}`);
            }
        }
    }
    const top = biggest(estimate);
    lines.push("", `  Total: ${money(estimate.totalMonthlyUsd)} a month`);
    if (top.line) {
        lines.push(`  Biggest line: ${top.line.resource} ${top.line.item}, ${money(top.line.monthlyUsd)}`);
    }
    if (estimate.unpriced.length > 0) {
        lines.push("", "  Not priced (the total leaves them out):");
        for (const item of estimate.unpriced) {
            lines.push(`    ${item.resource}  ${item.item}: ${item.reason}`);
        }
    }
    if (estimate.notes.length > 0) {
        lines.push("", ...estimate.notes.map((note) => `  Note: ${note}`));
    }
    return lines.join("\n");
}

function table(rows: string[][]): string {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    return rows
        .map((row) =>
            row
                .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
                .join("   "),
        )
        .join("\n");
}

/** Every stack side by side: a column per stack, a row per category, the total and each stack's biggest line. */
export function formatSideBySide(costs: StackCost[]): string {
    const rows: string[][] = [["USD a month", ...costs.map((cost) => cost.stack)]];
    for (const category of costCategories) {
        rows.push([category, ...costs.map((cost) => money(categoryTotal(cost.estimate, category)))]);
    }
    rows.push(["Total", ...costs.map((cost) => money(cost.estimate.totalMonthlyUsd))]);
    const details = costs.map((cost) => {
        const line = cost.biggestLine;
        return `  ${cost.stack}: biggest line ${line ? `${line.resource} ${line.item}, ${money(line.monthlyUsd)}` : "none"}; ${assumptionsText(cost.estimate.assumptions)}`;
    });
    const region = costs[0] ? `${costs[0].estimate.priceRegion} list prices from ${costs[0].priceTable}` : "";
    return [table(rows), "", ...details, "", `Prices: ${region}. Line by line: npm run cost -- --stack NAME`].join(
        "\n",
    );
}

/** What the pull request summary needs of one stack's gate run (the `npm run check -- --json` report). */
export interface GateSummary {
    stack: string;
    ok: boolean;
    /** Present when the stack could not be checked (bad input). */
    error?: string;
    violations: { policy: string; enforcementLevel: string; message: string }[];
    cost?: StackCost & { maxMonthlyUsd?: number };
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function delta(now: number, before: number): string {
    const change = Math.round((now - before) * 100) / 100;
    if (change === 0) {
        return "no change";
    }
    const sign = change > 0 ? "+" : "−";
    const percent = before > 0 ? ` (${sign}${figure(Math.round((Math.abs(change) / before) * 1000) / 10)}%)` : "";
    return `${sign}${money(Math.abs(change))}${percent}`;
}

/**
 * The pull request's job summary (markdown): per stack, the gate verdict, the cost table and the change in cost
 * against the base branch when the stack existed there.
 */
export function prSummaryMarkdown(stacks: GateSummary[], base: StackCost[] | undefined): string {
    const out: string[] = ["## lakestream: policy gate and monthly cost per stack", ""];
    out.push("| stack | verdict | estimate (USD a month) | budget | change against the base branch |");
    out.push("| --- | --- | ---: | ---: | --- |");
    for (const gate of stacks) {
        const mandatory = gate.violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
        const verdict = gate.error
            ? "⛔ bad input"
            : `${gate.ok ? "✅ passed" : "❌ failed"} (${mandatory} mandatory, ${gate.violations.length - mandatory} advisory)`;
        const total = gate.cost ? money(gate.cost.estimate.totalMonthlyUsd) : "-";
        const budget = gate.cost?.maxMonthlyUsd !== undefined ? money(gate.cost.maxMonthlyUsd) : "-";
        const before = base?.find((entry) => entry.stack === gate.stack);
        const change =
            base === undefined
                ? "no base branch"
                : before === undefined
                  ? "new stack"
                  : gate.cost
                    ? delta(gate.cost.estimate.totalMonthlyUsd, before.estimate.totalMonthlyUsd)
                    : "-";
        out.push(`| ${gate.stack} | ${verdict} | ${total} | ${budget} | ${change} |`);
    }
    for (const gate of stacks) {
        out.push("", `### ${gate.stack}`, "");
        if (gate.error) {
            out.push(`⛔ ${cell(gate.error)}`);
            continue;
        }
        if (gate.violations.length > 0) {
            out.push("| level | policy | message |", "| --- | --- | --- |");
            for (const violation of gate.violations) {
                out.push(`| ${violation.enforcementLevel} | \`${violation.policy}\` | ${cell(violation.message)} |`);
            }
            out.push("");
        }
        if (!gate.cost) {
            continue;
        }
        const { estimate } = gate.cost;
        const before = base?.find((entry) => entry.stack === gate.stack)?.estimate;
        out.push(
            `Assumptions: ${assumptionsText(estimate.assumptions)}; ${estimate.priceRegion} list prices from \`${gate.cost.priceTable}\`.`,
            "",
        );
        out.push("| category | resource | item | quantity × price | USD a month |", "| --- | --- | --- | --- | ---: |");
        for (const line of estimate.lines) {
            out.push(
                `| ${line.category} | ${cell(line.resource)} | ${cell(line.item)} | ${cell(lineFormula(line))} | ${money(line.monthlyUsd)} |`,
            );
        }
        out.push(`| **total** | | | | **${money(estimate.totalMonthlyUsd)}** |`);
        if (before) {
            out.push("", "| category | base branch | this branch | change |", "| --- | ---: | ---: | --- |");
            for (const category of costCategories) {
                const now = categoryTotal(estimate, category);
                const then = categoryTotal(before, category);
                if (now !== 0 || then !== 0) {
                    out.push(`| ${category} | ${money(then)} | ${money(now)} | ${delta(now, then)} |`);
                }
            }
            out.push(
                `| **total** | ${money(before.totalMonthlyUsd)} | ${money(estimate.totalMonthlyUsd)} | ${delta(estimate.totalMonthlyUsd, before.totalMonthlyUsd)} |`,
            );
            const changed = assumptionKeys.filter((key) => before.assumptions[key] !== estimate.assumptions[key]);
            if (changed.length > 0) {
                out.push(
                    "",
                    `Assumptions changed: ${changed.map((key) => `${key} ${before.assumptions[key]} → ${estimate.assumptions[key]}`).join(", ")}.`,
                );
            }
        }
        for (const item of estimate.unpriced) {
            out.push("", `Not priced: ${cell(item.resource)} ${cell(item.item)}: ${cell(item.reason)}.`);
        }
    }
    return out.join("\n") + "\n";
}
