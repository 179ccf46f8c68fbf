// The config's keys as a stack file writes them, read from the schema itself: for messages, the README and the tools.
import { z } from "zod";
import { projectNamespace } from "./fields";
import { stackConfigSchema } from "./schema";

/**
 * Config namespaces a stack may use: the project's own, and the providers' (azure-native, databricks) and Pulumi's,
 * whose keys the providers and the engine read themselves. A key in any other namespace is a mistake (a misspelt
 * `lakestream`, or a provider this program does not use) and is reported, never ignored.
 */
export const allowedNamespaces = [projectNamespace, "azure-native", "databricks", "pulumi"] as const;

/** The config key as a user writes it in Pulumi.<stack>.yaml, e.g. `lakestream:eventHubs.partitionCount`. */
export function keyName(path: readonly PropertyKey[]): string {
    const [first, ...rest] = path.map(String);
    if (first === undefined) {
        return `${projectNamespace} config`;
    }
    const head = first.includes(":") ? first : `${projectNamespace}:${first}`;
    return [head, ...rest]
        .map((part, index) => (index > 0 && /^\d+$/.test(part) ? `[${part}]` : part))
        .join(".")
        .replace(/\.\[/g, "[");
}

/** The schema inside defaults, optionals and boolean preprocessing: what a value itself must be. */
export function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
    let current = schema;
    while (
        current instanceof z.ZodDefault ||
        current instanceof z.ZodPrefault ||
        current instanceof z.ZodOptional ||
        current instanceof z.ZodPipe
    ) {
        current = current instanceof z.ZodPipe ? (current.in as z.ZodType) : (current.unwrap() as unknown as z.ZodType);
    }
    return current;
}

export function schemaAt(path: readonly PropertyKey[]): z.ZodType | undefined {
    let schema: z.ZodType | undefined = stackConfigSchema;
    for (const part of path) {
        schema = unwrap(schema);
        if (schema instanceof z.ZodObject) {
            schema = (schema.shape as Record<string, z.ZodType>)[String(part)];
        } else if (schema instanceof z.ZodArray) {
            schema = schema.element as z.ZodType;
        } else {
            return undefined;
        }
    }
    return unwrap(schema);
}

/** The setting names an object in the schema accepts, for "not a known setting" messages. */
export function allowedKeys(path: readonly PropertyKey[]): string[] {
    const schema = schemaAt(path);
    return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Every top-level key the schema accepts, as written in Pulumi.<stack>.yaml (`lakestream:owner`, `azure-native:location`). */
export function knownTopLevelKeys(): string[] {
    return Object.keys(stackConfigSchema.shape).map((key) => keyName([key]));
}

/** What the schema says about one key as the README writes it (`lakestream:eventHubs.hubName`). */
export interface ConfigKeyInfo {
    /** False when the schema has no such key. */
    known: boolean;
    /** True when a stack (or its parent object, when it is set) must give the key. */
    required: boolean;
    /** The value the schema fills in when the key is left out, if it fills one in. */
    defaultValue?: unknown;
}

function pathOf(fullKey: string): string[] {
    if (fullKey.startsWith(`${projectNamespace}:`)) {
        return fullKey.slice(projectNamespace.length + 1).split(".");
    }
    return [fullKey];
}

/** Looks a documented key up in the schema itself, so that docs can be checked against the code. */
export function configKeyInfo(fullKey: string): ConfigKeyInfo {
    const path = pathOf(fullKey);
    const parent = schemaAt(path.slice(0, -1));
    const own =
        parent instanceof z.ZodObject ? (parent.shape as Record<string, z.ZodType>)[path[path.length - 1]] : undefined;
    if (own === undefined) {
        return { known: false, required: false };
    }
    if (own instanceof z.ZodDefault || own instanceof z.ZodPrefault) {
        // Parsed, so that a section's default shows the defaults of its settings.
        return { known: true, required: false, defaultValue: own.parse(undefined) };
    }
    return { known: true, required: !(own instanceof z.ZodOptional) };
}

/**
 * Every key a stack sets, at the depth the README documents it: top-level keys, and for the object-valued ones
 * (eventHubs, cluster, …) each of their settings, e.g. `lakestream:eventHubs.sku`.
 */
export function documentedConfigKeys(): string[] {
    const keys: string[] = [];
    for (const [key, schema] of Object.entries(stackConfigSchema.shape as Record<string, z.ZodType>)) {
        const inner = unwrap(schema);
        if (inner instanceof z.ZodObject && !key.includes(":")) {
            keys.push(...Object.keys(inner.shape).map((child) => `${keyName([key])}.${child}`));
        } else {
            keys.push(keyName([key]));
        }
    }
    return keys;
}
