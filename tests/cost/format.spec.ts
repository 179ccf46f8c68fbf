// Specs for the cost reports: one stack line by line, stacks side by side, and the pull request's markdown summary.
import { strict as assert } from "node:assert";
import { defaultAssumptions } from "../../policies/lib/cost/assumptions";
import { estimateMonthlyCost } from "../../policies/lib/cost/estimate";
import { priceTable } from "../../policies/lib/cost/priceTable";
import { formatSideBySide, formatStackCost, prSummaryMarkdown, type GateSummary } from "../../src/cost/format";
import type { StackCost } from "../../src/cost/stackCost";
import * as plans from "./plans";

function stackCost(stack: string, units: number, change: Partial<typeof defaultAssumptions> = {}): StackCost {
    const estimate = estimateMonthlyCost(
        [plans.namespace({ name: "Standard", tier: "Standard", capacity: units }), plans.catalog()],
        { ...defaultAssumptions, ...change },
        priceTable,
    );
    return {
        stack,
        location: "westeurope",
        priceTable: "policies/lib/cost/prices.json",
        estimate,
        biggestLine: estimate.lines[0],
    };
}

describe("cost: reports", () => {
    it("prints every line with its price key, its quantity's basis and its assumptions", () => {
        const text = formatStackCost(stackCost("dev", 1));
        assert.match(
            text,
            /^Cost estimate for stack dev \(USD a month at eastus list prices from policies\/lib\/cost\/prices\.json; the stack is in westeurope\)/,
        );
        assert.match(
            text,
            /Assumptions \(lakestream:cost\): eventsPerSecond=5, eventBytes=300, queryHoursPerDay=1, runMinutes=4, manualRunsPerDay=2, retentionDays=7/,
        );
        assert.match(
            text,
            /ns {2}Standard throughput units: \$21\.90\n {8}= 730 TU-hour × \$0\.03 \[prices\.eventhubs\.standard\.throughputUnitHour\]\n {8}quantity: 1 TU × 730 h/,
        );
        assert.match(text, /assumes: eventsPerSecond=5, eventBytes=300\n/);
        assert.match(text, /Total: \$\d+\.\d\d a month/);
    });

    it("puts stacks side by side, a column each, with a total row", () => {
        const text = formatSideBySide([stackCost("dev", 1), stackCost("prod", 2)]);
        const [header, ...rows] = text.split("\n");
        assert.match(header, /^USD a month\s+dev\s+prod$/);
        assert.match(rows.find((row) => row.startsWith("Event Hubs")) ?? "", /\$22\.27\s+\$44\.17$/);
        assert.match(rows.find((row) => row.startsWith("Total")) ?? "", /^Total\s+\$22\.29\s+\$44\.19$/);
    });

    it("writes the pull request summary: a verdict row per stack, then its violations, lines and change against the base", () => {
        const gates: GateSummary[] = [
            { stack: "dev", ok: true, violations: [], cost: { ...stackCost("dev", 2), maxMonthlyUsd: 600 } },
            {
                stack: "prod",
                ok: false,
                violations: [
                    { policy: "stack-monthly-budget", enforcementLevel: "mandatory", message: "Found | too much" },
                ],
                cost: { ...stackCost("prod", 2), maxMonthlyUsd: 10 },
            },
            { stack: "qa", ok: false, error: "unknown stack", violations: [] },
        ];
        const base = [stackCost("dev", 1, { eventsPerSecond: 1 })];
        const markdown = prSummaryMarkdown(gates, base);
        const lines = markdown.split("\n");
        assert.equal(lines[0], "## lakestream: policy gate and monthly cost per stack");
        assert.ok(
            lines.includes("| stack | verdict | estimate (USD a month) | budget | change against the base branch |"),
        );
        assert.ok(
            lines.includes("| dev | ✅ passed (0 mandatory, 0 advisory) | $44.19 | $600.00 | +$22.22 (+101.1%) |"),
            markdown,
        );
        assert.ok(
            lines.includes("| prod | ❌ failed (1 mandatory, 0 advisory) | $44.19 | $10.00 | new stack |"),
            markdown,
        );
        assert.ok(lines.includes("| qa | ⛔ bad input | - | - | new stack |"), markdown);
        assert.ok(lines.includes("### dev") && lines.includes("### prod") && lines.includes("### qa"));
        // A pipe in a message would end the table cell: it is escaped.
        assert.ok(lines.includes("| mandatory | `stack-monthly-budget` | Found \\| too much |"), markdown);
        assert.ok(
            lines.includes(
                "| Event Hubs | ns | Standard throughput units | 1,460 TU-hour × $0.03 [prices.eventhubs.standard.throughputUnitHour] | $43.80 |",
            ),
            markdown,
        );
        // Base: 1 unit is $21.90 and 1 event/s of ingress $0.07; this branch: 2 units $43.80, $0.37 and $0.02 of storage.
        assert.ok(lines.includes("| **total** | $21.97 | $44.19 | +$22.22 (+101.1%) |"), markdown);
        assert.ok(lines.includes("Assumptions changed: eventsPerSecond 1 → 5."), markdown);
        assert.equal(markdown.endsWith("\n"), true);
    });

    it("says when there is no base branch to compare with", () => {
        const markdown = prSummaryMarkdown(
            [{ stack: "dev", ok: true, violations: [], cost: stackCost("dev", 1) }],
            undefined,
        );
        assert.match(markdown, /\| dev \| ✅ passed \(0 mandatory, 0 advisory\) \| \$22\.29 \| - \| no base branch \|/);
    });
});
