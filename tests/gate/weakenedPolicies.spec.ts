// Specs for what the gate did not check: disabled and advisory policies are named, unwaived disabled ones fail it.
import { strict as assert } from "node:assert";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { policies } from "../../policies/all";
import { runGate, type StackReport } from "../../src/gate/gate";
import { clusterRuntimeEndOfSupport } from "../../policies/databricks/clusterRuntimeEndOfSupport";
import { jobShufflePartitions } from "../../policies/databricks/jobShufflePartitions";

const root = path.join(__dirname, "..", "..");
const noncompliant = path.join(root, "tests", "fixtures", "Pulumi.noncompliant.yaml");
const reason = "Destroy is guarded by the team's own backup job until the storage account moves (ticket OPS-12).";

/** dev's committed policy config with some entries replaced, so that only the replaced entries differ. */
function devConfigWith(overrides: Record<string, unknown>): Record<string, unknown> {
    const committed = JSON.parse(readFileSync(path.join(root, "policies", "config", "dev.json"), "utf8"));
    return { ...committed, ...overrides };
}

function configFile(config: unknown): string {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "gate-weakened-")), "policy.json");
    writeFileSync(file, JSON.stringify(config));
    return file;
}

/** Runs the gate in this process; returns the exit code, the printed report and what went to stderr. */
async function gate(options: Parameters<typeof runGate>[0]) {
    let printed = "";
    const errors: string[] = [];
    const original = console.error;
    console.error = (message: string) => errors.push(message);
    try {
        const code = await runGate({ ...options, write: (text) => (printed += text) });
        return { code, printed, stderr: errors.join("\n") };
    } finally {
        console.error = original;
    }
}

