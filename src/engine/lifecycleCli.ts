// `npm run lifecycle:engine -- [--stack NAME] [--json]`: each stack's up, up again, destroy, adoption and upgrade under the real engine.
import { listStacks } from "../plan/runPlan";
import { ExitCode, runTool, UsageError } from "../shared/cli";
import {
    extractProgram,
    LifecycleUnavailable,
    removeProgram,
    runLifecycle,
    runUpgrade,
    upgradeBaseline,
    type LifecycleReport,
} from "./lifecycle";
import { ensureCli, EngineUnavailable } from "./pulumiCli";

const usage = `usage: npm run lifecycle:engine -- [--stack NAME] [--json]

Runs each stack's life under the real Pulumi engine, offline, against stand-in providers that keep what they create
for the session and refuse what the services refuse (src/engine/standins):
  lifecycle: up -> up again (every step "same") -> destroy (nothing left in the stand-ins but the resources the
             engine's state marked retainOnDelete) -> for a stack that keeps its data: up with lakestream:adoptData
             (each retained resource imported) -> up again (every step "same");
  upgrade:   up with the program of commit ${upgradeBaseline} -> up with this version (the catalog's workspace binding
             neither deleted nor replaced) -> destroy.
Without --stack, every Pulumi.<stack>.yaml of the project. The engine's output goes to stderr; the report to stdout
(--json: { stacks: [{ stack, run, phases: [{ phase, ok, changes, updated, problems, crashed,
seconds }], ok, seconds }], ok,
seconds }).
Exit codes: 0 every check passed, 1 a lifecycle check failed (an operation failed, or its result was not the expected
one), 2 bad input (unknown stack, invalid config, bad flag), 4 the engine could not run (no CLI, the baseline commit
is not in the clone, or the program crashed under the engine).`;

function formatReport(report: LifecycleReport): string {
    const lines = [`${report.ok ? "✅" : "❌"} ${report.stack} ${report.run} (${report.seconds.toFixed(1)} s)`];
    for (const phase of report.phases) {
        const changes = Object.entries(phase.changes)
            .map(([op, count]) => `${count} ${op}`)
            .join(", ");
        lines.push(
            `    ${phase.ok ? "ok  " : "FAIL"} ${phase.phase.padEnd(26)} ${phase.seconds.toFixed(1).padStart(5)} s  ${changes}`,
        );
        for (const updated of phase.updated) {
            lines.push(`         ${updated}`);
        }
        for (const problem of phase.problems) {
            lines.push(`         ${problem.split("\n").join("\n         ")}`);
        }
    }
    if (report.phases.length === 0) {
        lines.push(`    (no Pulumi.${report.stack}.yaml at ${upgradeBaseline}: nothing to upgrade from)`);
    }
    return lines.join("\n");
}

runTool(usage, { stack: { type: "string" }, json: { type: "boolean" } }, async (flags) => {
    const started = Date.now();
    const known = listStacks();
    if (flags.stack !== undefined && !known.includes(flags.stack)) {
        throw new UsageError(
            `unknown stack "${flags.stack}": there is no Pulumi.${flags.stack}.yaml (stacks: ${known.join(", ")})`,
        );
    }
    const stacks = flags.stack !== undefined ? [flags.stack] : known;
    let cli;
    let baselineDir: string | undefined;
    try {
        cli = await ensureCli();
        baselineDir = extractProgram(upgradeBaseline);
    } catch (error) {
        if (error instanceof EngineUnavailable || error instanceof LifecycleUnavailable) {
            console.error(`error: ${error.message}`);
            return ExitCode.engineFailed;
        }
        throw error;
    }
    const reports: LifecycleReport[] = [];
    try {
        for (const stack of stacks) {
            for (const run of [
                runLifecycle,
                (options: Parameters<typeof runLifecycle>[0]) => runUpgrade(options, baselineDir),
            ]) {
                const report = await run({ stack, cli });
                reports.push(report);
                if (!flags.json) {
                    console.log(formatReport(report));
                }
            }
        }
    } finally {
        removeProgram(baselineDir);
    }
    const ok = reports.every((report) => report.ok);
    const seconds = (Date.now() - started) / 1000;
    if (flags.json) {
        console.log(JSON.stringify({ stacks: reports, ok, seconds }, null, 2));
    } else {
        console.log(`lifecycle of ${stacks.join(", ")}: ${ok ? "passed" : "FAILED"} in ${seconds.toFixed(1)} s`);
    }
    // A crash of the program hides what the lifecycle would have shown.
    const crashed = reports.some((report) => report.phases.some((phase) => phase.crashed));
    return crashed ? ExitCode.engineFailed : ok ? ExitCode.ok : ExitCode.failed;
});
