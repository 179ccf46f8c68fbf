// Spawns an operational tool the way `npm run` does (tsx), with an environment the test controls completely.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface CliResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const tsxCli = require.resolve("tsx/cli");

/**
 * Runs `src/ops/<tool>Cli.ts` with `args`. The environment holds only `env` plus a PATH without the Azure or Pulumi
 * CLIs, so nothing from the machine running the tests (a login, a token) can change the outcome.
 */
export function runCli(tool: "stop" | "status", args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    const emptyBin = mkdtempSync(path.join(tmpdir(), "lakestream-ops-bin-"));
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [tsxCli, path.join(repoRoot, "src", "ops", `${tool}Cli.ts`), ...args],
            { cwd: repoRoot, env: { PATH: emptyBin, HOME: emptyBin, ...env }, timeout: 60_000 },
            (error, stdout, stderr) => {
                const code = error ? ((error as { code?: number | null }).code ?? null) : 0;
                resolve({ code: typeof code === "number" ? code : null, stdout, stderr });
            },
        );
    });
}

/** Writes `outputs` as `pulumi stack output --json --show-secrets` would, and returns the file's path. */
export function writeOutputsFile(outputs: Record<string, unknown>): string {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "lakestream-ops-outputs-")), "outputs.json");
    writeFileSync(file, JSON.stringify(outputs, null, 2));
    return file;
}
