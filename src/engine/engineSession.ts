// One offline engine session: a scratch folder with its own Pulumi home, file backend and stand-in state, for several operations.
import {
    chmodSync,
    copyFileSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readFileSync,
    rmSync,
    writeFileSync,
} from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { credentialVariable } from "./credentials";
import { cacheRoot, type CliLocation } from "./pulumiCli";
import type { ServiceData } from "./standins/stateFile";

export const repositoryRoot = path.resolve(__dirname, "..", "..");

/**
 * How long each create, update and delete of a stand-in takes in a session: enough that the engine's parallel steps
 * end in dependency order, as real API calls of hundreds of milliseconds do, and little enough to keep a stack's `up`
 * within seconds.
 */
export const serviceLatencyMs = 100;

/**
 * Steps the engine may run at once in `up` and `destroy`: more than a stack has resources, so that every step its
 * dependencies allow starts at once. That is the most demanding schedule (the CLI's default, 4 per CPU, lets a busy
 * step queue behind others by chance): an order the dependencies do not enforce shows up on every run.
 */
export const engineParallelism = 256;

/** One resource step the engine planned or took. */
export interface EngineStep {
    op: string;
    urn: string;
    type: string;
}

/**
 * The environment the engine runs in: the caller's, less every cloud credential, with a private PULUMI_HOME (a real
 * plugin installed in ~/.pulumi is never found), a file backend in a temporary folder, the stand-ins first on the PATH
 * (the engine looks for `pulumi-resource-<name>` on the PATH before any plugin folder) and plugin downloads off.
 */
export function engineEnvironment(
    base: NodeJS.ProcessEnv,
    dirs: { home: string; state: string; bin: string; standinState?: string },
    stack: string,
): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(base)) {
        if (!credentialVariable.test(key) && !key.startsWith("PULUMI_") && !key.startsWith("LAKESTREAM_STANDIN_")) {
            env[key] = value;
        }
    }
    return {
        ...env,
        PATH: [dirs.bin, base.PATH ?? ""].join(path.delimiter),
        PULUMI_HOME: dirs.home,
        PULUMI_BACKEND_URL: `file://${dirs.state}`,
        // The stack only lives for this session; its secrets provider needs a passphrase, not a secret one.
        PULUMI_CONFIG_PASSPHRASE: "lakestream-offline-preview",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        LAKESTREAM_STANDIN_STACK: stack,
        LAKESTREAM_SHAPE_CACHE_DIR: cacheRoot(base),
        // What the stand-ins have created, shared by their processes for the whole session.
        ...(dirs.standinState !== undefined
            ? { LAKESTREAM_STANDIN_STATE: dirs.standinState, LAKESTREAM_STANDIN_LATENCY_MS: String(serviceLatencyMs) }
            : {}),
    };
}

function writeExecutable(file: string, lines: string[]): void {
    writeFileSync(file, `${lines.join("\n")}\n`);
    chmodSync(file, 0o755);
}

/** The stand-in provider plugins and the policy pack launcher, as executables in `bin`. */
function writeLaunchers(bin: string): { policyPack: string } {
    const node = process.execPath;
    const tsx = require.resolve("tsx/cjs");
    const standin = path.join(repositoryRoot, "src", "engine", "standins", "main.ts");
    for (const provider of ["azure-native", "databricks"]) {
        writeExecutable(path.join(bin, `pulumi-resource-${provider}`), [
            "#!/bin/sh",
            `# Offline stand-in for the ${provider} provider plugin (src/engine/standins).`,
            `exec "${node}" --require "${tsx}" "${standin}" ${provider} "$@"`,
        ]);
    }
    // Since CLI v3.255 an executable given as --policy-pack is started directly, with the engine's address as its
    // last argument; the pack's own entry point then serves the analyzer, as under `pulumi preview --policy-pack`.
    const policyPack = path.join(bin, "lakestream-policy-pack");
    writeExecutable(policyPack, [
        "#!/bin/sh",
        "# The lakestream policy pack (policies/index.ts), loaded without the Node language host.",
        `cd "${path.join(repositoryRoot, "policies")}" && exec "${node}" --require "${tsx}" index.ts "$@"`,
    ]);
    return { policyPack };
}

