// The real Pulumi engine's preview of a stack from an empty state, offline: the program inline, the pack as an executable.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type EngineEvent } from "@pulumi/pulumi/automation";
import { readStackSettings } from "../plan/runPlan";
import { policyConfigFor } from "../gate/gate";
import { PolicyAnalyzer, type PackInfo } from "../gate/analyzer";
import { unwaivedDisabled, weakenedPolicies, type WeakenedPolicy } from "../gate/policyConfig";
import { credentialVariable } from "./credentials";
import { cacheRoot, ensureCli, type CliLocation } from "./pulumiCli";

const repositoryRoot = path.resolve(__dirname, "..", "..");

/** One resource step the engine planned. */
export interface EngineStep {
    op: string;
    urn: string;
    type: string;
}

/** A policy violation as the engine reported it. */
export interface EngineViolation {
    policy: string;
    enforcementLevel: "mandatory" | "advisory";
    /** The resource it is about; the stack's own resource for a stack policy that names none. */
    urn: string;
    message: string;
}

/** The engine's verdict for one stack. */
export interface EngineVerdict {
    stack: string;
    cliVersion: string;
    policyPack: string;
    policyConfig: string;
    steps: EngineStep[];
    violations: EngineViolation[];
    weakened: WeakenedPolicy[];
    unwaived: string[];
    /** The engine's error diagnostics when the preview failed for another reason than a policy (a program crash). */
    errors: string[];
    /** "passed", "failed" (a mandatory violation) or "crashed" (the program or the engine failed). */
    outcome: "passed" | "failed" | "crashed";
    seconds: number;
}

export interface EnginePreviewOptions {
    stack: string;
    stackFile?: string;
    policyConfig?: string;
    projectDir?: string;
    /** Receives the engine's own output, line by line. Defaults to stderr, so that --json on stdout stays clean. */
    onOutput?: (text: string) => void;
    /** The CLI to use; found or built on first need when absent. */
    cli?: CliLocation;
}

/**
 * The environment the engine runs in: the caller's, less every cloud credential, with a private PULUMI_HOME (a real
 * plugin installed in ~/.pulumi is never found), a file backend in a temporary folder, the stand-ins first on the PATH
 * (the engine looks for `pulumi-resource-<name>` on the PATH before any plugin folder) and plugin downloads off.
 */
