// Reads and validates a stack's lakestream configuration once, so that components receive plain typed values.
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import {
    assumptionKeys,
    assumptionSpecs,
    defaultAssumptions,
    type CostAssumptions,
} from "../policies/lib/cost/assumptions";

/** Databricks LTS runtimes with a Scala 2.12 image: the Event Hubs Spark connector exists only for Scala 2.12. */
export const supportedSparkVersions = [
    "12.2.x-scala2.12",
    "13.3.x-scala2.12",
    "14.3.x-scala2.12",
    "15.4.x-scala2.12",
    "16.4.x-scala2.12",
] as const;

/** Longest retention each Event Hubs tier allows, in hours (Basic 1 day, Standard 7 days, Premium 90 days). */
export const maxRetentionHoursByTier = { Basic: 24, Standard: 168, Premium: 2160 } as const;

/** Unity Catalog privileges a grant may name on the catalog. */
const catalogPrivileges = [
    "ALL_PRIVILEGES",
    "BROWSE",
    "USE_CATALOG",
    "USE_SCHEMA",
    "SELECT",
    "READ_VOLUME",
    "WRITE_VOLUME",
    "MODIFY",
    "EXECUTE",
    "CREATE_SCHEMA",
    "CREATE_TABLE",
    "CREATE_VOLUME",
] as const;

const intBetween = (min: number, max: number) => z.number().int().min(min).max(max);

const eventHubsSchema = z
    .object({
        sku: z.enum(["Basic", "Standard", "Premium"]),
        throughputUnits: intBetween(1, 40),
        partitionCount: intBetween(1, 32),
        retentionHours: intBetween(1, 2160),
        hubName: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/)
            .default("weather"),
        autoInflate: z.boolean().default(false),
        maximumThroughputUnits: intBetween(1, 40).optional(),
        consumerGroup: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/)
            .optional(),
    })
    .strict();

const databricksSchema = z
    .object({
        workspaceUrl: z
            .string()
            .regex(/^https:\/\/[A-Za-z0-9.-]+\/?$/)
            .optional(),
        workspaceName: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/)
            .optional(),
        managedResourceGroupName: z
            .string()
            .regex(/^[A-Za-z0-9._()-]{1,90}$/)
            .optional(),
    })
    .strict();

const catalogSchema = z
    .object({
        name: z
            .string()
            .regex(/^[a-z][a-z0-9_]{0,254}$/)
            .optional(),
        storageRoot: z
            .string()
            .regex(/^abfss:\/\/[^@\s]+@[^\s]+$/)
            .optional(),
        forceDestroy: z.boolean().optional(),
        grants: z
            .array(
                z
                    .object({
                        principal: z.string().min(1),
                        privileges: z.array(z.enum(catalogPrivileges)).min(1),
                    })
                    .strict(),
            )
            .default([]),
    })
    .strict();

const clusterSchema = z
    .object({
        autoterminationMinutes: intBetween(10, 10000),
        workers: intBetween(0, 100).optional(),
        autoscale: z
            .object({ minWorkers: intBetween(1, 100), maxWorkers: intBetween(1, 100) })
            .strict()
            .optional(),
        sparkVersion: z.enum(supportedSparkVersions).default("15.4.x-scala2.12"),
        nodeType: z
            .string()
            .regex(/^Standard_[A-Za-z0-9_]+$/)
            .optional(),
        singleUserName: z.string().min(1).optional(),
    })
    .strict();

const jobSchema = z
    .object({
        mode: z.enum(["continuous", "availableNow"]).default("availableNow"),
        schedule: z
            .string()
            .regex(/^\S+( \S+){5,6}$/)
            .default("0 0/15 * * * ?"),
        timezone: z.string().min(1).default("UTC"),
        timeoutSeconds: intBetween(60, 7 * 24 * 3600).default(3600),
        maxRetries: intBetween(0, 10).optional(),
        startingPosition: z.enum(["start", "latest"]).default("start"),
        maxEventsPerTrigger: intBetween(1, 10_000_000).optional(),
        goldOutputMode: z.enum(["update", "append"]).default("update"),
        paused: z.boolean().default(false),
    })
    .strict();

const powerBiSchema = z
    .object({
        sqlWarehouse: z
            .object({
                enabled: z.boolean().default(true),
                clusterSize: z.enum(["2X-Small", "X-Small", "Small", "Medium", "Large"]).default("2X-Small"),
                autoStopMinutes: intBetween(1, 120).default(10),
            })
            .strict()
            .optional(),
    })
    .strict();

