// `npm run preview:engine -- [--stack NAME | --stack-file PATH] [--policy-config FILE] [--json]`: the real engine's preview.
import { weakenedReport } from "../gate/gate";
import { listStacks, namedStack } from "../plan/runPlan";
import { ExitCode, runTool, stackFlags, UsageError } from "../shared/cli";
import { enginePreview, type EngineVerdict } from "./enginePreview";
import { ensureCli, EngineUnavailable } from "./pulumiCli";

const usage = `usage: npm run preview:engine -- [--stack NAME | --stack-file PATH/Pulumi.NAME.yaml] [--policy-config FILE] [--json]

Runs the real Pulumi engine's preview of a stack from an empty state (a first deploy), offline: the pinned pulumi CLI
(a pulumi of that version on the PATH, else built once from the Go module proxy and cached), the program run inline
through the Automation API, the policy pack loaded by the engine with policies/config/<stack>.json (or
--policy-config FILE, or the pack's defaults), and offline stand-ins for the azure-native and databricks providers.
No credentials are used: cloud credential variables are removed from the engine's environment.
Without --stack or --stack-file, previews every Pulumi.<stack>.yaml of the project. The engine's own output goes to
stderr; the verdict to stdout (--json: the gate's verdict fields, per stack).
Exit codes: 0 no mandatory violation, 1 a mandatory violation (or a mandatory policy disabled without a waiver),
2 bad input (unknown stack, invalid config, bad flag), 4 the engine could not run (the program crashed under it, or
the CLI could not be built).`;

/** The verdict in the shape of the gate's `--json` report, so one reader serves both. */
export function verdictJson(verdict: EngineVerdict) {
    return {
        stack: verdict.stack,
        engine: `pulumi v${verdict.cliVersion}`,
        mode: "first-deploy",
        policyPack: verdict.policyPack,
        policyConfig: verdict.policyConfig,
        resources: verdict.steps,
        violations: verdict.violations,
        ...weakenedReport(verdict.weakened, verdict.unwaived),
        errors: verdict.errors,
        ok: verdict.outcome === "passed",
        seconds: verdict.seconds,
    };
}

function summaryLine(verdict: EngineVerdict): string {
    const mandatory = verdict.violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
    const advisory = verdict.violations.length - mandatory;
    const mark = { passed: "✅", failed: "❌", crashed: "⛔" }[verdict.outcome];
    const what =
        verdict.outcome === "crashed"
            ? `the preview did not run: ${verdict.errors[0]?.split("\n")[0] ?? "unknown error"}`
            : `${verdict.steps.length} resources, ${mandatory} mandatory, ${advisory} advisory`;
    return `    ${mark} ${verdict.stack.padEnd(12)} ${what} (pulumi v${verdict.cliVersion}, ${verdict.seconds.toFixed(1)} s, config: ${verdict.policyConfig})`;
}

function formatVerdict(verdict: EngineVerdict): string {
    const lines = [`${verdict.stack}: real engine, first deploy, ${verdict.policyPack}`];
    const levels = { mandatory: 0, advisory: 1 };
    for (const violation of [...verdict.violations].sort(
        (a, b) => levels[a.enforcementLevel] - levels[b.enforcementLevel],
    )) {
        lines.push(
            `    - [${violation.enforcementLevel}] ${violation.policy}${violation.urn ? `  (${violation.urn})` : ""}`,
        );
    }
    for (const policy of verdict.unwaived) {
        lines.push(`    - ${policy} is disabled without a waiver in ${verdict.policyConfig}`);
    }
    for (const error of verdict.errors) {
        lines.push(`    error: ${error.split("\n")[0]}`);
    }
    return lines.join("\n");
}

const exitCodes: Record<EngineVerdict["outcome"], number> = {
    passed: ExitCode.ok,
    failed: ExitCode.failed,
    crashed: ExitCode.engineFailed,
};

runTool(usage, { ...stackFlags, "policy-config": { type: "string" }, json: { type: "boolean" } }, async (flags) => {
    const stackFile = flags["stack-file"];
    if (flags.stack !== undefined && stackFile !== undefined) {
        throw new UsageError(`give --stack or --stack-file, not both\n\n${usage}`);
    }
    const named = namedStack(flags);
    const stacks = named !== undefined ? [named] : listStacks();
    if (stacks.length === 0) {
        throw new UsageError("no Pulumi.<stack>.yaml in the project");
    }
    let cli;
    try {
        cli = await ensureCli();
    } catch (error) {
        if (error instanceof EngineUnavailable) {
            console.error(`error: ${error.message}`);
            return ExitCode.engineFailed;
        }
        throw error;
    }
    const verdicts: EngineVerdict[] = [];
    for (const stack of stacks) {
        const verdict = await enginePreview({ stack, stackFile, policyConfig: flags["policy-config"], cli });
        verdicts.push(verdict);
        if (!flags.json) {
            console.log(formatVerdict(verdict));
        }
    }
    if (flags.json) {
        const reports = verdicts.map(verdictJson);
        const ok = reports.every((report) => report.ok);
        console.log(JSON.stringify(named !== undefined ? reports[0] : { stacks: reports, ok }, null, 2));
    } else {
        console.log(["Summary (real engine, first deploy):", ...verdicts.map(summaryLine)].join("\n"));
    }
    // The worst outcome decides: a crash hides what the policies would have said.
    const worst = verdicts.some((verdict) => verdict.outcome === "crashed")
        ? "crashed"
        : verdicts.some((verdict) => verdict.outcome === "failed")
          ? "failed"
          : "passed";
    return exitCodes[worst];
});
