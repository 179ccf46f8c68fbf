// Runs the lakestream policy pack through @pulumi/policy's own analyzer handlers, with requests built as the engine builds them.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PolicyPackArgs } from "@pulumi/policy";
import { packArgs, packName } from "../../policies/all";
import {
    reconcilePolicyConfig,
    type EnforcementLevel,
    type JsonSchema,
    type PolicyConfigFile,
    type PolicyDescription,
    type PolicySettings,
} from "./policyConfig";

/**
 * A resource as the engine knows it when it calls the analyzer: inputs in the engine's wire form (secrets as
 * {"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","value":...}, unknowns as
 * "04da6b54-80e4-46f7-96ec-b56ff0331ba9"). A planned resource of the offline plan has this shape.
 */
export interface AnalyzedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    custom?: boolean;
    /** Provider reference `<provider urn>::<id>`; the provider resource is looked up among the resources. */
    provider?: string;
    protect: boolean;
    dependencies: string[];
    inputs: Record<string, unknown>;
    /**
     * Outputs in the same wire form, as the preview computed them: what AnalyzeStack sends. Empty for a resource whose
     * provider's configuration is unknown (the engine's Create-in-preview returns no outputs). Absent: the inputs.
     */
    outputs?: Record<string, unknown>;
    /** Output names the program asked the engine to keep secret (the SDK sets them for secret properties). */
    additionalSecretOutputs?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface PolicyViolation {
    policy: string;
    policyPack: string;
    policyPackVersion: string;
    enforcementLevel: EnforcementLevel;
    severity?: string;
    /** The resource the violation is about; the stack's own resource for a stack policy that names none, as the engine reports it. */
    urn: string;
    message: string;
}

type Callback<Response> = (error: Error | null | undefined, response?: Response) => void;
type Handler<Request, Response> = (call: { request: Request }, callback: Callback<Response>) => unknown;

/** The handlers `serve()` registers on the gRPC server: what the engine's Analyzer RPCs reach. */
interface AnalyzerHandlers {
    analyze: Handler<analyzerProto.AnalyzeRequest, analyzerProto.AnalyzeResponse>;
    analyzeStack: Handler<analyzerProto.AnalyzeStackRequest, analyzerProto.AnalyzeResponse>;
    getAnalyzerInfo: Handler<unknown, analyzerProto.AnalyzerInfo>;
    configure: Handler<analyzerProto.ConfigureAnalyzerRequest, unknown>;
    configureStack: Handler<analyzerProto.AnalyzerStackConfigureRequest, unknown>;
}

interface GrpcServerPrototype {
    addService(service: unknown, implementation: unknown): void;
    bindAsync(...args: unknown[]): void;
}

const secretSignature = "1b47061264138c4ac30d75fd1eb44270";
const signatureKey = "4dabf18193072939515e22adb298388d";

function policyPackVersion(): string {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, "../../policies/package.json"), "utf8")) as {
        version?: string;
    };
    if (!manifest.version) {
        throw new Error("policies/package.json has no version");
    }
    return manifest.version;
}

/**
 * Calls @pulumi/policy's `serve()` — what `new PolicyPack()` calls — with the gRPC server's `addService` and
 * `bindAsync` intercepted for the duration: the handlers are captured and no port is opened. The library allows
 * one pack per process, so the handlers are kept for the life of the process.
 */
function captureHandlers(name: string, version: string, args: PolicyPackArgs): AnalyzerHandlers {
    const policyRequire = createRequire(require.resolve("@pulumi/policy"));
    const grpcServer = (policyRequire("@grpc/grpc-js") as { Server: { prototype: GrpcServerPrototype } }).Server;
    const server = policyRequire("./server") as {
        serve(name: string, version: string, level: EnforcementLevel, args: PolicyPackArgs, initial?: unknown): void;
    };
    const { addService, bindAsync } = grpcServer.prototype;
    let handlers: AnalyzerHandlers | undefined;
    grpcServer.prototype.addService = (_service, implementation) => {
        handlers = implementation as AnalyzerHandlers;
    };
    grpcServer.prototype.bindAsync = () => undefined;
    try {
        server.serve(name, version, args.enforcementLevel ?? "advisory", args);
    } finally {
        grpcServer.prototype.addService = addService;
        grpcServer.prototype.bindAsync = bindAsync;
    }
    if (!handlers) {
        throw new Error("@pulumi/policy did not register its analyzer service");
    }
    return handlers;
}

/** Sends a request through a handler the way gRPC does: serialized to bytes and parsed back on each side. */
function rpc<Request extends { serializeBinary(): Uint8Array }, Response>(
    handler: Handler<Request, Response>,
    request: Request,
    decode: (bytes: Uint8Array) => Request,
): Promise<Response> {
    return new Promise((resolve, reject) => {
        handler({ request: decode(request.serializeBinary()) }, (error, response) => {
            if (error) {
                reject(error);
            } else {
                resolve(response as Response);
            }
        });
    });
}