/** Usage assumptions of the cost estimate; the rules live with the budget policy, which validates the same keys. */
const costSchema = z
    .object(
        Object.fromEntries(
            assumptionKeys.map((key) => {
                const spec = assumptionSpecs[key];
                const number = spec.integer ? z.number().int() : z.number();
                return [key, number.min(spec.minimum).max(spec.maximum).default(spec.default)];
            }),
        ) as Record<(typeof assumptionKeys)[number], z.ZodDefault<z.ZodNumber>>,
    )
    .strict();

const stackConfigSchema = z
    .object({
        "azure-native:location": z.string().regex(/^[a-z0-9]+$/),
        owner: z.string().min(1),
        // "" (Pulumi.yaml's default) means the stack name.
        environment: z
            .string()
            .regex(/^([a-z0-9][a-z0-9-]{0,31})?$/)
            .optional(),
        ephemeral: z.boolean().default(true),
        resourceGroupName: z
            .string()
            .regex(/^([A-Za-z0-9._()-]{1,90})?$/)
            .optional(),
        eventHubs: eventHubsSchema,
        databricks: databricksSchema.default({}),
        catalog: catalogSchema.default({ grants: [] }),
        cluster: clusterSchema,
        job: jobSchema.default({
            mode: "availableNow",
            schedule: "0 0/15 * * * ?",
            timezone: "UTC",
            timeoutSeconds: 3600,
            startingPosition: "start",
            goldOutputMode: "update",
            paused: false,
        }),
        powerBi: powerBiSchema.default({}),
        cost: costSchema.default(defaultAssumptions),
    })
    .strict();

/** A problem found by a rule that spans several keys. */
interface CrossFieldProblem {
    path: string[];
    message: string;
}

/**
 * Rules that relate several keys. They read the raw values defensively, so they run and report even when other
 * keys are malformed: one run of the program names every problem.
 */
function crossFieldProblems(raw: Record<string, unknown>): CrossFieldProblem[] {
    const problems: CrossFieldProblem[] = [];
    const hubs = record(raw.eventHubs);
    const sku = hubs.sku;
    const tierLimit =
        typeof sku === "string" && sku in maxRetentionHoursByTier
            ? maxRetentionHoursByTier[sku as keyof typeof maxRetentionHoursByTier]
            : undefined;
    if (tierLimit !== undefined && typeof hubs.retentionHours === "number" && hubs.retentionHours > tierLimit) {
        problems.push({
            path: ["eventHubs", "retentionHours"],
            message: `must be at most ${tierLimit} on the ${String(sku)} tier`,
        });
    }
    if (sku === "Basic" && hubs.consumerGroup !== undefined) {
        problems.push({
            path: ["eventHubs", "consumerGroup"],
            message: "is not allowed on the Basic tier, which has only the implicit $Default consumer group",
        });
    }
    if (typeof hubs.consumerGroup === "string" && hubs.consumerGroup.toLowerCase() === "$default") {
        problems.push({
            path: ["eventHubs", "consumerGroup"],
            message: "must not be $Default, which every hub already has",
        });
    }
    if (hubs.autoInflate === true && sku !== "Standard") {
        problems.push({
            path: ["eventHubs", "autoInflate"],
            message: `is only available on the Standard tier (sku is ${String(sku)})`,
        });
    }
    if (hubs.maximumThroughputUnits !== undefined && hubs.autoInflate !== true) {
        problems.push({
            path: ["eventHubs", "maximumThroughputUnits"],
            message: "is only meaningful with autoInflate: true",
        });
    }
    if (
        hubs.autoInflate === true &&
        typeof hubs.throughputUnits === "number" &&
        !(typeof hubs.maximumThroughputUnits === "number" && hubs.maximumThroughputUnits >= hubs.throughputUnits)
    ) {
        problems.push({
            path: ["eventHubs", "maximumThroughputUnits"],
            message: `must be set and at least throughputUnits (${hubs.throughputUnits}) when autoInflate is true`,
        });
    }
    if (
        sku === "Premium" &&
        typeof hubs.throughputUnits === "number" &&
        ![1, 2, 4, 8, 16].includes(hubs.throughputUnits)
    ) {
        problems.push({
            path: ["eventHubs", "throughputUnits"],
            message: "must be one of 1, 2, 4, 8, 16 processing units on the Premium tier",
        });
    }
    const cluster = record(raw.cluster);
    const autoscale = record(cluster.autoscale);
    if (cluster.autoscale !== undefined && cluster.workers !== undefined) {
        problems.push({
            path: ["cluster", "autoscale"],
            message: "and cluster.workers are exclusive: give a fixed worker count or an autoscale range",
        });
    }
    if (
        typeof autoscale.minWorkers === "number" &&
        typeof autoscale.maxWorkers === "number" &&
        autoscale.maxWorkers < autoscale.minWorkers
    ) {
        problems.push({
            path: ["cluster", "autoscale", "maxWorkers"],
            message: `must be at least minWorkers (${autoscale.minWorkers})`,
        });
    }
    const job = record(raw.job);
    if (job.mode === "continuous" && job.maxRetries !== undefined) {
        problems.push({
            path: ["job", "maxRetries"],
            message: "is not allowed with mode continuous: Databricks retries continuous jobs itself",
        });
    }
    const workspace = record(raw.databricks);
    if (workspace.workspaceUrl !== undefined && workspace.workspaceName !== undefined) {
        problems.push({
            path: ["databricks", "workspaceName"],
            message: "and databricks.workspaceUrl are exclusive: use an existing workspace or create one",
        });
    }
    return problems;
}

