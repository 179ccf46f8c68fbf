// Specs for the lakestream:cost assumptions: each key's validation, and the same values in the stack and its budget policy.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { assumptionKeys } from "../../policies/lib/cost/assumptions";
import { ConfigError, parseStackConfig, rawConfigFromPulumi } from "../../src/config";

const root = path.join(__dirname, "..", "..");

function validConfig(cost?: unknown): Record<string, unknown> {
    return {
        "azure-native:location": "westeurope",
        owner: "data-platform@example.com",
        eventHubs: { sku: "Basic", throughputUnits: 1, partitionCount: 2, retentionHours: 24 },
        cluster: { autoterminationMinutes: 10 },
        ...(cost === undefined ? {} : { cost }),
    };
}

function problems(cost: unknown): string[] {
    try {
        parseStackConfig("dev", validConfig(cost));
        return [];
    } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.problems;
    }
}

describe("cost: lakestream:cost assumptions", () => {
    it("defaults every assumption when the key is absent or empty", () => {
        const expected = {
            eventsPerSecond: 5,
            eventBytes: 300,
            queryHoursPerDay: 1,
            runMinutes: 4,
            manualRunsPerDay: 2,
            retentionDays: 7,
        };
        assert.deepEqual(parseStackConfig("dev", validConfig()).cost, expected);
        assert.deepEqual(parseStackConfig("dev", validConfig({})).cost, expected);
        assert.deepEqual(parseStackConfig("dev", validConfig({ eventsPerSecond: 0.5 })).cost, {
            ...expected,
            eventsPerSecond: 0.5,
        });
    });

    const cases: [string, unknown, string][] = [
        ["eventsPerSecond", -1, "lakestream:cost.eventsPerSecond must be a number between 0 and 1000000 (got -1)"],
        ["eventsPerSecond", "10", 'lakestream:cost.eventsPerSecond must be a number between 0 and 1000000 (got "10")'],
        ["eventBytes", 0, "lakestream:cost.eventBytes must be an integer between 1 and 1048576 (got 0)"],
        ["eventBytes", 2.5, "lakestream:cost.eventBytes must be an integer between 1 and 1048576 (got 2.5)"],
        ["queryHoursPerDay", 25, "lakestream:cost.queryHoursPerDay must be a number between 0 and 24 (got 25)"],
        ["runMinutes", 0, "lakestream:cost.runMinutes must be a number between 1 and 1440 (got 0)"],
        ["runMinutes", 1441, "lakestream:cost.runMinutes must be a number between 1 and 1440 (got 1441)"],
        ["manualRunsPerDay", 1.5, "lakestream:cost.manualRunsPerDay must be an integer between 0 and 1440 (got 1.5)"],
        ["manualRunsPerDay", -2, "lakestream:cost.manualRunsPerDay must be an integer between 0 and 1440 (got -2)"],
        ["retentionDays", 0, "lakestream:cost.retentionDays must be an integer between 1 and 36500 (got 0)"],
        ["retentionDays", true, "lakestream:cost.retentionDays must be an integer between 1 and 36500 (got true)"],
    ];
    for (const [key, value, message] of cases) {
        it(`refuses ${key}: ${JSON.stringify(value)}`, () => {
            assert.deepEqual(problems({ [key]: value }), [message]);
        });
    }

    it("covers every assumption key with a refusal above", () => {
        assert.deepEqual([...new Set(cases.map(([key]) => key))].sort(), [...assumptionKeys].sort());
    });

    it("refuses an unknown assumption, listing the known ones, and a value that is not an object", () => {
        assert.deepEqual(problems({ eventsPerSec: 5 }), [
            "lakestream:cost.eventsPerSec is not a known setting; did you mean lakestream:cost.eventsPerSecond? (allowed: eventsPerSecond, eventBytes, queryHoursPerDay, runMinutes, manualRunsPerDay, retentionDays)",
        ]);
        assert.deepEqual(problems(7), ["lakestream:cost must be an object (got 7)"]);
    });

    for (const stack of ["dev", "prod"]) {
        it(`gives the budget policy the same assumptions as Pulumi.${stack}.yaml`, () => {
            const settings = parseYaml(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as {
                config: Record<string, unknown>;
            };
            const flat = Object.fromEntries(
                Object.entries(settings.config).map(([key, value]) => [
                    key,
                    typeof value === "string" ? value : JSON.stringify(value),
                ]),
            );
            const fromStack = parseStackConfig(stack, rawConfigFromPulumi(flat)).cost;
            const policyConfig = JSON.parse(
                readFileSync(path.join(root, "policies", "config", `${stack}.json`), "utf8"),
            );
            const budget = policyConfig["stack-monthly-budget"] as Record<string, unknown>;
            const fromPolicy = Object.fromEntries(assumptionKeys.map((key) => [key, budget[key]]));
            assert.deepEqual(fromPolicy, fromStack);
        });
    }
});