export interface EngineSessionOptions {
    stack: string;
    /** The stack's settings file, already validated by the caller. */
    stackFile: string;
    /** The folder of the program (index.ts, Pulumi.yaml). Defaults to this repository. */
    projectDir?: string;
    cli: CliLocation;
    /** Receives the engine's own output. Defaults to stderr, so that --json on stdout stays clean. */
    onOutput?: (text: string) => void;
}

/** What one operation did: its steps, its error diagnostics, and whether the engine finished it. */
export interface OperationResult {
    ok: boolean;
    steps: EngineStep[];
    /** Each operation's count of steps, by kind ("create", "same", "delete", "import", ...). */
    changes: Record<string, number>;
    errors: string[];
    /**
     * The errors the engine reported on the stack itself rather than on a resource: the program crashed (an unhandled
     * exception), as opposed to a provider refusing a step.
     */
    programErrors: string[];
    /** The error the operation ended with, when it did not finish. */
    failure?: string;
    seconds: number;
}

/** A resource of the engine's state, as `pulumi stack export` writes it. */
export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    custom: boolean;
    retainOnDelete?: boolean;
}

/**
 * The engine with a scratch folder that outlives one operation: preview, up, destroy and state export of one stack
 * share its file backend and the stand-ins' state. Close it to delete the folder.
 */
export class EngineSession {
    readonly scratch: string;
    readonly policyPack: string;
    private readonly dirs: { home: string; state: string; bin: string; work: string; standinState: string };
    private programPath: string;
    private stackHandle?: Stack;

    constructor(private readonly options: EngineSessionOptions) {
        this.scratch = mkdtempSync(path.join(os.tmpdir(), "lakestream-engine-"));
        const dirs = {
            home: path.join(this.scratch, "pulumi-home"),
            state: path.join(this.scratch, "state"),
            bin: path.join(this.scratch, "bin"),
            work: path.join(this.scratch, "project"),
        };
        for (const dir of Object.values(dirs)) {
            mkdirSync(dir, { recursive: true });
        }
        this.dirs = { ...dirs, standinState: path.join(this.scratch, "standin-state.json") };
        this.policyPack = writeLaunchers(dirs.bin).policyPack;
        this.programPath = "";
        this.useProgram(options.projectDir ?? repositoryRoot, options.stackFile);
    }