function record(value: unknown): Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : {};
}

type ParsedConfig = z.output<typeof stackConfigSchema>;

/** The validated configuration of one stack, with every default applied. */
export interface LakestreamConfig {
    stack: string;
    location: string;
    owner: string;
    environment: string;
    ephemeral: boolean;
    resourceGroupName?: string;
    /** Tags every Azure resource and cluster carries. */
    tags: Record<string, string>;
    eventHubs: ParsedConfig["eventHubs"];
    databricks: ParsedConfig["databricks"];
    catalog: Omit<ParsedConfig["catalog"], "name" | "forceDestroy"> & { name: string; forceDestroy: boolean };
    cluster: ParsedConfig["cluster"];
    job: Omit<ParsedConfig["job"], "maxEventsPerTrigger"> & { maxEventsPerTrigger: number };
    powerBi: ParsedConfig["powerBi"];
    /** Usage assumptions of the cost estimate (`npm run cost`); no resource reads them. */
    cost: CostAssumptions;
}

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

const projectNamespace = "lakestream";

/**
 * Config namespaces a stack may use: the project's own, and the providers' (azure-native, databricks) and Pulumi's,
 * whose keys the providers and the engine read themselves. A key in any other namespace is a mistake (a misspelt
 * `lakestream`, or a provider this program does not use) and is reported, never ignored.
 */
