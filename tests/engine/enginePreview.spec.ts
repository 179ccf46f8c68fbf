// Specs run by the real Pulumi engine: every stack's first preview with the pack, and the gate agreeing with it.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { runGate, type StackReport } from "../../src/gate/gate";
import { findCli } from "../../src/engine/pulumiCli";
import type { verdictJson } from "../../src/engine/cli";

const root = path.join(__dirname, "..", "..");
const run = promisify(execFile);
type EngineReport = ReturnType<typeof verdictJson>;

/** `npm run preview:engine` as a user runs it, with extra environment variables. */
async function engineCli(args: string[], env: NodeJS.ProcessEnv = {}) {
    try {
        const { stdout, stderr } = await run("npx", ["tsx", "src/engine/cli.ts", ...args], {
            cwd: root,
            env: { ...process.env, ...env },
            maxBuffer: 64 * 1024 * 1024,
        });
        return { code: 0, stdout, stderr };
    } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
}

async function gateFirstDeploy(stackFile: string): Promise<StackReport> {
    let printed = "";
    await runGate({ stackFile, mode: "first-deploy", json: true, write: (text) => (printed += text) });
    return JSON.parse(printed) as StackReport;
}

/** A stack file in a folder of its own, named so that policies/config/<stack>.json applies as for the original. */
function variant(stack: string, change: (text: string) => string): string {
    const text = readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8");
    const changed = change(text);
    assert.notEqual(changed, text, "the variant must change the stack file");
    const file = path.join(mkdtempSync(path.join(tmpdir(), "engine-variant-")), `Pulumi.${stack}.yaml`);
    writeFileSync(file, changed);
    return file;
}

function layered(text: string): string {
    return text.includes("    streams: single\n")
        ? text.replace("    streams: single\n", "    streams: layered\n")
        : text.replace("  lakestream:job:\n", "  lakestream:job:\n    streams: layered\n");
}

/** Each violation as one comparable line: level, policy and the resource it names. */
function violationSet(violations: { policy: string; enforcementLevel: string; urn: string }[]): string[] {
    return [...new Set(violations.map((v) => `${v.enforcementLevel} ${v.policy} ${v.urn}`))].sort();
}

function mandatoryPolicies(report: { violations: { policy: string; enforcementLevel: string }[] }): string[] {
    return [
        ...new Set(report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy)),
    ].sort();
}

function sha256(file: string): string {
    return createHash("sha256").update(readFileSync(file)).digest("hex");
}

const noncompliantMandatory = [
    "cleanup-ephemeral-force-destroy",
    "cleanup-job-no-unpaused-continuous",
    "databricks-catalog-managed-location",
    "databricks-cluster-auto-termination",
    "databricks-cluster-max-workers",
    "databricks-continuous-job-task-retry",
    "databricks-job-code-not-in-shared",
    "databricks-job-failure-notification",
    "databricks-job-on-job-compute",
    "databricks-power-bi-targets-sql-warehouse",
    "databricks-sql-warehouse-auto-stop",
    "eventhubs-namespace-allowed-tier",
    "eventhubs-namespace-max-throughput-units",
    "stack-monthly-budget",
    "stack-throughput-unit-budget",
];

interface Case {
    title: string;
    stackFile: () => string;
    /** Exactly these mandatory policies (an empty list: the stack passes). */
    mandatory?: string[];
    /** At least these mandatory policies. */
    mandatoryIncludes?: string[];
}

