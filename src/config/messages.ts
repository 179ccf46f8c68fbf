// Turns zod issues and cross-field problems into English that names the key, the value and what is allowed.
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import { projectNamespace, type CrossFieldProblem } from "./fields";
import { allowedKeys, allowedNamespaces, keyName, knownTopLevelKeys, schemaAt } from "./keys";

/** Every problem found in a stack's configuration, reported together. */
export class ConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: string[],
    ) {
        super(
            `invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((problem) => `  - ${problem}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/**
 * Settings that were replaced, with what replaces them, so that an old stack file gets a message saying what to write
 * instead of only "not a known setting".
 */
const replacedSettings: Record<string, string> = {
    "cluster.singleUserName":
        "was replaced by lakestream:runAs ({servicePrincipal: <application id>} or {user: <user name>}), the one identity the job and its compute run as",
    "powerBi.sqlWarehouse.enabled":
        "was removed: Power BI always connects through the serverless SQL warehouse; keep clusterSize and autoStopMinutes",
};

/**
 * The closest of `candidates` to `unknown` (ignoring case), when it is close enough to be a likely misspelling: at
 * most 2 edits, or a third of the name's length for longer names.
 */
export function closestName(unknown: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const edits = distance(unknown.toLowerCase(), candidate.toLowerCase());
        if (edits < bestDistance) {
            best = candidate;
            bestDistance = edits;
        }
    }
    return bestDistance <= Math.max(2, Math.floor(unknown.length / 3)) ? best : undefined;
}

/** The message for a key the schema does not accept at `path`, with the closest known key when there is one. */
function unknownKeyMessage(path: readonly PropertyKey[], unknownKey: string): string {
    const fullName = keyName([...path, unknownKey]);
    const replaced = replacedSettings[[...path, unknownKey].map(String).join(".")];
    if (replaced !== undefined) {
        return `${fullName} ${replaced}`;
    }
    const allowed = allowedKeys(path);
    if (path.length === 0) {
        const known = knownTopLevelKeys();
        const suggestion = closestName(fullName, known);
        const namespace = unknownKey.includes(":") ? unknownKey.slice(0, unknownKey.indexOf(":")) : projectNamespace;
        const foreign =
            namespace === projectNamespace
                ? ""
                : `: "${namespace}" is not a config namespace of this project (${allowedNamespaces.join(", ")})`;
        return (
            `${fullName} is not a known setting${foreign}` +
            (suggestion ? `; did you mean ${suggestion}?` : "") +
            ` (allowed: ${known.join(", ")})`
        );
    }
    const suggestion = closestName(unknownKey, allowed);
    return (
        `${fullName} is not a known setting` +
        (suggestion ? `; did you mean ${keyName([...path, suggestion])}?` : "") +
        ` (allowed: ${allowed.join(", ")})`
    );
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
    let current = raw;
    for (const part of path) {
        if (current === null || typeof current !== "object") {
            return undefined;
        }
        current = (current as Record<PropertyKey, unknown>)[part];
    }
    return current;
}

function show(value: unknown): string {
    return value === undefined ? "nothing" : JSON.stringify(value);
}

/** Turns one zod issue into "key must … (got …)", naming the key, the value and what is allowed. */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string[] {
    const key = keyName(issue.path);
    const got = `(got ${show(valueAt(raw, issue.path))})`;
    switch (issue.code) {
        case "unrecognized_keys":
            return issue.keys.map((unknownKey) => unknownKeyMessage(issue.path, unknownKey));
        case "invalid_type":
            if (valueAt(raw, issue.path) === undefined) {
                return [`${key} is required (${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected})`];
            }
            return [`${key} must be ${expectedText(issue)} ${got}`];
        case "invalid_value":
            return [`${key} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")} ${got}`];
        case "too_small":
        case "too_big":
            return [`${key} ${rangeText(issue)} ${got}`];
        // A pattern's words and a custom check's sit with the check in the schema.
        case "invalid_format":
        case "custom":
            return [`${key} ${issue.message} ${got}`];
        default:
            return [`${key}: ${issue.message} ${got}`];
    }
}

/** A cross-field problem as "key … (got …)". */
export function describeProblem(problem: CrossFieldProblem, raw: unknown): string {
    return `${keyName(problem.path)} ${problem.message} (got ${show(valueAt(raw, problem.path))})`;
}

function expectedText(issue: z.core.$ZodIssueInvalidType): string {
    const bounds = numericBounds(issue.path);
    if (bounds) {
        return `${bounds[2]} between ${bounds[0]} and ${bounds[1]}`;
    }
    return issue.expected === "object" || issue.expected === "array" ? `an ${issue.expected}` : `a ${issue.expected}`;
}

/** Finds the numeric bounds of the schema at an issue's path, so "too small" and "too big" both print the range. */
function rangeText(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
    if (issue.origin === "array") {
        return `must have at least ${String((issue as z.core.$ZodIssueTooSmall).minimum)} entr${(issue as z.core.$ZodIssueTooSmall).minimum === 1 ? "y" : "ies"}`;
    }
    if (issue.origin === "string") {
        return issue.code === "too_small" ? "must not be empty" : `must be at most ${String(issue.maximum)} characters`;
    }
    const bounds = numericBounds(issue.path);
    if (bounds) {
        return `must be ${bounds[2]} between ${bounds[0]} and ${bounds[1]}`;
    }
    return issue.code === "too_small"
        ? `must be at least ${String(issue.minimum)}`
        : `must be at most ${String(issue.maximum)}`;
}

function numericBounds(path: readonly PropertyKey[]): [number, number, string] | undefined {
    const schema = schemaAt(path);
    if (schema instanceof z.ZodNumber && schema.minValue !== null && schema.maxValue !== null) {
        return [schema.minValue, schema.maxValue, schema.isInt ? "an integer" : "a number"];
    }
    return undefined;
}