    /**
     * Runs the next operations with the program of another folder (an earlier version of this one), over the same
     * state. The engine validates the stack's config against Pulumi.yaml's schema and rewrites the stack file it is
     * given: it gets copies, never the repository's files; config set in the session before is replaced.
     */
    useProgram(projectDir: string, stackFile: string): void {
        copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(this.dirs.work, "Pulumi.yaml"));
        copyFileSync(stackFile, path.join(this.dirs.work, `Pulumi.${this.options.stack}.yaml`));
        this.programPath = require.resolve(path.join(projectDir, "index.ts"));
    }

    /** Runs work with the engine's environment as this process's own: the Automation API passes it to the CLI. */
    private async isolated<T>(work: () => Promise<T>): Promise<T> {
        const saved = process.env;
        process.env = engineEnvironment(saved, this.dirs, this.options.stack);
        try {
            return await work();
        } finally {
            process.env = saved;
        }
    }

    private async stack(): Promise<Stack> {
        if (this.stackHandle === undefined) {
            const cli = this.options.cli;
            this.stackHandle = await this.isolated(async () =>
                LocalWorkspace.createOrSelectStack(
                    {
                        stackName: this.options.stack,
                        projectName: "lakestream",
                        program: async () => {
                            // The program of the folder in use now, evaluated afresh for each operation.
                            delete require.cache[this.programPath];
                            // eslint-disable-next-line @typescript-eslint/no-require-imports
                            return require(this.programPath) as Record<string, unknown>;
                        },
                    },
                    {
                        workDir: this.dirs.work,
                        pulumiHome: this.dirs.home,
                        pulumiCommand: await PulumiCommand.get({ root: cli.root, skipVersionCheck: true }),
                    },
                ),
            );
        }
        return this.stackHandle;
    }

    /** Sets a config value in the session's copy of the stack file (`lakestream:adoptData`, ...). */
    async setConfig(key: string, value: string): Promise<void> {
        const stack = await this.stack();
        await this.isolated(() => stack.setConfig(key, { value }));
    }

    private collector(onEvent?: (event: EngineEvent) => void) {
        const steps: EngineStep[] = [];
        const errors: string[] = [];
        const programErrors: string[] = [];
        return {
            steps,
            errors,
            programErrors,
            onOutput: this.options.onOutput ?? ((text: string) => process.stderr.write(text)),
            onEvent: (event: EngineEvent) => {
                onEvent?.(event);
                const step = event.resourcePreEvent?.metadata;
                if (step) {
                    steps.push({ op: step.op, urn: step.urn, type: step.type });
                }
                const diagnostic = event.diagnosticEvent;
                if (diagnostic?.severity === "error") {
                    const message = diagnostic.message.trim();
                    errors.push(message);
                    const onStack = diagnostic.urn === undefined || diagnostic.urn.includes("::pulumi:pulumi:Stack::");
                    if (onStack && !/^(update|destroy|preview) failed$/.test(message)) {
                        programErrors.push(message);
                    }
                }
            },
        };
    }

    private async run(
        operation: (stack: Stack, events: ReturnType<EngineSession["collector"]>) => Promise<unknown>,
        onEvent?: (event: EngineEvent) => void,
    ): Promise<OperationResult> {
        const started = Date.now();
        const stack = await this.stack();
        const events = this.collector(onEvent);
        let failure: string | undefined;
        try {
            await this.isolated(() => operation(stack, events));
        } catch (error) {
            failure = (error as Error).message.trim();
        }
        const changes: Record<string, number> = {};
        for (const step of events.steps) {
            // The stack's own resource is the engine's, not the program's.
            if (step.type !== "pulumi:pulumi:Stack") {
                changes[step.op] = (changes[step.op] ?? 0) + 1;
            }
        }
        return {
            ok: failure === undefined,
            steps: events.steps,
            changes,
            errors: events.errors,
            programErrors: events.programErrors,
            ...(failure !== undefined ? { failure } : {}),
            seconds: (Date.now() - started) / 1000,
        };
    }

    /** The engine's preview, optionally with policy packs and their configs. */
    preview(
        options: { policyPacks?: string[]; policyPackConfigs?: string[] } = {},
        onEvent?: (event: EngineEvent) => void,
    ): Promise<OperationResult> {
        return this.run(
            (stack, events) =>
                stack.preview({
                    ...options,
                    color: "never",
                    onOutput: events.onOutput,
                    onEvent: events.onEvent,
                }),
            onEvent,
        );
    }

    /** `pulumi up`: the stand-ins create, import, update and delete for real, in their session state. */
    up(): Promise<OperationResult> {
        return this.run((stack, events) =>
            stack.up({
                color: "never",
                parallel: engineParallelism,
                onOutput: events.onOutput,
                onEvent: events.onEvent,
            }),
        );
    }

    /** `pulumi destroy`, in the order the engine decides from the dependencies. */
    destroy(): Promise<OperationResult> {
        return this.run((stack, events) =>
            stack.destroy({
                color: "never",
                parallel: engineParallelism,
                onOutput: events.onOutput,
                onEvent: events.onEvent,
            }),
        );
    }

    /** The engine's state of the stack, as `pulumi stack export`. */
    async exportState(): Promise<StateResource[]> {
        const stack = await this.stack();
        const deployment = await this.isolated(() => stack.exportStack());
        return ((deployment.deployment as { resources?: StateResource[] }).resources ?? []).map((resource) => ({
            urn: resource.urn,
            type: resource.type,
            id: resource.id,
            custom: resource.custom,
            retainOnDelete: resource.retainOnDelete,
        }));
    }

    /** What the stand-ins hold now: the services' side, independent of the engine's state. */
    standinState(): ServiceData {
        if (!existsSync(this.dirs.standinState)) {
            return { resources: [], catalogBindings: {}, creations: {} };
        }
        return JSON.parse(readFileSync(this.dirs.standinState, "utf8")) as ServiceData;
    }

    close(): void {
        rmSync(this.scratch, { recursive: true, force: true });
    }
}
