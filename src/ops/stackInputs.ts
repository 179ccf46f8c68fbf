// Loads a deployed stack's outputs for the operational tools, from the Pulumi CLI or from a saved outputs file.
import { readFile } from "node:fs/promises";
import { UsageError } from "../shared/cli";
import { readStackOutputs, type CommandRunner, type LakestreamStackOutputs } from "../shared/stackOutputs";

export interface LoadedOutputs {
    /** The stack name, or the outputs file when no stack was named; used in messages. */
    label: string;
    outputs: Partial<LakestreamStackOutputs>;
}

// Pulumi stack names: letters, digits, `-`, `_`, `.`, optionally qualified as org/project/stack.
const stackNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.-]+){0,2}$/;

/** --stack and --outputs-file: how the operational tools are told whose outputs to read, first among their flags. */
export const stackOutputsFlags = { stack: { type: "string" }, "outputs-file": { type: "string" } } as const;

/**
 * Returns the outputs from `--outputs-file` (what `pulumi stack output --json --show-secrets` prints) when given,
 * otherwise from the Pulumi CLI for `--stack`. One of the two is required.
 */
export async function loadStackOutputs(
    flags: { stack?: string; "outputs-file"?: string },
    run?: CommandRunner,
): Promise<LoadedOutputs> {
    const stack = flags.stack;
    const file = flags["outputs-file"];
    if (stack !== undefined && !stackNamePattern.test(stack)) {
        throw new UsageError(
            `--stack must be a Pulumi stack name such as "dev" or "org/lakestream/dev" (got "${stack}")`,
        );
    }
    if (file !== undefined) {
        let text: string;
        try {
            text = await readFile(file, "utf8");
        } catch (error) {
            throw new UsageError(`--outputs-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code})`);
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(text);
        } catch {
            throw new UsageError(
                `--outputs-file ${file}: not JSON; write it with "pulumi stack output --json --show-secrets > ${file}"`,
            );
        }
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
            throw new UsageError(`--outputs-file ${file}: expected a JSON object of stack outputs`);
        }
        return { label: stack ?? file, outputs: parsed as Partial<LakestreamStackOutputs> };
    }
    if (stack === undefined) {
        throw new UsageError("--stack NAME is required (or --outputs-file FILE with the stack outputs as JSON)");
    }
    return { label: stack, outputs: await readStackOutputs(stack, run) };
}

/** Returns output `jobId` as the integer the Jobs API expects; the Pulumi resource id is a string. */
export function parseJobId(raw: string, stackLabel: string): number {
    const text = String(raw).trim();
    if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
        throw new UsageError(`output "jobId" of stack "${stackLabel}" is not a Databricks job id (got "${raw}")`);
    }
    return Number(text);
}