const cases: Case[] = [
    { title: "the committed dev stack", stackFile: () => path.join(root, "Pulumi.dev.yaml"), mandatory: [] },
    { title: "the committed prod stack", stackFile: () => path.join(root, "Pulumi.prod.yaml"), mandatory: [] },
    { title: "dev in the layered layout", stackFile: () => variant("dev", layered), mandatory: [] },
    { title: "prod in the layered layout", stackFile: () => variant("prod", layered), mandatory: [] },
    {
        title: "the non-compliant fixture, under the pack defaults",
        stackFile: () => path.join(root, "tests", "fixtures", "Pulumi.noncompliant.yaml"),
        mandatoryIncludes: noncompliantMandatory,
    },
    {
        title: "dev on the Standard tier",
        stackFile: () => variant("dev", (text) => text.replace("    sku: Basic\n", "    sku: Standard\n")),
        mandatoryIncludes: ["eventhubs-namespace-allowed-tier"],
    },
    {
        title: "dev with 4 throughput units",
        stackFile: () => variant("dev", (text) => text.replace("    throughputUnits: 1\n", "    throughputUnits: 4\n")),
        mandatoryIncludes: ["eventhubs-namespace-max-throughput-units", "stack-throughput-unit-budget"],
    },
    {
        title: "dev with an interactive cluster idling 120 minutes",
        stackFile: () =>
            variant("dev", (text) =>
                text
                    .replace("    autoterminationMinutes: 10\n", "    autoterminationMinutes: 120\n")
                    .replace(
                        "  lakestream:runAs: {}\n",
                        '  lakestream:runAs: {}\n  lakestream:interactiveCluster: "true"\n',
                    ),
            ),
        mandatoryIncludes: ["databricks-cluster-auto-termination"],
    },
    {
        title: "dev with 4 workers",
        stackFile: () => variant("dev", (text) => text.replace("    workers: 0\n", "    workers: 4\n")),
        mandatoryIncludes: ["databricks-cluster-max-workers"],
    },
];

