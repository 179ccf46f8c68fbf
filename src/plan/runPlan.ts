// Evaluates the lakestream program for one stack through the Pulumi SDK's mock runtime: no CLI, no credentials.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { ConfigError, parseStackConfig, rawConfigFromPulumi, unknownKeyProblems } from "../config";
import { UsageError } from "../shared/cli";
import { mockCall, newMockResource, type MockWorkspaceOptions, type PlanMode } from "./mockCloud";

export type { PlanMode } from "./mockCloud";

/** One resource the program registers, as the engine (and a policy analyzer) sees it. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    custom: boolean;
    provider?: string;
    protect: boolean;
    /** Left in the cloud, only dropped from the state, when the stack is destroyed. */
    retainOnDelete: boolean;
    /** Id of an existing cloud resource the deployment adopts instead of creating (the `import` option). */
    importId?: string;
    /** Output properties the provider SDK always keeps secret, such as a Databricks secret's stringValue. */
    additionalSecretOutputs: string[];
    dependencies: string[];
    /** Inputs in the engine's wire form: secrets wrapped with the secret signature, unknowns as the unknown sentinel. */
    inputs: Record<string, unknown>;
    /**
     * The state the engine reports for the resource in this preview, in the same wire form: what stack policies see.
     * A new azure-native resource has its inputs with the properties only Azure sets unknown; a resource of a
     * provider the engine could not configure has none at all; an existing one has its state; a component has the
     * outputs it registered.
     */
    outputs: Record<string, unknown>;
}

/** The program evaluated for one stack. */
export interface Plan {
    stack: string;
    project: string;
    mode: PlanMode;
    resources: PlannedResource[];
    /** Stack outputs in the engine's wire form. */
    outputs: Record<string, unknown>;
    /** What the engine would warn about, e.g. an output whose value is undefined (which it drops). */
    warnings: string[];
    /** The stack's config as the program received it: `namespace:key` → text (objects as JSON). */
    config: Record<string, string>;
}

export interface PlanOptions {
    /** Stack name; its settings are `Pulumi.<stack>.yaml` in the project folder. */
    stack: string;
    /** A stack settings file kept elsewhere, instead of the project's `Pulumi.<stack>.yaml`. */
    stackFile?: string;
    /** Folder holding Pulumi.yaml and index.ts. Defaults to this repository's root. */
    projectDir?: string;
    /** What exists already: nothing (`first-deploy`) or everything (`update`). Defaults to "first-deploy". */
    mode?: PlanMode;
    /**
     * Validate the config with this repository's rules before evaluating. Defaults to true; false for a checkout of
     * another version of the program (its own index.ts validates its own keys).
     */
    validate?: boolean;
    /** What the stand-in workspace is like (its deployer, groups, metastore). Defaults to the documented prerequisites. */
    workspace?: MockWorkspaceOptions;
}

const defaultProjectDir = path.resolve(__dirname, "..", "..");

interface ProjectFile {
    name: string;
    config?: Record<string, { type?: string; default?: unknown; secret?: boolean }>;
}

