// Strict config keys: unknown keys and misspelt namespaces are named with the closest known key; the README's
// table of keys and defaults is checked against src/config; a stack with only the required keys plans.
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import {
    ConfigError,
    closestName,
    configKeyInfo,
    documentedConfigKeys,
    parseStackConfig,
    rawConfigFromPulumi,
} from "../../src/config";
import { runPlan } from "../../src/plan/runPlan";

const root = path.join(__dirname, "..", "..");

/** A valid stack as `pulumi.runtime.allConfig()` hands it over: flat keys, object values as JSON text. */
function pulumiConfig(): Record<string, string> {
    return {
        "azure-native:location": "westeurope",
        "lakestream:owner": "data-platform@example.com",
        "lakestream:eventHubs": JSON.stringify({
            sku: "Basic",
            throughputUnits: 1,
            partitionCount: 2,
            retentionHours: 24,
        }),
        "lakestream:cluster": JSON.stringify({ autoterminationMinutes: 10, workers: 0 }),
    };
}

function problemsOf(all: Record<string, string>): string[] {
    try {
        parseStackConfig("dev", rawConfigFromPulumi(all));
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
        return error.problems;
    }
    assert.fail("the config was accepted");
}

describe("strict config keys", () => {
    it("names an unknown lakestream key and suggests the closest known one", () => {
        const all = pulumiConfig();
        all["lakestream:eventhub"] = all["lakestream:eventHubs"];
        delete all["lakestream:eventHubs"];
        const problems = problemsOf(all);
        assert.match(
            problems[0],
            /^lakestream:eventhub is not a known setting; did you mean lakestream:eventHubs\? \(allowed: azure-native:location, lakestream:owner, /,
        );
        assert.ok(problems.includes("lakestream:eventHubs is required (an object)"), problems.join("\n"));
    });

    it("refuses a misspelt namespace, naming it and the key it was probably meant to be", () => {
        const all = pulumiConfig();
        all["lakestrem:owner"] = all["lakestream:owner"];
        delete all["lakestream:owner"];
        const problems = problemsOf(all);
        assert.match(
            problems[0],
            /^lakestrem:owner is not a known setting: "lakestrem" is not a config namespace of this project \(lakestream, azure-native, databricks, pulumi\); did you mean lakestream:owner\?/,
        );
        assert.ok(problems.includes("lakestream:owner is required (a string)"));
    });

    it("refuses a key of a namespace the project does not use, even far from any known key", () => {
        const problems = problemsOf({ ...pulumiConfig(), "aws:region": "eu-west-1" });
        assert.equal(problems.length, 1);
        assert.match(
            problems[0],
            /^aws:region is not a known setting: "aws" is not a config namespace of this project/,
        );
        assert.doesNotMatch(problems[0], /did you mean/);
    });

    it("suggests azure-native:location for a misspelt provider namespace", () => {
        const problems = problemsOf({ ...pulumiConfig(), "azure-nativ:location": "westeurope" });
        assert.match(
            problems[0],
            /^azure-nativ:location is not a known setting: .*; did you mean azure-native:location\?/,
        );
    });

    it("allows the provider and Pulumi namespaces, whose keys the providers and the engine read", () => {
        const config = parseStackConfig(
            "dev",
            rawConfigFromPulumi({
                ...pulumiConfig(),
                "azure-native:subscriptionId": "00000000-0000-0000-0000-000000000000",
                "databricks:host": "https://adb-1.1.azuredatabricks.net",
                "pulumi:disable-default-providers": '["*"]',
            }),
        );
        assert.equal(config.location, "westeurope");
    });

    it("names an unknown nested key with the closest setting of that object", () => {
        const all = pulumiConfig();
        all["lakestream:eventHubs"] = JSON.stringify({
            sku: "Basic",
            throughputUnits: 1,
            partitionCont: 2,
            retentionHours: 24,
        });
        const problems = problemsOf(all);
        assert.ok(
            problems.some((problem) =>
                /^lakestream:eventHubs\.partitionCont is not a known setting; did you mean lakestream:eventHubs\.partitionCount\? \(allowed: sku, /.test(
                    problem,
                ),
            ),
            problems.join("\n"),
        );
    });

    it("suggests nothing when no known key is close", () => {
        const problems = problemsOf({ ...pulumiConfig(), "lakestream:retentionPolicyForArchive": "30" });
        assert.match(problems[0], /^lakestream:retentionPolicyForArchive is not a known setting \(allowed: /);
    });

    it("suggests within two edits, or a third of a long name, and not beyond", () => {
        const known = ["eventHubs", "cluster", "catalog"];
        assert.equal(closestName("eventhub", known), "eventHubs");
        assert.equal(closestName("clutser", known), "cluster");
        assert.equal(closestName("catlg", known), "catalog");
        assert.equal(closestName("cat", known), undefined);
        assert.equal(closestName("workspace", known), undefined);
    });

    it("refuses an http:// workspace URL and accepts https://", () => {
        const all = pulumiConfig();
        all["lakestream:databricks"] = JSON.stringify({ workspaceUrl: "http://adb-1.1.azuredatabricks.net" });
        assert.deepEqual(problemsOf(all), [
            'lakestream:databricks.workspaceUrl must be an https URL such as https://adb-123.4.azuredatabricks.net (got "http://adb-1.1.azuredatabricks.net")',
        ]);
        all["lakestream:databricks"] = JSON.stringify({ workspaceUrl: "https://adb-1.1.azuredatabricks.net" });
        assert.equal(
            parseStackConfig("dev", rawConfigFromPulumi(all)).databricks.workspaceUrl,
            "https://adb-1.1.azuredatabricks.net",
        );
    });
});

/** The README's table of keys: `| \`key\` [/ \`sibling\`] | allowed | default |`, one entry per key. */
function readmeKeys(): { key: string; defaultText: string }[] {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const start = readme.indexOf("| key | allowed | default |");
    assert.ok(start >= 0, "README.md has the table of config keys");
    const rows: { key: string; defaultText: string }[] = [];
    for (const line of readme.slice(start).split("\n").slice(2)) {
        if (!line.startsWith("|")) {
            break;
        }
        const cells = line.split(" | ").map((cell) => cell.replace(/^\| ?| ?\|$/g, ""));
        const names = cells[0].split(" / ").map((name) => name.replace(/`/g, ""));
        const defaults = cells[cells.length - 1].split(" / ");
        const parent = names[0].includes(".") ? names[0].slice(0, names[0].lastIndexOf(".") + 1) : "";
        names.forEach((name, index) => {
            const key = index === 0 ? name : `${parent}${name}`;
            rows.push({ key, defaultText: (defaults[index] ?? defaults[0]).replace(/`/g, "") });
        });
    }
    return rows;
}

