// Specs for `npm run cost` and `npm run cost:summary` run as a user (and the pull request workflow) runs them.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { StackCost } from "../../src/cost/stackCost";

const root = path.join(__dirname, "..", "..");

function run(script: string, ...args: string[]) {
    return spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(root, script), ...args], {
        encoding: "utf8",
        cwd: root,
    });
}
const cost = (...args: string[]) => run("src/cost/cli.ts", ...args);

describe("npm run cost", function () {
    this.timeout(120_000);

    it("prints one stack line by line, each figure with its price key, and exits 0", () => {
        const result = cost("--stack", "dev");
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /^Cost estimate for stack dev /);
        assert.match(result.stdout, /\[prices\.eventhubs\.basic\.throughputUnitHour\]/);
        assert.match(result.stdout, /\[nodeTypes\.Standard_D4ds_v5\.vmHour\]/);
        assert.match(result.stdout, /Total: \$[\d,]+\.\d\d a month/);
    });

    it("prints JSON whose total is the sum of its lines, every line naming a price in the table", () => {
        const result = cost("--stack", "prod", "--json");
        assert.equal(result.status, 0, result.stderr);
        const report = JSON.parse(result.stdout) as StackCost;
        assert.equal(report.stack, "prod");
        assert.equal(report.location, "westeurope");
        assert.equal(report.estimate.assumptions.eventsPerSecond, 50);
        const sum = report.estimate.lines.reduce((total, line) => total + line.monthlyUsd, 0);
        assert.ok(Math.abs(sum - report.estimate.totalMonthlyUsd) < 0.005);
        for (const line of report.estimate.lines) {
            assert.match(line.price, /^(prices|nodeTypes)\./);
            assert.ok(Math.abs(line.quantity * line.unitPrice - line.monthlyUsd) < 0.01, line.item);
        }
        assert.deepEqual([...new Set(report.estimate.lines.map((line) => line.category))].sort(), [
            "Event Hubs",
            "Jobs compute",
            // Prod's job is unpaused: its bronze lag alert.
            "Monitoring",
            "SQL warehouse",
            "Storage",
        ]);
    });

    it("puts every stack side by side without --stack", () => {
        const result = cost();
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout.split("\n")[0], /^USD a month\s+dev\s+prod$/);
        assert.match(result.stdout, /\nTotal\s+\$[\d,.]+\s+\$[\d,.]+\n/);
    });

    it("exits 2 for an unknown stack, naming the stacks there are, and for an unknown flag", () => {
        const unknown = cost("--stack", "staging");
        assert.equal(unknown.status, 2);
        assert.match(
            unknown.stderr,
            /unknown stack "staging": there is no Pulumi\.staging\.yaml \(stacks: dev, prod\)/,
        );
        const flag = cost("--stacks", "dev");
        assert.equal(flag.status, 2);
        assert.match(flag.stderr, /allowed flags: --stack, --stack-file, --project-dir, --json, --help/);
    });

    it("exits 2 for an invalid lakestream:cost, naming the key", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-cost-"));
        const file = path.join(dir, "Pulumi.badcost.yaml");
        const dev = fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8");
        fs.writeFileSync(file, dev.replace("retentionDays: 7", "retentionDays: 0"));
        const result = cost("--stack-file", file);
        assert.equal(result.status, 2);
        assert.match(result.stderr, /lakestream:cost\.retentionDays must be an integer between 1 and 36500 \(got 0\)/);
    });

    describe("on a checkout of the base branch (--project-dir)", () => {
        // Inside the repository, as in the workflow, so the base program resolves the same dependencies.
        const base = path.join(root, `.base-test-${process.pid}`);
        before(() => {
            for (const entry of [
                "index.ts",
                "components",
                "src",
                "policies/lib",
                "notebooks",
                "Pulumi.yaml",
                "Pulumi.dev.yaml",
                "Pulumi.prod.yaml",
            ]) {
                fs.cpSync(path.join(root, entry), path.join(base, entry), { recursive: true });
            }
            // A base from before cost assumptions existed, whose dev cluster had two workers.
            const dev = fs.readFileSync(path.join(base, "Pulumi.dev.yaml"), "utf8");
            const withoutCost = dev
                .replace(/\n\s*# Usage the cost estimate[\s\S]*$/, "\n")
                .replace("workers: 0", "workers: 2");
            fs.writeFileSync(path.join(base, "Pulumi.dev.yaml"), withoutCost);
            const project = fs.readFileSync(path.join(base, "Pulumi.yaml"), "utf8");
            fs.writeFileSync(
                path.join(base, "Pulumi.yaml"),
                project.replace(/\n {4}lakestream:cost:\n(?: {8}.*\n)*/, "\n"),
            );
        });
        after(() => fs.rmSync(base, { recursive: true, force: true }));

        it("prices the base's stacks with this estimator, defaulting the assumptions it lacks", () => {
            const result = cost("--project-dir", base, "--json");
            assert.equal(result.status, 0, result.stderr);
            const { stacks } = JSON.parse(result.stdout) as { stacks: StackCost[] };
            assert.deepEqual(
                stacks.map((entry) => entry.stack),
                ["dev", "prod"],
            );
            const dev = stacks[0];
            assert.deepEqual(dev.estimate.assumptions, {
                eventsPerSecond: 5,
                eventBytes: 300,
                queryHoursPerDay: 1,
                runMinutes: 4,
                manualRunsPerDay: 2,
                retentionDays: 7,
            });
            assert.match(
                dev.estimate.lines.find((line) => /VM hours/.test(line.item))?.basis ?? "",
                /3 × Standard_D4ds_v5 of 3 nodes/,
            );
        });

        it("writes the pull request summary with the change against that base", () => {
            const gateDir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-gate-"));
            const gate = run("src/gate/cli.ts", "--stack", "dev", "--json");
            assert.equal(gate.status, 0, gate.stderr);
            fs.writeFileSync(path.join(gateDir, "dev.json"), gate.stdout);
            fs.writeFileSync(path.join(gateDir, "prod.json"), "");
            const baseFile = path.join(gateDir, "..", `base-${process.pid}.json`);
            fs.writeFileSync(baseFile, cost("--project-dir", base, "--json").stdout);
            const summary = run("src/cost/summaryCli.ts", "--gate-dir", gateDir, "--base", baseFile);
            assert.equal(summary.status, 0, summary.stderr);
            assert.match(summary.stdout, /^## lakestream: policy gate and monthly cost per stack\n/);
            // A first deploy of dev cannot know the deploying user's name: the policies that need it say so as advice.
            assert.match(
                summary.stdout,
                /\| dev \| ✅ passed \(0 mandatory, [1-9]\d* advisory\) \| \$[\d,.]+ \| \$600\.00 \| −\$[\d,.]+ \(−[\d.]+%\) \|/,
            );
            assert.match(summary.stdout, /\| prod \| ⛔ bad input \|/);
            assert.match(summary.stdout, /\| Jobs compute \| \$[\d,.]+ \| \$[\d,.]+ \| −\$/);
            fs.rmSync(baseFile);
        });

        it("exits 2 when the gate folder or the base file is missing", () => {
            assert.equal(run("src/cost/summaryCli.ts", "--gate-dir", "/nonexistent").status, 2);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-gate-"));
            const missing = run("src/cost/summaryCli.ts", "--gate-dir", dir, "--base", "/nonexistent.json");
            assert.equal(missing.status, 2);
            assert.match(missing.stderr, /cannot read \/nonexistent\.json as JSON/);
        });
    });
});
