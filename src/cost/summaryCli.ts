// `npm run cost:summary -- --gate-dir DIR [--base FILE]`: the pull request's job summary, in markdown, from the gate's reports.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ExitCode, runTool, UsageError } from "../shared/cli";
import { prSummaryMarkdown, type GateSummary } from "./format";
import type { StackCost } from "./stackCost";

const usage = `usage: npm run cost:summary -- --gate-dir DIR [--base FILE]

Writes, as markdown on stdout, each stack's gate verdict and cost table from DIR/<stack>.json (the reports of
npm run check -- --stack NAME --json), and the change in cost against FILE (npm run cost -- --json run on a checkout
of the base branch). Exit codes: 0 ok, 2 bad input (missing directory, unreadable base file, bad flag).`;

function readJson(file: string): unknown {
    try {
        return JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
    }
}

/** A stack's gate report; a file the gate could not write (bad input) becomes a "bad input" row, not a failure here. */
function gateSummary(file: string): GateSummary {
    const stack = path.basename(file, ".json");
    let report: Partial<GateSummary> & { violations?: GateSummary["violations"] };
    try {
        report = JSON.parse(readFileSync(file, "utf8")) as typeof report;
    } catch {
        return {
            stack,
            ok: false,
            error: `no gate report for ${stack} (the gate stopped on bad input)`,
            violations: [],
        };
    }
    return {
        stack,
        ok: report.ok === true,
        violations: report.violations ?? [],
        cost: report.cost,
        error: report.error,
    };
}

runTool(usage, { "gate-dir": { type: "string" }, base: { type: "string" } }, async (flags) => {
    const dir = flags["gate-dir"];
    if (dir === undefined || !existsSync(dir)) {
        throw new UsageError(`--gate-dir must name the folder of gate reports (got ${dir ?? "nothing"})\n\n${usage}`);
    }
    const files = readdirSync(dir)
        .filter((file) => file.endsWith(".json"))
        .sort()
        .map((file) => path.join(dir, file));
    let base: StackCost[] | undefined;
    if (flags.base !== undefined) {
        const document = readJson(flags.base) as { stacks?: StackCost[] };
        if (!Array.isArray(document.stacks)) {
            throw new UsageError(`${flags.base} must be the output of npm run cost -- --json ({"stacks": [...]})`);
        }
        base = document.stacks;
    }
    process.stdout.write(prSummaryMarkdown(files.map(gateSummary), base));
    return ExitCode.ok;
});