/** Stack names that have a `Pulumi.<stack>.yaml` in the project folder. */
export function listStacks(projectDir = defaultProjectDir): string[] {
    return fs
        .readdirSync(projectDir)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

function readYaml(file: string, what: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new UsageError(`cannot read ${what} ${file}: ${(error as Error).message}`);
    }
    try {
        return parseYaml(text);
    } catch (error) {
        throw new UsageError(`${what} ${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
}

/** A config value as the Pulumi CLI hands it over: text, with objects, numbers and booleans as JSON. */
function configText(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The stack's config as the Pulumi CLI would hand it to the program: stack values, then Pulumi.yaml defaults
 * for keys the stack does not set, and an error for declared keys with neither. With `nameUnknownKeys`, that error
 * also names the keys this repository's config does not know, since a misspelt key is usually why one is missing.
 */
function loadStackConfig(
    project: ProjectFile,
    stackFile: string,
    stack: string,
    nameUnknownKeys: boolean,
): Record<string, string> {
    const settings = (readYaml(stackFile, "stack settings file") ?? {}) as { config?: Record<string, unknown> };
    const values: Record<string, unknown> = { ...(settings.config ?? {}) };
    const missing: string[] = [];
    for (const [declared, spec] of Object.entries(project.config ?? {})) {
        const key = declared.includes(":") ? declared : `${project.name}:${declared}`;
        if (values[key] !== undefined) {
            continue;
        }
        if (spec.default !== undefined) {
            values[key] = spec.default;
        } else {
            missing.push(
                `${key} is required (declared in Pulumi.yaml without a default): ${path.basename(stackFile)} must set it`,
            );
        }
    }
    if (missing.length > 0) {
        const given = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, configText(value)]));
        const unknown = nameUnknownKeys ? unknownKeyProblems(rawConfigFromPulumi(given)) : [];
        throw new UsageError(new ConfigError(stack, [...unknown, ...missing]).message);
    }
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            throw new UsageError(
                `${key} in ${path.basename(stackFile)} is an encrypted secret; the offline plan cannot decrypt it (only pulumi up can)`,
            );
        }
        flat[key] = configText(value);
    }
    return flat;
}

/** Resolves which settings file a stack uses, or explains which stacks exist. */
function resolveStackFile(options: PlanOptions, projectDir: string): string {
    if (options.stackFile !== undefined) {
        if (!fs.existsSync(options.stackFile)) {
            throw new UsageError(`stack file ${options.stackFile} does not exist`);
        }
        return options.stackFile;
    }
    for (const extension of ["yaml", "yml"]) {
        const candidate = path.join(projectDir, `Pulumi.${options.stack}.${extension}`);
        if (fs.existsSync(candidate)) {
            return candidate;
        }
    }
    const known = listStacks(projectDir);
    throw new UsageError(
        `unknown stack "${options.stack}": there is no Pulumi.${options.stack}.yaml (stacks: ${known.join(", ") || "none"})`,
    );
}

/** The stack name a settings file stands for: `Pulumi.<stack>.yaml`. */
/** The stack --stack names, else the one --stack-file is the file of; undefined when the flags name none. */
export function namedStack(flags: { stack?: string; "stack-file"?: string }): string | undefined {
    const stackFile = flags["stack-file"];
    return flags.stack ?? (stackFile === undefined ? undefined : stackNameOfFile(stackFile));
}

export function stackNameOfFile(file: string): string {
    const stack = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
    if (stack === undefined) {
        throw new UsageError(`stack file ${file} must be named Pulumi.<stack>.yaml`);
    }
    return stack;
}

interface WireStruct {
    toJavaScript(): Record<string, unknown>;
}

interface RegisterResponse {
    getObject(): WireStruct | undefined;
}

interface RegisterOutputsRequest {
    getUrn(): string;
    getOutputs(): WireStruct | undefined;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getImportid(): string;
    getAdditionalsecretoutputsList(): string[];
    getDependenciesList(): string[];
    getObject(): WireStruct | undefined;
}

function urnOf(stack: string, project: string, parentUrn: string, type: string, name: string): string {
    // The same rule as the engine: a child's type is qualified with its parent's type chain.
    const qualified = parentUrn ? `${parentUrn.split("::")[2]}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Evaluates the program for a stack and returns every registered resource and the stack outputs. */
export async function runPlan(options: PlanOptions): Promise<Plan> {
    const projectDir = options.projectDir ?? defaultProjectDir;
    const project = readYaml(path.join(projectDir, "Pulumi.yaml"), "project file") as ProjectFile;
    const stackFile = resolveStackFile(options, projectDir);
    const stack = options.stack;
    const config = loadStackConfig(project, stackFile, stack, options.validate ?? true);

    // Validate before evaluating, so bad config is reported as such and not as a failed resource.
    try {
        if (options.validate ?? true) {
            parseStackConfig(stack, rawConfigFromPulumi(config));
        }
    } catch (error) {
        if (error instanceof ConfigError) {
            throw new UsageError(error.message);
        }
        throw error;
    }

    const mode = options.mode ?? "first-deploy";
    const resources: PlannedResource[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => newMockResource(stack, args, mode),
            call: (args) => mockCall(stack, args, options.workspace),
        },
        project.name,
        stack,
        // A first deployment is previewed: unknown values stay unknown, as the engine hands them to the program.
        mode === "first-deploy",
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(
            request: RegisterRequest,
            callback: (error: Error | null, response: RegisterResponse | undefined) => void,
        ): void;
        registerResourceOutputs(request: RegisterOutputsRequest, callback: unknown): void;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) => {
        const parent = request.getParent();
        const resource: PlannedResource = {
            urn: urnOf(stack, project.name, parent, request.getType(), request.getName()),
            type: request.getType(),
            name: request.getName(),
            parent: parent || undefined,
            custom: request.getCustom(),
            provider: request.getProvider() || undefined,
            protect: request.getProtect(),
            retainOnDelete: request.getRetainondelete(),
            importId: request.getImportid() || undefined,
            additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
            dependencies: request.getDependenciesList(),
            // The struct exactly as the SDK sent it to the engine: secrets and unknowns in wire form.
            inputs: request.getObject()?.toJavaScript() ?? {},
            outputs: {},
        };
        resources.push(resource);
        register(request, (error, response) => {
            // The state exactly as the engine answers the registration, in the same wire form.
            resource.outputs = response?.getObject()?.toJavaScript() ?? {};
            callback(error, response);
        });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (request, callback) => {
        // A component's state is what it registers as its outputs.
        const component = resources.find((resource) => resource.urn === request.getUrn());
        if (component !== undefined) {
            component.outputs = request.getOutputs()?.toJavaScript() ?? {};
        }
        registerOutputs(request, callback);
    };
    pulumi.runtime.setAllConfig(config);

    const programPath = require.resolve(path.join(projectDir, "index.ts"));
    delete require.cache[programPath];
    let outputs: Record<string, unknown>;
    const warnings: string[] = [];
    // A resource whose inputs fail to resolve (an apply that throws) fails the program under the engine; here it
    // surfaces as a rejection nobody awaits, and would otherwise end the process or go unseen.
    const failures: unknown[] = [];
    // The engine ends the program at its first failure; outputs that wait on the failed resource would never settle.
    let failFirst: (reason: unknown) => void = () => undefined;
    const firstFailure = new Promise<never>((_, reject) => (failFirst = reject));
    firstFailure.catch(() => undefined);
    const onRejection = (reason: unknown) => {
        failures.push(reason);
        failFirst(reason);
    };
    process.on("unhandledRejection", onRejection);
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exported = require(programPath) as Record<string, unknown>;
        outputs = await Promise.race([
            pulumi.runtime.serializeProperties("outputs", exported, { keepOutputValues: false }),
            firstFailure,
        ]);
        // The engine warns about a top-level output whose value is undefined and drops it.
        for (const key of Object.keys(exported)) {
            if (outputs[key] === undefined) {
                warnings.push(`Undefined value (${key}) will not show as a stack output.`);
                delete outputs[key];
            }
        }
        await pulumi.runtime.disconnect();
        // Rejections are reported after the turn they happen in.
        await new Promise((resolve) => setImmediate(resolve));
        if (failures.length > 0) {
            throw failures[0];
        }
    } catch (error) {
        throw new Error(`the program failed for stack "${stack}": ${(error as Error).message}`);
    } finally {
        process.off("unhandledRejection", onRejection);
        delete require.cache[programPath];
    }

    const stackResource: PlannedResource = {
        urn: `urn:pulumi:${stack}::${project.name}::pulumi:pulumi:Stack::${project.name}-${stack}`,
        type: "pulumi:pulumi:Stack",
        name: `${project.name}-${stack}`,
        custom: false,
        protect: false,
        retainOnDelete: false,
        additionalSecretOutputs: [],
        dependencies: [],
        inputs: {},
        outputs,
    };
    return {
        stack,
        project: project.name,
        mode,
        resources: [stackResource, ...resources],
        outputs,
        warnings,
        config,
    };
}

/**
 * A stack's settings file and config as the CLI would hand them to the program, validated with this repository's
 * rules. Throws a UsageError naming the problem, so that a tool driving the real engine reports bad input as such.
 */
export function readStackSettings(options: PlanOptions): { stackFile: string; config: Record<string, string> } {
    const projectDir = options.projectDir ?? defaultProjectDir;
    const project = readYaml(path.join(projectDir, "Pulumi.yaml"), "project file") as ProjectFile;
    const stackFile = resolveStackFile(options, projectDir);
    const config = loadStackConfig(project, stackFile, options.stack, true);
    try {
        parseStackConfig(options.stack, rawConfigFromPulumi(config));
    } catch (error) {
        if (error instanceof ConfigError) {
            throw new UsageError(error.message);
        }
        throw error;
    }
    return { stackFile, config };
}