const levelNames: Record<number, EnforcementLevel> = {
    [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
    [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
};
const levelCodes: Record<EnforcementLevel, analyzerProto.EnforcementLevel> = {
    advisory: analyzerProto.EnforcementLevel.ADVISORY,
    mandatory: analyzerProto.EnforcementLevel.MANDATORY,
    disabled: analyzerProto.EnforcementLevel.DISABLED,
    remediate: analyzerProto.EnforcementLevel.REMEDIATE,
};
const severityNames: Record<number, string | undefined> = {
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

/** Drops what the engine leaves out of the wire (undefined values, internal `__` keys) and checks the rest is JSON. */
function toWireObject(value: unknown, where: string): unknown {
    if (value === null || typeof value === "string" || typeof value === "boolean") {
        return value;
    }
    if (typeof value === "number") {
        if (!Number.isFinite(value)) {
            throw new Error(`${where} is ${value}, which the engine cannot send`);
        }
        return value;
    }
    if (Array.isArray(value)) {
        return value.map((item, index) => (item === undefined ? null : toWireObject(item, `${where}[${index}]`)));
    }
    if (typeof value === "object") {
        const result: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
            const internal = key.startsWith("__") && key !== signatureKey;
            if (item !== undefined && !internal) {
                result[key] = toWireObject(item, `${where}.${key}`);
            }
        }
        return result;
    }
    throw new Error(`${where} is a ${typeof value}, which the engine cannot send`);
}

function toStruct(inputs: Record<string, unknown>, where: string): Struct {
    return Struct.fromJavaScript(toWireObject(inputs, where) as Parameters<typeof Struct.fromJavaScript>[0]);
}

function providerUrn(reference: string | undefined): string | undefined {
    if (!reference) {
        return undefined;
    }
    const index = reference.lastIndexOf("::");
    return index > 0 ? reference.slice(0, index) : reference;
}

/** The properties the engine sends: inputs to Analyze, outputs (when the plan has them) to AnalyzeStack. */
function propertiesFor(resource: AnalyzedResource, request: "analyze" | "analyzeStack"): Record<string, unknown> {
    return request === "analyzeStack" ? (resource.outputs ?? resource.inputs) : resource.inputs;
}

/** Everything the engine sends about one resource; the engine fills the same fields for Analyze and AnalyzeStack. */
function describe(
    resource: AnalyzedResource,
    byUrn: Map<string, AnalyzedResource>,
    request: "analyze" | "analyzeStack",
) {
    const options = new analyzerProto.AnalyzerResourceOptions();
    options.setProtect(resource.protect);
    options.setAdditionalsecretoutputsList(resource.additionalSecretOutputs ?? []);
    options.setCustomtimeouts(new analyzerProto.AnalyzerResourceOptions.CustomTimeouts());
    if (resource.parent) {
        options.setParent(resource.parent);
    }
    let provider: analyzerProto.AnalyzerProviderResource | undefined;
    const providerResource = byUrn.get(providerUrn(resource.provider) ?? "");
    if (providerResource) {
        provider = new analyzerProto.AnalyzerProviderResource();
        provider.setType(providerResource.type);
        provider.setUrn(providerResource.urn);
        provider.setName(providerResource.name);
        provider.setProperties(
            toStruct(propertiesFor(providerResource, request), `${providerResource.urn} ${request}`),
        );
    }
    return { options, provider, properties: toStruct(propertiesFor(resource, request), `${resource.urn} ${request}`) };
}

export interface PackInfo {
    name: string;
    version: string;
    policies: PolicyDescription[];
}

/**
 * The lakestream policy pack, served in this process. `configure` then `analyze` replay what `pulumi preview
 * --policy-pack` does: ConfigureStack, GetAnalyzerInfo and Configure once, Analyze per resource, AnalyzeStack last.
 * Calls must not overlap: the library keeps the configuration in module state, as its server does.
 */
export class PolicyAnalyzer {
    private static instance: PolicyAnalyzer | undefined;
    private packInfo: PackInfo | undefined;

    private constructor(private readonly handlers: AnalyzerHandlers) {}

    /** The pack's analyzer; the first call starts it (without opening a port). */
    static get(): PolicyAnalyzer {
        PolicyAnalyzer.instance ??= new PolicyAnalyzer(captureHandlers(packName, policyPackVersion(), packArgs));
        return PolicyAnalyzer.instance;
    }

    /** The pack's name, version and policies, from GetAnalyzerInfo. */
    async info(): Promise<PackInfo> {
        if (this.packInfo) {
            return this.packInfo;
        }
        const info = await new Promise<analyzerProto.AnalyzerInfo>((resolve, reject) => {
            this.handlers.getAnalyzerInfo({ request: {} }, (error, response) =>
                error ? reject(error) : resolve(response as analyzerProto.AnalyzerInfo),
            );
        });
        const decoded = analyzerProto.AnalyzerInfo.deserializeBinary(info.serializeBinary());
        this.packInfo = {
            name: decoded.getName(),
            version: decoded.getVersion(),
            policies: decoded.getPoliciesList().map((policy) => {
                const schema = policy.getConfigschema();
                return {
                    name: policy.getName(),
                    enforcementLevel: levelNames[policy.getEnforcementlevel()],
                    configSchema: schema
                        ? {
                              properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, JsonSchema>,
                              required: schema.getRequiredList(),
                          }
                        : undefined,
                };
            }),
        };
        return this.packInfo;
    }

    /**
     * Tells the pack which stack it analyzes, then reconciles `config` with the schema defaults and sends it. Throws a
     * UsageError (naming `source`) when the config does not fit the pack. Returns the settings in force.
     */
    async configure(
        target: { stack: string; project: string },
        config: PolicyConfigFile,
        source: string,
    ): Promise<Record<string, PolicySettings>> {
        const info = await this.info();
        const settings = reconcilePolicyConfig(info.policies, config, source);
        const stackRequest = new analyzerProto.AnalyzerStackConfigureRequest();
        stackRequest.setStack(target.stack);
        stackRequest.setProject(target.project);
        stackRequest.setDryRun(true);
        await rpc(this.handlers.configureStack, stackRequest, (bytes) =>
            analyzerProto.AnalyzerStackConfigureRequest.deserializeBinary(bytes),
        );
        const request = new analyzerProto.ConfigureAnalyzerRequest();
        for (const [name, policy] of Object.entries(settings)) {
            const policyConfig = new analyzerProto.PolicyConfig();
            policyConfig.setEnforcementlevel(levelCodes[policy.enforcementLevel]);
            policyConfig.setProperties(toStruct(policy.properties, `${name} settings`));
            request.getPolicyconfigMap().set(name, policyConfig);
        }
        await rpc(this.handlers.configure, request, (bytes) =>
            analyzerProto.ConfigureAnalyzerRequest.deserializeBinary(bytes),
        );
        return settings;
    }

    /** Analyze for every resource in registration order, then AnalyzeStack over all of them. */
    async analyze(resources: AnalyzedResource[]): Promise<PolicyViolation[]> {
        const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
        const violations: PolicyViolation[] = [];
        for (const resource of resources) {
            const { options, provider, properties } = describe(resource, byUrn, "analyze");
            const request = new analyzerProto.AnalyzeRequest();
            request.setType(resource.type);
            request.setUrn(resource.urn);
            request.setName(resource.name);
            request.setProperties(properties);
            request.setOptions(options);
            if (provider) {
                request.setProvider(provider);
            }
            const response = await rpc(this.handlers.analyze, request, (bytes) =>
                analyzerProto.AnalyzeRequest.deserializeBinary(bytes),
            );
            violations.push(...toViolations(response, resource.urn));
        }
        const stackRequest = new analyzerProto.AnalyzeStackRequest();
        stackRequest.setResourcesList(
            resources.map((resource) => {
                // The engine hands AnalyzeStack each resource's outputs as the preview computed them, not its inputs:
                // on a first deploy a Databricks resource has none (its provider's configuration is unknown).
                const { options, provider, properties } = describe(resource, byUrn, "analyzeStack");
                const entry = new analyzerProto.AnalyzerResource();
                entry.setType(resource.type);
                entry.setUrn(resource.urn);
                entry.setName(resource.name);
                entry.setProperties(properties);
                entry.setOptions(options);
                if (provider) {
                    entry.setProvider(provider);
                }
                entry.setParent(resource.parent ?? "");
                entry.setDependenciesList(resource.dependencies);
                for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
                    const dependencies = new analyzerProto.AnalyzerPropertyDependencies();
                    dependencies.setUrnsList(urns);
                    entry.getPropertydependenciesMap().set(key, dependencies);
                }
                return entry;
            }),
        );
        const response = await rpc(this.handlers.analyzeStack, stackRequest, (bytes) =>
            analyzerProto.AnalyzeStackRequest.deserializeBinary(bytes),
        );
        // The engine reports a stack policy's violation that names no resource against the stack's own resource.
        const stackUrn = resources.find((resource) => resource.type === "pulumi:pulumi:Stack")?.urn ?? "";
        violations.push(...toViolations(response, stackUrn));
        return violations;
    }
}

function toViolations(response: analyzerProto.AnalyzeResponse, defaultUrn: string): PolicyViolation[] {
    const decoded = analyzerProto.AnalyzeResponse.deserializeBinary(response.serializeBinary());
    return decoded.getDiagnosticsList().map((diagnostic) => ({
        policy: diagnostic.getPolicyname(),
        policyPack: diagnostic.getPolicypackname(),
        policyPackVersion: diagnostic.getPolicypackversion(),
        enforcementLevel: levelNames[diagnostic.getEnforcementlevel()],
        severity: severityNames[diagnostic.getSeverity()],
        // Like the engine, a resource policy's violation is about the resource analyzed unless it names another.
        urn: diagnostic.getUrn() || defaultUrn,
        message: diagnostic.getMessage(),
    }));
}

/** Wraps a value as the engine marks a secret on the wire. */
export function wireSecret(value: unknown): Record<string, unknown> {
    return { [signatureKey]: secretSignature, value };
}

/** The engine's wire value for an input that is unknown until the update runs. */
export const wireUnknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