export function engineEnvironment(
    base: NodeJS.ProcessEnv,
    dirs: { home: string; state: string; bin: string },
    stack: string,
): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(base)) {
        if (!credentialVariable.test(key) && !key.startsWith("PULUMI_")) {
            env[key] = value;
        }
    }
    return {
        ...env,
        PATH: [dirs.bin, base.PATH ?? ""].join(path.delimiter),
        PULUMI_HOME: dirs.home,
        PULUMI_BACKEND_URL: `file://${dirs.state}`,
        // The stack only lives for this preview; its secrets provider needs a passphrase, not a secret one.
        PULUMI_CONFIG_PASSPHRASE: "lakestream-offline-preview",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        LAKESTREAM_STANDIN_STACK: stack,
        LAKESTREAM_SHAPE_CACHE_DIR: cacheRoot(base),
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

function eventViolation(event: EngineEvent): EngineViolation | undefined {
    const policy = event.policyEvent;
    if (policy === undefined) {
        return undefined;
    }
    return {
        policy: policy.policyName,
        enforcementLevel: policy.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
        urn: policy.resourceUrn ?? "",
        message: policy.message.trim(),
    };
}

/** Runs the engine's preview of one stack from an empty state, with the policy pack and the stack's policy config. */
export async function enginePreview(options: EnginePreviewOptions): Promise<EngineVerdict> {
    const started = Date.now();
    const projectDir = options.projectDir ?? repositoryRoot;
    // Bad input is reported before the engine starts, with the same messages as the gate.
    const { stackFile } = readStackSettings({ stack: options.stack, stackFile: options.stackFile, projectDir });
    const { config: policyConfigFile, source } = policyConfigFor(options.stack, options.policyConfig);
    const analyzer = PolicyAnalyzer.get();
    const pack: PackInfo = await analyzer.info();
    const settings = await analyzer.configure(
        { stack: options.stack, project: "lakestream" },
        policyConfigFile,
        source,
    );
    const weakened = weakenedPolicies(pack.policies, settings, policyConfigFile, source);
    const unwaived = unwaivedDisabled(weakened);
    const cli = options.cli ?? (await ensureCli());

    const scratch = mkdtempSync(path.join(os.tmpdir(), "lakestream-engine-"));
    const dirs = {
        home: path.join(scratch, "pulumi-home"),
        state: path.join(scratch, "state"),
        bin: path.join(scratch, "bin"),
        work: path.join(scratch, "project"),
    };
    for (const dir of Object.values(dirs)) {
        mkdirSync(dir, { recursive: true });
    }
    // The engine validates the stack's config against Pulumi.yaml's typed schema and rewrites the stack file it is
    // given: it gets copies, never the repository's files.
    copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(dirs.work, "Pulumi.yaml"));
    copyFileSync(stackFile, path.join(dirs.work, `Pulumi.${options.stack}.yaml`));
    // The settings in force as the engine's own config format: waivers are this project's review record, which the
    // engine's schema check would refuse, and each policy's level and settings are what the gate enforces.
    const policyConfigPath = path.join(scratch, "policy-config.json");
    writeFileSync(
        policyConfigPath,
        JSON.stringify(
            Object.fromEntries(
                Object.entries(settings).map(([name, entry]) => [
                    name,
                    { enforcementLevel: entry.enforcementLevel, ...entry.properties },
                ]),
            ),
            null,
            2,
        ),
    );
    const { policyPack } = writeLaunchers(dirs.bin);

    const savedEnv = process.env;
    // The Automation API passes its own process's environment to the CLI, so the isolation is applied here.
    process.env = engineEnvironment(savedEnv, dirs, options.stack);
    const steps: EngineStep[] = [];
    const violations: EngineViolation[] = [];
    const errors: string[] = [];
    const onOutput = options.onOutput ?? ((text: string) => process.stderr.write(text));
    let outcome: EngineVerdict["outcome"] = "passed";
    try {
        const programPath = require.resolve(path.join(projectDir, "index.ts"));
        const stack = await LocalWorkspace.createOrSelectStack(
            {
                stackName: options.stack,
                projectName: "lakestream",
                program: async () => {
                    delete require.cache[programPath];
                    // eslint-disable-next-line @typescript-eslint/no-require-imports
                    return require(programPath) as Record<string, unknown>;
                },
            },
            {
                workDir: dirs.work,
                pulumiHome: dirs.home,
                pulumiCommand: await PulumiCommand.get({ root: cli.root, skipVersionCheck: true }),
            },
        );
        try {
            await stack.preview({
                policyPacks: [policyPack],
                policyPackConfigs: [policyConfigPath],
                color: "never",
                onOutput,
                onEvent: (event) => {
                    const violation = eventViolation(event);
                    if (violation) {
                        violations.push(violation);
                    }
                    const step = event.resourcePreEvent?.metadata;
                    if (step) {
                        steps.push({ op: step.op, urn: step.urn, type: step.type });
                    }
                    const diagnostic = event.diagnosticEvent;
                    if (diagnostic?.severity === "error") {
                        errors.push(diagnostic.message.trim());
                    }
                },
            });
        } catch (error) {
            // The engine ends a preview with mandatory violations with a bare "preview failed"; any other error
            // (an unhandled exception in the program, a provider's refusal) means the preview itself did not run.
            const causes = errors.filter((message) => message !== "preview failed");
            const mandatory = violations.some((violation) => violation.enforcementLevel === "mandatory");
            outcome = causes.length === 0 && mandatory ? "failed" : "crashed";
            errors.splice(0, errors.length, ...(causes.length > 0 ? causes : [(error as Error).message.trim()]));
        }
    } finally {
        process.env = savedEnv;
        rmSync(scratch, { recursive: true, force: true });
    }
    if (outcome === "passed" && unwaived.length > 0) {
        outcome = "failed";
    }
    return {
        stack: options.stack,
        cliVersion: cli.version,
        policyPack: `${pack.name}@${pack.version}`,
        policyConfig: source,
        steps,
        violations,
        weakened,
        unwaived,
        errors: outcome === "crashed" ? errors : [],
        outcome,
        seconds: (Date.now() - started) / 1000,
    };
}
