// Command-line plumbing shared by every lakestream tool: argument parsing, exit codes and error reporting.
import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * Exit codes used by every tool: 0 ok, 1 the check or the work failed, 2 bad input (flags, files, config), 3 a network
 * tool's --timeout passed before the work was done, 4 the real Pulumi engine could not run (the program crashed under
 * it, or its CLI could not be built).
 */
export const ExitCode = { ok: 0, failed: 1, badInput: 2, timedOut: 3, engineFailed: 4 } as const;

/** An error caused by what the user gave us (a flag, a file, a config value); the tools exit 2 on it. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `argv` strictly: an unknown flag, a missing value or a stray positional argument becomes a
 * UsageError that names the flag and lists the allowed ones.
 */
export function parseFlags<T extends Options>(argv: string[], options: T, usage: string) {
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
    } catch (error) {
        const allowed = Object.keys(options)
            .map((name) => `--${name}`)
            .join(", ");
        throw new UsageError(`${(error as Error).message}\nallowed flags: ${allowed}\n\n${usage}`);
    }
}

/** The flag every tool takes last: print the usage and exit 0. */
const helpFlag = { help: { type: "boolean" } } as const;

/** The flags a tool's command line parses to: its own options and --help. */
export type CommandLineFlags<T extends Options> = ReturnType<
    typeof parseArgs<{ args: string[]; options: T & typeof helpFlag; strict: true; allowPositionals: false }>
>["values"];

/**
 * The preamble of every tool: parses `argv` strictly (parseFlags) with --help added as the last allowed flag. On
 * --help it writes the usage with `print` and returns undefined, and the tool exits 0; otherwise the flags.
 */
export function parseCommandLine<T extends Options>(
    argv: string[],
    options: T,
    usage: string,
    print: (text: string) => void = (text) => console.log(text),
): CommandLineFlags<T> | undefined {
    const flags = parseFlags(argv, { ...options, ...helpFlag }, usage);
    if ((flags as { help?: boolean }).help) {
        print(usage);
        return undefined;
    }
    return flags as CommandLineFlags<T>;
}

/** Runs a tool from the process's command line: the preamble, then `main` with the flags; runMain sets the exit code. */
export function runTool<T extends Options>(
    usage: string,
    options: T,
    main: (flags: CommandLineFlags<T>) => Promise<number>,
): void {
    runMain(async () => {
        const flags = parseCommandLine(process.argv.slice(2), options, usage);
        return flags === undefined ? ExitCode.ok : main(flags);
    });
}

/** --stack and --stack-file: how the offline tools are told which stack to work on, first among their flags. */
export const stackFlags = { stack: { type: "string" }, "stack-file": { type: "string" } } as const;

/** Parses a flag value as a number within [min, max]; the message names the flag and the allowed range. */
export function numberFlag(
    flag: string,
    raw: string | undefined,
    { min, max, integer }: { min: number; max: number; integer?: boolean },
): number | undefined {
    if (raw === undefined) {
        return undefined;
    }
    const value = Number(raw);
    const kind = integer ? "an integer" : "a number";
    if (raw.trim() === "" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
        throw new UsageError(`--${flag} must be ${kind} between ${min} and ${max} (got "${raw}")`);
    }
    if (value < min || value > max) {
        throw new UsageError(`--${flag} must be ${kind} between ${min} and ${max} (got ${raw})`);
    }
    return value;
}

/** How long a finished tool waits for open connections to close before it exits anyway. */
const exitGraceMs = 3000;

/**
 * Runs a tool's main function and turns its outcome into an exit code: a UsageError prints its message and
 * exits 2; a DeadlineExceeded (an error named so) exits 3; any other error prints and exits 1; otherwise the
 * returned code is used. A connection that never answered can keep Node's event loop alive after the tool is done:
 * the process then exits anyway after a short grace.
 */
export function runMain(main: () => Promise<number>): void {
    const finish = (code: number): void => {
        process.exitCode = code;
        // After a timeout, the connections left are the ones that stopped answering: no point waiting for them.
        setTimeout(() => process.exit(code), code === ExitCode.timedOut ? 500 : exitGraceMs).unref();
    };
    main().then(finish, (error: unknown) => {
        console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
        if (error instanceof UsageError) {
            finish(ExitCode.badInput);
        } else if (error instanceof Error && error.name === "DeadlineExceeded") {
            finish(ExitCode.timedOut);
        } else {
            finish(ExitCode.failed);
        }
    });
}