describe("the real Pulumi engine, offline (first deploy)", function () {
    // Each preview starts the CLI, the program, the pack and two provider plugins: seconds, not milliseconds.
    this.timeout(180_000);

    before(function () {
        if (findCli() === undefined) {
            throw new Error("no pulumi CLI of the pinned version: run `npm run engine:build` first (npm test does)");
        }
    });

    for (const testCase of cases) {
        describe(testCase.title, () => {
            let stackFile: string;
            let engine: { code: number; report: EngineReport; stderr: string };
            let gate: StackReport;
            let hashBefore: string;

            before(async () => {
                stackFile = testCase.stackFile();
                hashBefore = sha256(stackFile);
                const result = await engineCli(["--stack-file", stackFile, "--json"]);
                engine = {
                    code: result.code,
                    report: JSON.parse(result.stdout) as EngineReport,
                    stderr: result.stderr,
                };
                gate = await gateFirstDeploy(stackFile);
            });

            it("runs the program to the end under the engine", () => {
                assert.deepEqual(engine.report.errors, []);
                assert.ok(
                    engine.report.resources.some((step) => step.type === "databricks:index/job:Job"),
                    "the engine planned the job",
                );
                assert.ok(
                    engine.report.resources.every((step) => step.op === "create"),
                    "a first deploy only creates",
                );
            });

            const exactly = testCase.mandatory;
            if (exactly !== undefined) {
                it(`ends with ${exactly.length === 0 ? "no mandatory violation" : "exactly its mandatory violations"}`, () => {
                    assert.deepEqual(mandatoryPolicies(engine.report), exactly);
                    assert.equal(engine.code, exactly.length === 0 ? 0 : 1);
                    assert.equal(engine.report.ok, exactly.length === 0);
                });
            } else {
                it("fails with the mandatory violations it was written to break", () => {
                    const found = mandatoryPolicies(engine.report);
                    for (const policy of testCase.mandatoryIncludes ?? []) {
                        assert.ok(found.includes(policy), `${policy} missing from ${found.join(", ")}`);
                    }
                    assert.equal(engine.code, 1);
                    assert.equal(engine.report.ok, false);
                });
            }

            it("gets the same mandatory and advisory verdicts from the offline gate", () => {
                assert.deepEqual(violationSet(gate.violations), violationSet(engine.report.violations));
            });

            it("leaves the stack file as it was", () => {
                assert.equal(sha256(stackFile), hashBefore);
            });
        });
    }

    it("never uses a plugin of the user's ~/.pulumi or PATH, nor a cloud credential of the environment", async () => {
        // A "real" plugin that fails loudly, where the engine would find it without the isolation.
        const home = mkdtempSync(path.join(tmpdir(), "engine-home-"));
        const userBin = mkdtempSync(path.join(tmpdir(), "engine-user-bin-"));
        const pluginDir = path.join(home, ".pulumi", "plugins", "resource-azure-native-v3.28.0");
        mkdirSync(pluginDir, { recursive: true });
        for (const file of [
            path.join(pluginDir, "pulumi-resource-azure-native"),
            path.join(userBin, "pulumi-resource-azure-native"),
            path.join(userBin, "pulumi-resource-databricks"),
        ]) {
            writeFileSync(file, "#!/bin/sh\necho 'USER PLUGIN STARTED' >&2\nexit 1\n");
            chmodSync(file, 0o755);
        }
        const result = await engineCli(["--stack", "dev", "--json"], {
            HOME: home,
            // The build cache stays where engine:build put it.
            XDG_CACHE_HOME: process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"),
            PATH: `${process.env.PATH}:${userBin}`,
            PULUMI_HOME: path.join(home, ".pulumi"),
            // The stand-ins refuse to start with any of these, so a passing preview shows they were removed.
            ARM_CLIENT_SECRET: "not-a-real-secret",
            AZURE_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
            DATABRICKS_TOKEN: "dapi-not-a-real-token",
        });
        assert.doesNotMatch(result.stderr, /USER PLUGIN STARTED/);
        assert.doesNotMatch(result.stderr + result.stdout, /not-a-real-secret|dapi-not-a-real-token/);
        assert.equal(result.code, 0, result.stderr.slice(-2000));
        assert.equal((JSON.parse(result.stdout) as EngineReport).ok, true);
    });

    it("reports a program that crashes under the engine as such, apart from policy failures", async () => {
        const project = mkdtempSync(path.join(tmpdir(), "engine-crash-"));
        copyFileSync(path.join(root, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
        copyFileSync(path.join(root, "Pulumi.dev.yaml"), path.join(project, "Pulumi.dev.yaml"));
        writeFileSync(path.join(project, "index.ts"), 'throw new Error("the program broke on purpose");\n');
        const script = [
            `import { enginePreview } from ${JSON.stringify(path.join(root, "src", "engine", "enginePreview"))};`,
            `enginePreview({ stack: "dev", projectDir: ${JSON.stringify(project)}, onOutput: () => undefined })`,
            "    .then((verdict) => console.log(JSON.stringify(verdict)));",
        ].join("\n");
        const file = path.join(project, "run.ts");
        writeFileSync(file, script);
        const { stdout } = await run("npx", ["tsx", file], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
        const verdict = JSON.parse(stdout) as { outcome: string; errors: string[] };
        assert.equal(verdict.outcome, "crashed");
        assert.ok(
            verdict.errors.some((error) => error.includes("the program broke on purpose")),
            verdict.errors.join("\n"),
        );
    });

    it("exits 4 saying what to install when no CLI can be found or built", async () => {
        // No pulumi and no Go on the PATH (node stays, to run the tool), and an empty build cache.
        const result = await engineCli(["--stack", "dev"], {
            PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
            XDG_CACHE_HOME: mkdtempSync(path.join(tmpdir(), "engine-no-cache-")),
        });
        assert.equal(result.code, 4, result.stderr);
        assert.match(result.stderr, /needs Go 1\.26\.6 or later, and no "go" is on the PATH: install it/);
    });

    it("exits 2 naming the stack for an unknown stack, before starting the engine", async () => {
        const result = await engineCli(["--stack", "nosuchstack"]);
        assert.equal(result.code, 2);
        assert.match(
            result.stderr,
            /unknown stack "nosuchstack": there is no Pulumi\.nosuchstack\.yaml \(stacks: dev, prod\)/,
        );
    });

    it("exits 2 for a bad flag, listing the allowed ones", async () => {
        const result = await engineCli(["--stack", "dev", "--mode", "update"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /Unknown option '--mode'/);
        assert.match(result.stderr, /allowed flags: --stack, --stack-file, --policy-config, --json, --help/);
    });
});
