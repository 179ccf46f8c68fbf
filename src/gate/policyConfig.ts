// Reads a `--policy-pack-config` file and reconciles it with the pack's schema defaults, as the Pulumi engine does.
import { readFileSync } from "node:fs";
import { UsageError } from "../shared/cli";
import { validateAgainstSchema, type JsonSchema } from "./jsonSchema";

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

/** A parsed config file: per policy name (or "all"), an enforcement level and/or settings. */
export type PolicyConfigFile = Record<
    string,
    { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }
>;

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
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            result[policy] = {
                enforcementLevel:
                    enforcementLevel === undefined ? undefined : checkLevel(enforcementLevel, policy, source),
                properties,
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

/**
 * Schema defaults first, then "all", then each policy's own entry, then validation against each policy's schema.
 * Stricter than the engine on one point: a policy name or setting the pack does not know is an error, so that a
 * typo in a config file cannot silently leave a limit at its default.
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
    }
    for (const policy of policies) {
        const schema = {
            type: "object",
            properties: policy.configSchema?.properties ?? {},
            required: policy.configSchema?.required ?? [],
            additionalProperties: false,
        };
        problems.push(...validateAgainstSchema(result[policy.name].properties, schema, policy.name));
    }
    if (problems.length > 0) {
        throw new UsageError(`policy config ${source} is invalid:\n  ${problems.join("\n  ")}`);
    }
    return result;
}