describe("README table of config keys", () => {
    const rows = readmeKeys();

    it("lists only keys that src/config accepts", () => {
        const unknown = rows.filter((row) => !configKeyInfo(row.key).known).map((row) => row.key);
        assert.deepEqual(unknown, []);
    });

    it("lists every key src/config accepts", () => {
        const documented = new Set(rows.map((row) => row.key));
        const missing = documentedConfigKeys().filter((key) => !documented.has(key));
        assert.deepEqual(missing, []);
    });

    it("says required exactly for the keys the schema requires, and gives the schema's defaults", () => {
        for (const row of rows) {
            const info = configKeyInfo(row.key);
            assert.equal(row.defaultText === "required", info.required, `${row.key}: README says "${row.defaultText}"`);
            const value = info.defaultValue;
            if (value !== undefined && (typeof value !== "object" || Array.isArray(value))) {
                const expected = typeof value === "string" ? value : JSON.stringify(value);
                assert.ok(
                    row.defaultText.includes(expected),
                    `${row.key}: README default "${row.defaultText}", schema ${expected}`,
                );
            }
        }
    });

    it("a stack with only the keys the README marks required plans", async () => {
        const required = rows.filter((row) => row.defaultText === "required").map((row) => row.key);
        assert.deepEqual(required, [
            "azure-native:location",
            "lakestream:owner",
            "lakestream:eventHubs.sku",
            "lakestream:eventHubs.throughputUnits",
            "lakestream:eventHubs.partitionCount",
            "lakestream:eventHubs.retentionHours",
            "lakestream:cluster.autoterminationMinutes",
        ]);
        const stackFile = path.join(mkdtempSync(path.join(tmpdir(), "minimal-stack-")), "Pulumi.minimal.yaml");
        writeFileSync(
            stackFile,
            stringify({
                config: {
                    "azure-native:location": "westeurope",
                    "lakestream:owner": "data-platform@example.com",
                    "lakestream:eventHubs": { sku: "Basic", throughputUnits: 1, partitionCount: 2, retentionHours: 24 },
                    "lakestream:cluster": { autoterminationMinutes: 10 },
                },
            }),
        );
        const plan = await runPlan({ stack: "minimal", stackFile });
        assert.ok(plan.resources.some((resource) => resource.type === "databricks:index/job:Job"));
    });
});