export const allowedNamespaces = [projectNamespace, "azure-native", "databricks", "pulumi"] as const;

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
    if (own instanceof z.ZodDefault) {
        return { known: true, required: false, defaultValue: own.def.defaultValue };
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

/** The message for a key the schema does not accept at `path`, with the closest known key when there is one. */
function unknownKeyMessage(path: readonly PropertyKey[], unknownKey: string): string {
    const fullName = keyName([...path, unknownKey]);
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

/** The config key as a user writes it in Pulumi.<stack>.yaml, e.g. `lakestream:eventHubs.partitionCount`. */
function keyName(path: readonly PropertyKey[]): string {
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
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string[] {
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
        case "invalid_format":
            return [`${key} ${formatText(key)} ${got}`];
        case "custom":
            return [`${key} ${issue.message} ${got}`];
        default:
            return [`${key}: ${issue.message} ${got}`];
    }
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

function schemaAt(path: readonly PropertyKey[]): z.ZodType | undefined {
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
function allowedKeys(path: readonly PropertyKey[]): string[] {
    const schema = schemaAt(path);
    return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function numericBounds(path: readonly PropertyKey[]): [number, number, string] | undefined {
    const schema = schemaAt(path);
    if (schema instanceof z.ZodNumber && schema.minValue !== null && schema.maxValue !== null) {
        return [schema.minValue, schema.maxValue, schema.isInt ? "an integer" : "a number"];
    }
    return undefined;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
    let current = schema;
    while (current instanceof z.ZodDefault || current instanceof z.ZodOptional || current instanceof z.ZodPipe) {
        current = current instanceof z.ZodPipe ? (current.in as z.ZodType) : (current.unwrap() as unknown as z.ZodType);
    }
    return current;
}

/** What a string with a pattern must look like, per key, in words. */
function formatText(key: string): string {
    const formats: Record<string, string> = {
        "azure-native:location": "must be an Azure region name such as westeurope",
        "lakestream:environment": "must be lower-case letters, digits and dashes, at most 32 characters",
        "lakestream:resourceGroupName": "must be 1-90 letters, digits, dots, dashes, underscores or parentheses",
        "lakestream:eventHubs.hubName": "must be 1-256 letters, digits, dots, dashes or underscores",
        "lakestream:eventHubs.consumerGroup": "must be 1-50 letters, digits, dots, dashes or underscores",
        "lakestream:databricks.workspaceUrl": "must be an https URL such as https://adb-123.4.azuredatabricks.net",
        "lakestream:databricks.workspaceName": "must be 3-64 letters, digits, dashes or underscores",
        "lakestream:databricks.managedResourceGroupName": "must be a resource group name",
        "lakestream:catalog.name": "must be a lower-case identifier: a letter, then letters, digits or underscores",
        "lakestream:catalog.storageRoot": "must be an abfss://container@account.dfs.core.windows.net/path URL",
        "lakestream:cluster.nodeType": "must be an Azure VM size such as Standard_DS3_v2",
        "lakestream:job.schedule": 'must be a Quartz cron expression such as "0 0/15 * * * ?"',
    };
    return formats[key] ?? "has the wrong format";
}

/**
 * Validates the raw configuration of a stack (keys as in Pulumi.<stack>.yaml without the `lakestream:` prefix,
 * plus `azure-native:location`) and returns it with defaults applied, or throws one ConfigError listing every
 * problem.
 */
export function parseStackConfig(stack: string, raw: Record<string, unknown>): LakestreamConfig {
    const result = stackConfigSchema.safeParse(raw);
    const problems = [
        // Unknown keys first: a misspelt key explains the "is required" that usually follows it.
        ...(result.success
            ? []
            : [...result.error.issues]
                  .sort((a, b) => Number(b.code === "unrecognized_keys") - Number(a.code === "unrecognized_keys"))
                  .flatMap((issue) => describeIssue(issue, raw))),
        ...crossFieldProblems(raw).map(
            (problem) => `${keyName(problem.path)} ${problem.message} (got ${show(valueAt(raw, problem.path))})`,
        ),
    ];
    if (!result.success || problems.length > 0) {
        throw new ConfigError(stack, problems);
    }
    const config = result.data;
    const environment = config.environment || stack;
    return {
        stack,
        location: config["azure-native:location"],
        owner: config.owner,
        environment,
        ephemeral: config.ephemeral,
        // Pulumi.yaml declares "" as the default: no existing group, create one.
        resourceGroupName: config.resourceGroupName || undefined,
        tags: { owner: config.owner, environment, project: projectNamespace },
        eventHubs: config.eventHubs,
        databricks: config.databricks,
        catalog: {
            ...config.catalog,
            name: config.catalog.name ?? `${projectNamespace}_${stack.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`,
            forceDestroy: config.catalog.forceDestroy ?? config.ephemeral,
        },
        cluster: config.cluster,
        job: {
            ...config.job,
            // The connector's own default: 1000 events per partition per trigger.
            maxEventsPerTrigger: config.job.maxEventsPerTrigger ?? config.eventHubs.partitionCount * 1000,
        },
        powerBi: config.powerBi,
        cost: config.cost,
    };
}

/**
 * Validates only the `lakestream:cost` assumptions of a raw configuration, for a stack whose other keys belong to
 * another version of the program (the base branch the cost delta compares with). Throws a ConfigError.
 */
export function parseCostAssumptions(stack: string, raw: Record<string, unknown>): CostAssumptions {
    const given = { cost: raw.cost };
    const result = z.object({ cost: costSchema.default(defaultAssumptions) }).safeParse(given);
    if (!result.success) {
        throw new ConfigError(
            stack,
            result.error.issues.flatMap((issue) => describeIssue(issue, given)),
        );
    }
    return result.data.cost;
}

/**
 * Collects the raw configuration of the `lakestream` namespace from a flat Pulumi config map
 * (`lakestream:eventHubs` → JSON text) as `pulumi.runtime.allConfig()` returns it, parsing object values. Keys of
 * the provider and Pulumi namespaces are left to their readers (but `azure-native:location`, which the program
 * uses); a key of any other namespace is kept under its full name, so that validation reports it.
 */
export function rawConfigFromPulumi(all: Record<string, string>): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(all)) {
        const [namespace, key] = splitKey(fullKey);
        if (namespace === "azure-native" && key === "location") {
            raw[fullKey] = text;
        } else if (namespace === projectNamespace) {
            raw[key] = parseValue(text);
        } else if (!(allowedNamespaces as readonly string[]).includes(namespace)) {
            raw[fullKey] = parseValue(text);
        }
    }
    return raw;
}

function splitKey(fullKey: string): [string, string] {
    const index = fullKey.indexOf(":");
    return index < 0 ? ["", fullKey] : [fullKey.slice(0, index), fullKey.slice(index + 1)];
}

/** Pulumi hands every config value over as text; objects, numbers and booleans arrive as JSON. */
function parseValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
