// Reads a `--policy-pack-config` file and reconciles it with the pack's schema defaults, as the Pulumi engine does.
import { readFileSync } from "node:fs";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { UsageError } from "../shared/cli";

/** A JSON Schema as policies declare their settings in `configSchema.properties`. */
export type JsonSchema = Record<string, unknown>;

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
const enforcementLevels: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One policy's settings after reconciliation: what the engine sends in `Configure`. */
export interface PolicySettings {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

/** What the gate knows of a policy from the pack's `GetAnalyzerInfo` answer. */
export interface PolicyDescription {
    name: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, JsonSchema>; required: string[] };
}

/**
 * Why a policy is switched off or made advisory for a stack, written next to the level in the policy config:
 * `"stack-destroyable": { "enforcementLevel": "disabled", "waiver": { "reason": "…" } }`.
 */
export interface PolicyWaiver {
    reason: string;
}

/** A parsed config file: per policy name (or "all"), an enforcement level and/or settings, and a waiver. */
export type PolicyConfigFile = Record<
    string,
    { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown>; waiver?: unknown }
>;

/** The key of a policy's entry that holds its waiver; never a setting passed to the policy by this gate. */
export const waiverKey = "waiver";

/** What a waiver must hold: a reason a reviewer can judge (at least a short sentence), nothing else. */
const waiverSchema = {
    type: "object",
    properties: { reason: { type: "string", minLength: 15, pattern: "\\S" } },
    required: ["reason"],
    additionalProperties: false,
};

/** Reads and parses a policy config file; every problem is a UsageError naming the file. */
export function readPolicyConfigFile(file: string): PolicyConfigFile {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        throw new UsageError(`cannot read policy config ${file}: ${(error as Error).message}`);
    }
    return parsePolicyConfig(text, file);
}

/**
 * Parses the file format of `pulumi preview --policy-pack-config`: `{ "<policy>": "<level>" }` or
 * `{ "<policy>": { "enforcementLevel": "<level>", "<setting>": <value>, ... } }`, with "all" for every policy.
 */
export function parsePolicyConfig(text: string, source: string): PolicyConfigFile {
    if (text.trim() === "") {
        return {};
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (error) {
        throw new UsageError(`policy config ${source} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new UsageError(`policy config ${source} must be a JSON object keyed by policy name`);
    }
    const result: PolicyConfigFile = {};
    for (const [policy, value] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof value === "string") {
            result[policy] = { enforcementLevel: checkLevel(value, policy, source), properties: {} };
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, [waiverKey]: waiver, ...properties } = value as Record<string, unknown>;
            if (policy === "all" && waiver !== undefined) {
                throw new UsageError(
                    `policy config ${source}: "all" cannot carry a waiver; give each policy its own waiver with a reason`,
                );
            }
            result[policy] = {
                enforcementLevel:
                    enforcementLevel === undefined ? undefined : checkLevel(enforcementLevel, policy, source),
                properties,
                ...(waiver === undefined ? {} : { waiver }),
            };
        } else {
            throw new UsageError(
                `policy config ${source}: "${policy}" must be an enforcement level or an object (got ${JSON.stringify(value)})`,
            );
        }
    }
    return result;
}

function checkLevel(value: unknown, policy: string, source: string): EnforcementLevel {
    if (typeof value !== "string" || !enforcementLevels.includes(value)) {
        throw new UsageError(
            `policy config ${source}: "${policy}" has enforcementLevel ${JSON.stringify(value)}; ` +
                `allowed: ${enforcementLevels.join(", ")}`,
        );
    }
    return value as EnforcementLevel;
}

// One validator for every schema the gate checks: allErrors so that a file's problems are reported together;
// strictSchema so that a keyword the validator does not know makes the schema itself an error (a policy schema is
// never silently under-checked); strictTypes off because policies may declare union types.
const ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false });
const validateWaiver = ajv.compile(waiverSchema);
const settingsValidators = new WeakMap<PolicyDescription, ValidateFunction>();

/**
 * The schema the engine validates a policy's settings with (type object, the policy's properties and required
 * list, `enforcementLevel` added), plus `additionalProperties: false`: a setting the policy does not declare is an
 * error here, so that a typo cannot leave a limit at its default.
 */
function settingsValidator(policy: PolicyDescription): ValidateFunction {
    let validate = settingsValidators.get(policy);
    if (!validate) {
        const schema = {
            type: "object",
            properties: policy.configSchema?.properties ?? {},
            required: policy.configSchema?.required ?? [],
            additionalProperties: false,
        };
        try {
            validate = ajv.compile(schema);
        } catch (error) {
            throw new Error(
                `the config schema of policy ${policy.name} is not a valid JSON Schema: ${(error as Error).message}`,
            );
        }
        settingsValidators.set(policy, validate);
    }
    return validate;
}

/** `/allowedTiers/0` as `.allowedTiers[0]`. */
function propertyPath(instancePath: string): string {
    return instancePath
        .split("/")
        .slice(1)
        .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
        .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
        .join("");
}

function valueAt(document: unknown, instancePath: string): unknown {
    let value = document;
    for (const segment of instancePath.split("/").slice(1)) {
        value = (value as Record<string, unknown>)?.[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    return value;
}

/** One message per validation error, naming the path, what is allowed and what was found. */
export function describeSchemaErrors(
    errors: ErrorObject[],
    document: unknown,
    root: string,
    schemaProperties: Record<string, unknown> = {},
): string[] {
    const messages: string[] = [];
    for (const error of errors) {
        const path = `${root}${propertyPath(error.instancePath)}`;
        const found = JSON.stringify(valueAt(document, error.instancePath));
        const params = error.params as Record<string, unknown>;
        switch (error.keyword) {
            case "type":
                messages.push(`${path} must be ${String(params.type).replace(/,/g, " or ")} (got ${found})`);
                break;
            case "enum":
                messages.push(
                    `${path} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")} (got ${found})`,
                );
                break;
            case "minimum":
            case "exclusiveMinimum":
                messages.push(
                    `${path} must be ${error.keyword === "minimum" ? "at least" : "more than"} ${String(params.limit)} (got ${found})`,
                );
                break;
            case "maximum":
            case "exclusiveMaximum":
                messages.push(
                    `${path} must be ${error.keyword === "maximum" ? "at most" : "less than"} ${String(params.limit)} (got ${found})`,
                );
                break;
            case "minLength":
                messages.push(`${path} must have at least ${String(params.limit)} characters (got ${found})`);
                break;
            case "maxLength":
                messages.push(`${path} must have at most ${String(params.limit)} characters (got ${found})`);
                break;
            case "minItems":
            case "maxItems": {
                const items = (valueAt(document, error.instancePath) as unknown[]).length;
                const bound = error.keyword === "minItems" ? "at least" : "at most";
                messages.push(`${path} must have ${bound} ${String(params.limit)} items (got ${items})`);
                break;
            }
            case "required":
                messages.push(`${path}.${String(params.missingProperty)} is required`);
                break;
            case "additionalProperties": {
                const allowed = Object.keys(schemaProperties);
                messages.push(
                    `${path}.${String(params.additionalProperty)} is not a known setting (allowed: ${allowed.length > 0 ? allowed.join(", ") : "none"})`,
                );
                break;
            }
            default:
                messages.push(`${path} ${error.message ?? "is invalid"} (got ${found})`);
        }
    }
    return messages;
}

