// Validates policy settings against a policy's config schema, the check the engine makes before configuring a pack.

/** A JSON schema as policies declare them (the subset of keywords listed in `supportedKeywords`). */
export type JsonSchema = Record<string, unknown>;

const supportedKeywords = new Set([
    "type",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "minItems",
    "maxItems",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "default",
    "description",
    "title",
]);

function typeOf(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "array";
    }
    return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
    switch (type) {
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "number":
            return typeof value === "number" && Number.isFinite(value);
        default:
            return typeOf(value) === type;
    }
}

/**
 * Returns one message per problem, each naming the property path, what was found and what is allowed. Throws on a
 * keyword this validator does not implement, so that a schema is never silently under-checked.
 */
export function validateAgainstSchema(value: unknown, schema: JsonSchema, path: string): string[] {
    for (const keyword of Object.keys(schema)) {
        if (!supportedKeywords.has(keyword)) {
            throw new Error(`config schema at ${path} uses the unsupported keyword "${keyword}"`);
        }
    }
    const found = JSON.stringify(value);
    if (schema.type !== undefined) {
        const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
        if (!types.some((type) => matchesType(value, type))) {
            return [`${path} must be ${types.join(" or ")} (got ${found})`];
        }
    }
    const problems: string[] = [];
    if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => JSON.stringify(allowed) === found)) {
        problems.push(`${path} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")} (got ${found})`);
    }
    if (typeof value === "number") {
        if (typeof schema.minimum === "number" && value < schema.minimum) {
            problems.push(`${path} must be at least ${schema.minimum} (got ${value})`);
        }
        if (typeof schema.maximum === "number" && value > schema.maximum) {
            problems.push(`${path} must be at most ${schema.maximum} (got ${value})`);
        }
    }
    if (typeof value === "string" && typeof schema.minLength === "number" && value.length < schema.minLength) {
        problems.push(`${path} must have at least ${schema.minLength} characters (got ${found})`);
    }
    if (Array.isArray(value)) {
        if (typeof schema.minItems === "number" && value.length < schema.minItems) {
            problems.push(`${path} must have at least ${schema.minItems} items (got ${value.length})`);
        }
        if (typeof schema.maxItems === "number" && value.length > schema.maxItems) {
            problems.push(`${path} must have at most ${schema.maxItems} items (got ${value.length})`);
        }
        if (typeof schema.items === "object" && schema.items !== null) {
            value.forEach((item, index) => {
                problems.push(...validateAgainstSchema(item, schema.items as JsonSchema, `${path}[${index}]`));
            });
        }
    }
    if (typeOf(value) === "object") {
        problems.push(...validateObject(value as Record<string, unknown>, schema, path));
    }
    return problems;
}

function validateObject(value: Record<string, unknown>, schema: JsonSchema, path: string): string[] {
    const problems: string[] = [];
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema.required ?? []) as string[]) {
        if (!(name in value)) {
            problems.push(`${path}.${name} is required`);
        }
    }
    for (const [name, item] of Object.entries(value)) {
        const itemSchema = properties[name];
        if (itemSchema !== undefined) {
            problems.push(...validateAgainstSchema(item, itemSchema, `${path}.${name}`));
        } else if (schema.additionalProperties === false) {
            const allowed = Object.keys(properties);
            problems.push(
                `${path}.${name} is not a known setting (allowed: ${allowed.length > 0 ? allowed.join(", ") : "none"})`,
            );
        } else if (typeof schema.additionalProperties === "object" && schema.additionalProperties !== null) {
            problems.push(...validateAgainstSchema(item, schema.additionalProperties as JsonSchema, `${path}.${name}`));
        }
    }
    return problems;
}
