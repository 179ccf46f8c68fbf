// Specs for the policy gate: the committed stacks pass, the non-compliant fixture fails on exactly its policies, bad input exits 2.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { runGate, type StackReport } from "../../src/gate/gate";

const root = path.join(__dirname, "..", "..");
const noncompliant = path.join(root, "tests", "fixtures", "Pulumi.noncompliant.yaml");
const run = promisify(execFile);

/** Runs the gate in this process and returns its exit code and the JSON it printed. */
async function gateJson(options: Parameters<typeof runGate>[0]) {
    let printed = "";
    const code = await runGate({ ...options, json: true, write: (text) => (printed += text) });
    return { code, report: JSON.parse(printed) as StackReport };
}

/** Runs `npm run check` as a user would, returning the exit code and both streams. */
async function gateCli(args: string[]) {
    try {
        const { stdout, stderr } = await run("npx", ["tsx", "src/gate/cli.ts", ...args], { cwd: root });
        return { code: 0, stdout, stderr };
    } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
}

describe("policy gate", () => {
    for (const [stack, mode] of [
        ["dev", "first-deploy"],
        ["dev", "update"],
        ["prod", "first-deploy"],
        ["prod", "update"],
    ] as const) {
        it(`passes the committed ${stack} stack with policies/config/${stack}.json (${mode})`, async () => {
            const { code, report } = await gateJson({ stack, mode });
            assert.equal(report.mode, mode);
            const mandatory = report.violations.filter((violation) => violation.enforcementLevel === "mandatory");
            assert.deepEqual(mandatory, []);
            assert.equal(report.ok, true);
            assert.equal(code, 0);
            assert.equal(report.policyConfig, `policies/config/${stack}.json`);
            assert.ok(report.resources.some((resource) => resource.type === "databricks:index/job:Job"));
        });
    }

    for (const stack of ["dev", "prod"]) {
        it(`passes the ${stack} stack switched to the layered layout, without even advice`, async () => {
            const text = readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8");
            const layered = text.includes("    streams: single\n")
                ? text.replace("    streams: single\n", "    streams: layered\n")
                : text.replace("  lakestream:job:\n", "  lakestream:job:\n    streams: layered\n");
            assert.notEqual(layered, text);
            const stackFile = path.join(mkdtempSync(path.join(tmpdir(), "gate-layered-")), `Pulumi.${stack}.yaml`);
            writeFileSync(stackFile, layered);
            const policyConfig = path.join(root, "policies", "config", `${stack}.json`);
            const { code, report } = await gateJson({ stackFile, policyConfig, mode: "update" });
            const job = report.resources.find((resource) => resource.type === "databricks:index/job:Job")!;
            const tasks = (job.inputs as { tasks: { taskKey: string }[] }).tasks.map((task) => task.taskKey);
            assert.deepEqual(tasks, ["bronze", "silver", "gold"]);
            assert.deepEqual(report.violations, []);
            assert.equal(code, 0);
        });
    }

    it("fails the non-compliant fixture with exactly the policies it breaks, under the pack defaults", async () => {
        // As an update sees it: at a first deploy the deploying user's name, and so the run-as and its grants, are
        // unknown, and those policies say so as advice (see the first-deploy case below).
        const { code, report } = await gateJson({ stackFile: noncompliant, mode: "update" });
        assert.equal(code, 1);
        assert.equal(report.ok, false);
        assert.equal(report.stack, "noncompliant");
        assert.equal(report.policyConfig, "pack defaults");
        const broken = [...new Set(report.violations.map((violation) => violation.policy))].sort();
        assert.deepEqual(broken, [
            "cleanup-ephemeral-force-destroy",
            "cleanup-job-no-unpaused-continuous",
            "databricks-catalog-managed-location",
            "databricks-cluster-auto-termination",
            "databricks-cluster-max-workers",
            "databricks-continuous-job-task-retry",
            "databricks-grants-gold-only",
            "databricks-job-code-not-in-shared",
            "databricks-job-failure-notification",
            "databricks-job-on-job-compute",
            "databricks-job-run-as",
            "databricks-job-shuffle-partitions",
            "databricks-power-bi-targets-sql-warehouse",
            "databricks-sql-warehouse-auto-stop",
            "eventhubs-namespace-allowed-tier",
            "eventhubs-namespace-max-throughput-units",
            "stack-bronze-lag-alert",
            "stack-monthly-budget",
            "stack-throughput-unit-budget",
        ]);
        // The job's stream runs on the all-purpose cluster, which leaves the shuffle partitions at Spark's 200: advice.
        const shuffle = report.violations.filter(
            (violation) => violation.policy === "databricks-job-shuffle-partitions",
        );
        assert.deepEqual(
            shuffle.map((violation) => violation.enforcementLevel),
            ["advisory"],
        );
        assert.match(
            shuffle[0].message,
            /Found cluster lakestream-noncompliant-cluster running the streaming task\(s\) pipeline without spark\.sql\.shuffle\.partitions/,
        );
        for (const violation of report.violations) {
            assert.deepEqual(Object.keys(violation), ["policy", "enforcementLevel", "urn", "message"]);
            assert.match(violation.urn, /^urn:pulumi:noncompliant::lakestream::/);
        }
    });

    it("on a first deploy of the non-compliant fixture, says what it could not check instead of passing it", async () => {
        const { code, report } = await gateJson({ stackFile: noncompliant, mode: "first-deploy" });
        assert.equal(code, 1);
        const cannotRun = report.violations.filter((violation) => /^can't run policy /m.test(violation.message));
        for (const violation of cannotRun) {
            assert.equal(violation.enforcementLevel, "advisory");
        }
        const policies = cannotRun.map((violation) => violation.policy);
        assert.ok(policies.includes("databricks-job-run-as"), policies.join(", "));
        assert.ok(policies.includes("databricks-grants-gold-only"), policies.join(", "));
        // What is known still fails: the code under /Shared and the budget, read from the job's and warehouse's inputs.
        const mandatory = new Set(
            report.violations.filter((violation) => violation.enforcementLevel === "mandatory").map((v) => v.policy),
        );
        for (const policy of [
            "databricks-job-code-not-in-shared",
            "stack-monthly-budget",
            "databricks-job-on-job-compute",
        ]) {
            assert.ok(mandatory.has(policy), policy);
        }
    });

    it("prints the plan, then the violations grouped under the pack like pulumi preview", async () => {
        const { code, stdout } = await gateCli(["--stack-file", noncompliant]);
        assert.equal(code, 1);
        assert.ok(stdout.indexOf("Plan for stack noncompliant") < stdout.indexOf("Policies:"));
        assert.match(stdout, /Policies:\n {4}❌ lakestream@v0\.1\.0 \(config: pack defaults\)\n/);
        assert.match(
            stdout,
            / {8}- \[mandatory\] {2}databricks-cluster-auto-termination {2}\(resource: urn:pulumi:noncompliant::lakestream::[^)]*Cluster::lakestream-noncompliant-cluster\)\n {10}Databricks clusters auto-terminate after at most the allowed idle minutes\.\n {10}Found autoterminationMinutes 120; allowed: 1 to 10 minutes\./,
        );
    });

    it("reports the estimate the budget policy judged, with the policy config's assumptions and budget", async () => {
        const { report } = await gateJson({ stack: "prod" });
        const budget = JSON.parse(readFileSync(path.join(root, "policies", "config", "prod.json"), "utf8"))[
            "stack-monthly-budget"
        ];
        assert.equal(report.cost.maxMonthlyUsd, budget.maxMonthlyUsd);
        assert.equal(report.cost.budgetLevel, "mandatory");
        assert.equal(report.cost.estimate.assumptions.queryHoursPerDay, budget.queryHoursPerDay);
        assert.ok(report.cost.estimate.totalMonthlyUsd > 0);
        assert.ok(report.cost.estimate.totalMonthlyUsd <= budget.maxMonthlyUsd);
        assert.equal(
            report.cost.biggestLine?.monthlyUsd,
            Math.max(...report.cost.estimate.lines.map((l) => l.monthlyUsd)),
        );
    });

    it("prints the estimate beside the verdict, over the budget for the non-compliant fixture", async () => {
        const { stdout } = await gateCli(["--stack-file", noncompliant]);
        assert.match(
            stdout,
            /noncompliant: \d+ mandatory, \d+ advisory violation\(s\) from \d+ policies: FAILED\nnoncompliant: estimated \$[\d,]+\.\d\d a month, OVER the budget of \$600\.00 \(stack-monthly-budget, mandatory; eastus list prices\); biggest line: lakestream-noncompliant-warehouse serverless SQL DBUs, 2X-Small/,
        );
    });

    it("checks every Pulumi.*.yaml of the project without --stack and summarises", async () => {
        const { code, stdout } = await gateCli(["--mode", "update"]);
        assert.match(stdout, /Summary:\n.* dev .*\(update, .*\n.* prod .*\(update, /);
        assert.equal(code, 0);
    });

    it("exits 2 naming the stack for an unknown stack", async () => {
        const { code, stderr } = await gateCli(["--stack", "staging"]);
        assert.equal(code, 2);
        assert.match(stderr, /error: unknown stack "staging": there is no Pulumi.staging.yaml \(stacks: dev, prod\)/);
    });

    it("exits 2 for an unreadable or invalid policy config, naming the file", async () => {
        const missing = await gateCli(["--stack", "dev", "--policy-config", "/nonexistent/dev.json"]);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /error: cannot read policy config \/nonexistent\/dev.json/);
        const file = path.join(mkdtempSync(path.join(tmpdir(), "gate-")), "bad.json");
        writeFileSync(file, JSON.stringify({ "databricks-cluster-max-workers": { maxWorkers: -1 } }));
        const invalid = await gateCli(["--stack", "dev", "--policy-config", file]);
        assert.equal(invalid.code, 2);
        assert.match(
            invalid.stderr,
            /is invalid:\n {2}databricks-cluster-max-workers.maxWorkers must be at least 0 \(got -1\)/,
        );
    });

    it("exits 2 for an unknown flag", async () => {
        const { code, stderr } = await gateCli(["--stacks", "dev"]);
        assert.equal(code, 2);
        assert.match(stderr, /allowed flags: --stack, --stack-file, --policy-config, --mode, --json, --help/);
    });
});