/**
 * Schema defaults first, then "all", then each policy's own entry, then validation against each policy's schema with
 * ajv. Stricter than the engine on two points: a policy name or setting the pack does not know is an error, so that
 * a typo in a config file cannot silently leave a limit at its default; and a waiver must have the documented shape.
 */
export function reconcilePolicyConfig(
    policies: PolicyDescription[],
    given: PolicyConfigFile,
    source: string,
): Record<string, PolicySettings> {
    const result: Record<string, PolicySettings> = {};
    for (const policy of policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) {
                properties[key] = schema.default;
            }
        }
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
    }
    const all = given.all;
    if (all?.enforcementLevel) {
        for (const settings of Object.values(result)) {
            settings.enforcementLevel = all.enforcementLevel;
        }
    }
    const problems: string[] = [];
    for (const [name, entry] of Object.entries(given)) {
        if (name === "all") {
            continue;
        }
        const settings = result[name];
        if (!settings) {
            problems.push(`"${name}" is not a policy of this pack`);
            continue;
        }
        if (entry.enforcementLevel) {
            settings.enforcementLevel = entry.enforcementLevel;
        }
        Object.assign(settings.properties, entry.properties);
        if (entry.waiver !== undefined && !validateWaiver(entry.waiver)) {
            problems.push(
                ...describeSchemaErrors(
                    validateWaiver.errors ?? [],
                    entry.waiver,
                    `${name}.${waiverKey}`,
                    waiverSchema.properties,
                ),
            );
        }
    }
    for (const policy of policies) {
        const validate = settingsValidator(policy);
        const properties = result[policy.name].properties;
        if (!validate(properties)) {
            problems.push(
                ...describeSchemaErrors(
                    validate.errors ?? [],
                    properties,
                    policy.name,
                    policy.configSchema?.properties,
                ),
            );
        }
    }
    if (problems.length > 0) {
        throw new UsageError(`policy config ${source} is invalid:\n  ${problems.join("\n  ")}`);
    }
    return result;
}

/** A policy whose level in a stack's config is weaker than the pack's default for it. */
export interface WeakenedPolicy {
    policy: string;
    /** The level the pack gives the policy. */
    defaultLevel: EnforcementLevel;
    /** The level the stack's config gives it: "disabled" (not checked) or "advisory" (reported, never fails). */
    level: "disabled" | "advisory";
    waiver: PolicyWaiver | null;
}

const strength: Record<EnforcementLevel, number> = { disabled: 0, advisory: 1, mandatory: 2, remediate: 2 };

/**
 * Every policy the config disables or turns advisory relative to the pack's defaults, in pack order, each with its
 * waiver. Throws a UsageError for a waiver on a policy that is not weakened: a waiver outliving its exception would
 * let the policy be switched off again later without anyone writing a reason.
 */
export function weakenedPolicies(
    policies: PolicyDescription[],
    settings: Record<string, PolicySettings>,
    given: PolicyConfigFile,
    source: string,
): WeakenedPolicy[] {
    const weakened: WeakenedPolicy[] = [];
    const stale: string[] = [];
    for (const policy of policies) {
        const level = settings[policy.name].enforcementLevel;
        const waiver = (given[policy.name]?.waiver as PolicyWaiver | undefined) ?? null;
        if ((level === "disabled" || level === "advisory") && strength[level] < strength[policy.enforcementLevel]) {
            weakened.push({ policy: policy.name, defaultLevel: policy.enforcementLevel, level, waiver });
        } else if (waiver) {
            stale.push(`"${policy.name}" has a waiver but is ${level} here, as in the pack: remove the waiver`);
        }
    }
    if (stale.length > 0) {
        throw new UsageError(`policy config ${source} is invalid:\n  ${stale.join("\n  ")}`);
    }
    return weakened;
}

/** The weakened policies that fail the gate: a mandatory (or remediating) policy disabled without a waiver. */
export function unwaivedDisabled(weakened: WeakenedPolicy[]): string[] {
    return weakened.filter((entry) => entry.level === "disabled" && entry.waiver === null).map((entry) => entry.policy);
}