describe("policy gate: what it did not check", () => {
    it("fails a config that disables every policy, naming all of them, where it used to pass with 0 violations", async () => {
        const policyConfig = configFile({ all: "disabled" });
        const { code, printed } = await gate({ stackFile: noncompliant, policyConfig, json: true });
        const report = JSON.parse(printed) as StackReport;
        assert.equal(code, 1);
        assert.equal(report.ok, false);
        assert.deepEqual(report.violations, []);
        assert.equal(report.disabledPolicies.length, policies.length);
        // Every policy but the end-of-support warning and the shuffle partitions, which are advice by default.
        const advice = [clusterRuntimeEndOfSupport.name, jobShufflePartitions.name];
        assert.ok(
            report.disabledPolicies.every(
                (entry) =>
                    entry.defaultLevel === (advice.includes(entry.policy) ? "advisory" : "mandatory") &&
                    entry.waiver === null,
            ),
        );
        assert.deepEqual(
            report.unwaivedDisabledPolicies,
            report.disabledPolicies.map((entry) => entry.policy),
        );
        assert.ok(report.unwaivedDisabledPolicies.includes("eventhubs-namespace-allowed-tier"));
    });

    it("says so in the text report: each disabled policy, its default, and the summary line", async () => {
        // An update, where every value is known: no rule gives advice, so the summary line is exact.
        const policyConfig = configFile(devConfigWith({ "stack-destroyable": "disabled" }));
        const { code, printed } = await gate({ stack: "dev", policyConfig, mode: "update" });
        assert.equal(code, 1);
        assert.match(
            printed,
            /\n {4}Not checked: disabled by .*policy\.json\n {8}- stack-destroyable \(pack default: mandatory\) {2}NO WAIVER: fails the gate/,
        );
        assert.match(
            printed,
            new RegExp(
                `dev: 0 mandatory, 0 advisory violation\\(s\\) from ${policies.length} policies \\(1 disabled, 1 of them without a waiver, 0 made advisory\\): FAILED\\ndev: estimated \\$[\\d,]+\\.\\d\\d a month, within the budget of \\$600\\.00 \\(stack-monthly-budget, mandatory;`,
            ),
        );
    });

    it("passes a disabled mandatory policy that has a waiver, and still names it with its reason", async () => {
        const policyConfig = configFile(
            devConfigWith({ "stack-destroyable": { enforcementLevel: "disabled", waiver: { reason } } }),
        );
        const { code, printed } = await gate({ stack: "dev", policyConfig, json: true });
        const report = JSON.parse(printed) as StackReport;
        assert.equal(code, 0);
        assert.equal(report.ok, true);
        assert.deepEqual(report.disabledPolicies, [
            { policy: "stack-destroyable", defaultLevel: "mandatory", waiver: { reason } },
        ]);
        assert.deepEqual(report.unwaivedDisabledPolicies, []);
        const text = await gate({ stack: "dev", policyConfig });
        assert.match(
            text.printed,
            new RegExp(
                `- stack-destroyable \\(pack default: mandatory\\) {2}waiver: ${reason.replace(/[().]/g, "\\$&")}`,
            ),
        );
    });

    it("names the policies prod makes advisory, with the waivers that say why", async () => {
        const { code, printed } = await gate({ stack: "prod", json: true });
        const report = JSON.parse(printed) as StackReport;
        assert.equal(code, 0);
        assert.deepEqual(report.disabledPolicies, []);
        assert.deepEqual(
            report.advisoryPolicies.map((entry) => [entry.policy, entry.defaultLevel, typeof entry.waiver?.reason]),
            [
                ["databricks-sql-warehouse-auto-stop", "mandatory", "string"],
                ["cleanup-job-timeout", "mandatory", "string"],
            ],
        );
    });

    it("fails npm run check for a committed stack config that disables a mandatory policy without a waiver", async () => {
        const configDir = mkdtempSync(path.join(tmpdir(), "gate-committed-"));
        copyFileSync(path.join(root, "policies", "config", "prod.json"), path.join(configDir, "prod.json"));
        writeFileSync(
            path.join(configDir, "dev.json"),
            JSON.stringify({ all: "mandatory", "cleanup-job-timeout": { enforcementLevel: "disabled" } }),
        );
        const { code, printed } = await gate({ policyConfigDir: configDir });
        assert.equal(code, 1);
        assert.match(printed, /❌ dev .* 1 policies disabled \(1 without a waiver\)/);
        assert.match(printed, /✅ prod /);
    });

    describe("bad waivers are bad input (exit 2), naming the policy", () => {
        const cases: [string, unknown, RegExp][] = [
            [
                "no reason",
                { enforcementLevel: "disabled", waiver: {} },
                /stack-destroyable\.waiver\.reason is required/,
            ],
            [
                "a reason too short to judge",
                { enforcementLevel: "disabled", waiver: { reason: "legacy" } },
                /stack-destroyable\.waiver\.reason must have at least 15 characters \(got "legacy"\)/,
            ],
            [
                "a reason that is only spaces",
                { enforcementLevel: "disabled", waiver: { reason: " ".repeat(20) } },
                /stack-destroyable\.waiver\.reason must match pattern/,
            ],
            [
                "a waiver that is a string",
                { enforcementLevel: "disabled", waiver: "because" },
                /stack-destroyable\.waiver must be object \(got "because"\)/,
            ],
            [
                "an unknown waiver field",
                { enforcementLevel: "disabled", waiver: { reason, until: "2027" } },
                /stack-destroyable\.waiver\.until is not a known setting \(allowed: reason\)/,
            ],
            [
                "a waiver on a policy left at its default level",
                { waiver: { reason } },
                /"stack-destroyable" has a waiver but is mandatory here, as in the pack: remove the waiver/,
            ],
        ];
        for (const [name, entry, expected] of cases) {
            it(name, async () => {
                const policyConfig = configFile({ "stack-destroyable": entry });
                const { code, stderr } = await gate({ stack: "dev", policyConfig });
                assert.equal(code, 2);
                assert.match(stderr, expected);
            });
        }

        it('a waiver on "all"', async () => {
            const policyConfig = configFile({ all: { enforcementLevel: "disabled", waiver: { reason } } });
            const { code, stderr } = await gate({ stack: "dev", policyConfig });
            assert.equal(code, 2);
            assert.match(stderr, /"all" cannot carry a waiver; give each policy its own waiver with a reason/);
        });
    });
});
