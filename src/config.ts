// Reads and validates a stack's lakestream configuration once, so that components receive plain typed values.
import { createHash } from "node:crypto";
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import {
    assumptionKeys,
    assumptionSpecs,
    defaultAssumptions,
    type CostAssumptions,
} from "../policies/lib/cost/assumptions";

/**
 * Databricks LTS runtimes with a Scala 2.12 image that are in support, with the day support ends (Databricks Runtime
 * release notes, "versions and compatibility"). The Event Hubs Spark connector exists only for Scala 2.12, and 17.3 LTS
 * and later are Scala 2.13 only; 12.2 LTS (ended 2026-03-01) and 13.3 LTS (ended 2026-08-22) are out of support.
 */
export const sparkVersionEndOfSupport = {
    "14.3.x-scala2.12": "2027-02-01",
    "15.4.x-scala2.12": "2027-08-19",
    "16.4.x-scala2.12": "2028-05-09",
} as const;

export const supportedSparkVersions = Object.keys(
    sparkVersionEndOfSupport,
) as (keyof typeof sparkVersionEndOfSupport)[];

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

/**
 * A boolean as YAML writes it or as the Pulumi CLI rewrites it: `pulumi stack init` and `pulumi config set` store
 * top-level values as strings, so `true` comes back as `"true"`.
 */
const configBoolean = () =>
    z.preprocess((value) => (value === "true" ? true : value === "false" ? false : value), z.boolean());

/** Storage account names: 3-24 lower-case letters and digits, unique in Azure (Azure naming rules for Microsoft.Storage). */
const storageAccountNamePattern = /^[a-z0-9]{3,24}$/;

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
        autoInflate: configBoolean().default(false),
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
        workspaceFolder: z
            .string()
            .regex(/^(\/[A-Za-z0-9._ -]+)+$/)
            .optional(),
    })
    .strict();

/** An application id as Microsoft Entra ID and Databricks write it. */
const applicationIdPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const runAsSchema = z
    .object({
        servicePrincipal: z.string().regex(applicationIdPattern).optional(),
        user: z
            .string()
            .regex(/^[^@\s]+@[^@\s]+$/)
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
        externalLocation: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,255}$/)
            .optional(),
        metastoreStorage: configBoolean().default(false),
        storageAccountName: z.string().regex(storageAccountNamePattern).optional(),
        forceDestroy: configBoolean().optional(),
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
        sparkVersion: z
            .enum(supportedSparkVersions as [keyof typeof sparkVersionEndOfSupport])
            .default("15.4.x-scala2.12"),
        nodeType: z
            .string()
            .regex(/^Standard_[A-Za-z0-9_]+$/)
            .optional(),
    })
    .strict();

const emailAddress = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);

/** Processing-time trigger of a continuous run when the stack does not set one, in seconds (docs/operations.md). */
export const defaultTriggerSeconds = 5;

/**
 * The default `maxEventsPerTrigger`: twice what the namespace takes in during one trigger (Event Hubs ingress is
 * 1,000 events/s per throughput unit), so that a micro-batch never falls behind the hub's own limit, and at least
 * 10,000, below which the fixed cost of a micro-batch (commit, offsets, a receiver per partition) dominates.
 */
export function defaultMaxEventsPerTrigger(throughputUnits: number, triggerSeconds: number): number {
    return Math.max(10_000, throughputUnits * 1000 * triggerSeconds * 2);
}

const jobSchema = z
    .object({
        mode: z.enum(["continuous", "availableNow"]).default("availableNow"),
        // One stream writing every layer per micro-batch, or one stream (and task) per layer (docs/operations.md).
        streams: z.enum(["single", "layered"]).default("single"),
        // Continuous runs only; scheduled runs drain the hub and stop, whatever the trigger interval.
        triggerSeconds: intBetween(1, 300).optional(),
        schedule: z
            .string()
            .regex(/^\S+( \S+){5,6}$/)
            .default("0 0/15 * * * ?"),
        timezone: z.string().min(1).default("UTC"),
        // Scheduled runs only: a continuous run is meant to run, and its health rules watch it instead.
        timeoutSeconds: intBetween(60, 7 * 24 * 3600).optional(),
        maxRetries: intBetween(0, 10).optional(),
        startingPosition: z.enum(["start", "latest"]).default("start"),
        maxEventsPerTrigger: intBetween(1, 10_000_000).optional(),
        goldOutputMode: z.enum(["update", "append"]).default("update"),
        // Defaults to the stack's `ephemeral`: an idle dev stack costs nothing until someone unpauses it.
        paused: configBoolean().optional(),
        compute: z.enum(["job", "interactive"]).default("job"),
        taskRetryMode: z.enum(["ON_FAILURE", "NEVER"]).optional(),
        notify: z.array(emailAddress).optional(),
        backlog: z
            .object({
                maxFiles: intBetween(1, 1_000_000).default(200),
                maxBytes: intBetween(1024, 1024 ** 4).default(1024 ** 3),
            })
            .strict()
            .default({ maxFiles: 200, maxBytes: 1024 ** 3 }),
    })
    .strict();

const powerBiSchema = z
    .object({
        sqlWarehouse: z
            .object({
                clusterSize: z.enum(["2X-Small", "X-Small", "Small", "Medium", "Large"]).default("2X-Small"),
                // The SQL Warehouses API: 0 (never stop) or at least 10 minutes, and no maximum.
                autoStopMinutes: z.number().int().min(0).default(10),
            })
            .strict()
            .default({ clusterSize: "2X-Small", autoStopMinutes: 10 }),
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
        ephemeral: configBoolean().default(true),
        adoptData: configBoolean().default(false),
        // Pins the subscription; the ids of kept storage to adopt name it.
        "azure-native:subscriptionId": z
            .string()
            .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/)
            .optional(),
        resourceGroupName: z
            .string()
            .regex(/^([A-Za-z0-9._()-]{1,90})?$/)
            .optional(),
        eventHubs: eventHubsSchema,
        databricks: databricksSchema.default({}),
        catalog: catalogSchema.default({ grants: [], metastoreStorage: false }),
        cluster: clusterSchema,
        interactiveCluster: configBoolean().default(false),
        job: jobSchema.default({
            mode: "availableNow",
            streams: "single",
            schedule: "0 0/15 * * * ?",
            timezone: "UTC",
            startingPosition: "start",
            goldOutputMode: "update",
            compute: "job",
            backlog: { maxFiles: 200, maxBytes: 1024 ** 3 },
        }),
        powerBi: powerBiSchema.default({ sqlWarehouse: { clusterSize: "2X-Small", autoStopMinutes: 10 } }),
        runAs: runAsSchema.optional(),
        readers: z.array(z.string().min(1).max(255)).default([]),
        cost: costSchema.default(defaultAssumptions),
    })
    .strict();

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

/** Workspace-local system groups: grants need account-level groups, and these two exist in every workspace only. */
const workspaceSystemGroups = ["users", "admins"];

/** A problem found by a rule that spans several keys. */
interface CrossFieldProblem {
    path: (string | number)[];
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
    if (isTrue(hubs.autoInflate) && sku !== "Standard") {
        problems.push({
            path: ["eventHubs", "autoInflate"],
            message: `is only available on the Standard tier (sku is ${String(sku)})`,
        });
    }
    if (hubs.maximumThroughputUnits !== undefined && !isTrue(hubs.autoInflate)) {
        problems.push({
            path: ["eventHubs", "maximumThroughputUnits"],
            message: "is only meaningful with autoInflate: true",
        });
    }
    if (
        isTrue(hubs.autoInflate) &&
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
    const catalog = record(raw.catalog);
    const storageChoices = ["storageRoot", "externalLocation", "metastoreStorage"].filter((key) =>
        key === "metastoreStorage" ? isTrue(catalog[key]) : catalog[key] !== undefined,
    );
    if (storageChoices.length > 1) {
        problems.push({
            path: ["catalog", storageChoices[1]],
            message: `and catalog.${storageChoices[0]} are exclusive: name one existing location, or neither to create the storage`,
        });
    }
    if (storageChoices.length > 0 && catalog.storageAccountName !== undefined) {
        problems.push({
            path: ["catalog", "storageAccountName"],
            message: `names the storage account the stack creates, which it does not do with catalog.${storageChoices[0]}`,
        });
    }
    if (isTrue(raw.adoptData)) {
        if (isTrue(raw.ephemeral ?? true)) {
            problems.push({
                path: ["adoptData"],
                message: "is for a stack whose data survives destroy: set lakestream:ephemeral to false",
            });
        }
        if (isTrue(catalog.forceDestroy)) {
            problems.push({
                path: ["adoptData"],
                message: "contradicts catalog.forceDestroy: true, which deletes the data it would adopt",
            });
        }
        if (raw["azure-native:subscriptionId"] === undefined && storageChoices.length === 0) {
            problems.push({
                path: ["azure-native:subscriptionId"],
                message:
                    "is required with lakestream:adoptData: the ids of the kept storage account and its resource group name the subscription",
            });
        }
    }
    if (job.mode === "continuous" && job.timeoutSeconds !== undefined) {
        problems.push({
            path: ["job", "timeoutSeconds"],
            message:
                "is not allowed with mode continuous: a continuous run is meant to run; its health rules and " +
                "failure notifications watch it",
        });
    }
    if (job.mode !== "continuous" && job.triggerSeconds !== undefined) {
        problems.push({
            path: ["job", "triggerSeconds"],
            message:
                "only applies to mode continuous: a scheduled run drains what the hub holds and stops, so it has " +
                "no trigger interval",
        });
    }
    if (job.mode !== "continuous" && job.taskRetryMode !== undefined) {
        problems.push({
            path: ["job", "taskRetryMode"],
            message: "only applies to mode continuous (scheduled runs retry with job.maxRetries)",
        });
    }
    if (job.compute === "interactive" && !isTrue(raw.interactiveCluster)) {
        problems.push({
            path: ["job", "compute"],
            message: "interactive needs lakestream:interactiveCluster: true, the cluster the tasks would run on",
        });
    }
    const owner = raw.owner;
    if (job.notify === undefined && typeof owner === "string" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(owner)) {
        problems.push({
            path: ["job", "notify"],
            message:
                `must list the e-mail addresses that hear about failures: it defaults to lakestream:owner, ` +
                `which is not an e-mail address ("${owner}")`,
        });
    }
    const workspace = record(raw.databricks);
    if (workspace.workspaceUrl !== undefined && workspace.workspaceName !== undefined) {
        problems.push({
            path: ["databricks", "workspaceName"],
            message: "and databricks.workspaceUrl are exclusive: use an existing workspace or create one",
        });
    }
    if (raw.runAs !== undefined && typeof raw.runAs === "object" && raw.runAs !== null && !Array.isArray(raw.runAs)) {
        const runAs = record(raw.runAs);
        const named = ["servicePrincipal", "user"].filter((key) => runAs[key] !== undefined);
        if (named.length > 1) {
            problems.push({
                path: ["runAs"],
                message:
                    "must name one identity: {servicePrincipal: <application id>} (recommended), {user: <user name>}, or {} for the identity that deploys",
            });
        }
    }
    if (Array.isArray(raw.readers)) {
        const seen = new Set<string>();
        raw.readers.forEach((group, index) => {
            if (typeof group !== "string") {
                return;
            }
            if (workspaceSystemGroups.includes(group.toLowerCase())) {
                problems.push({
                    path: ["readers", index],
                    message: `is a workspace-local system group; list account-level groups (grants need them)`,
                });
            }
            if (seen.has(group.toLowerCase())) {
                problems.push({ path: ["readers", index], message: "is listed twice" });
            }
            seen.add(group.toLowerCase());
        });
    }
    const warehouse = record(record(raw.powerBi).sqlWarehouse);
    if (
        typeof warehouse.autoStopMinutes === "number" &&
        warehouse.autoStopMinutes > 0 &&
        warehouse.autoStopMinutes < 10
    ) {
        problems.push({
            path: ["powerBi", "sqlWarehouse", "autoStopMinutes"],
            message: "must be 0 (never stop) or at least 10: the SQL warehouses API refuses 1 to 9",
        });
    }
    return problems;
}

function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

function record(value: unknown): Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : {};
}

type ParsedConfig = z.output<typeof stackConfigSchema>;

/** Where the catalog's managed storage comes from. */
export type CatalogStorageSource =
    /** The stack creates the chain: access connector, ADLS Gen2 account, role, storage credential, external location. */
    | { kind: "create"; storageAccountName: string }
    /** An existing managed location URL, covered by an external location someone else manages. */
    | { kind: "storageRoot"; storageRoot: string }
    /** An existing external location, by name; the catalog goes under its URL. */
    | { kind: "externalLocation"; externalLocationName: string }
    /** The metastore's own root storage (metastores created before automatic enablement may have one). */
    | { kind: "metastore" };

/** The validated configuration of one stack, with every default applied. */
export interface LakestreamConfig {
    stack: string;
    location: string;
    owner: string;
    environment: string;
    ephemeral: boolean;
    /** Adopt the kept data of an earlier deployment (`import`) instead of creating it. */
    adoptData: boolean;
    /** `azure-native:subscriptionId`, when the stack pins it. */
    subscriptionId?: string;
    resourceGroupName?: string;
    /** Tags every Azure resource and cluster carries. */
    tags: Record<string, string>;
    eventHubs: ParsedConfig["eventHubs"];
    databricks: Omit<ParsedConfig["databricks"], "workspaceFolder"> & { workspaceFolder: string };
    catalog: Pick<ParsedConfig["catalog"], "grants"> & {
        name: string;
        forceDestroy: boolean;
        storage: CatalogStorageSource;
    };
    cluster: ParsedConfig["cluster"];
    /** An all-purpose cluster for working by hand; the job runs on job clusters unless job.compute says otherwise. */
    interactiveCluster: boolean;
    job: Omit<ParsedConfig["job"], "maxEventsPerTrigger" | "paused" | "notify" | "triggerSeconds"> & {
        /** Seconds of a continuous run's processing-time trigger; passed to scheduled runs too, which ignore it. */
        triggerSeconds: number;
        maxEventsPerTrigger: number;
        paused: boolean;
        notify: string[];
    };
    powerBi: ParsedConfig["powerBi"];
    /** The one identity the job and its compute run as; undefined runs them as the identity that deploys. */
    runAs?: RunAsConfig;
    /** Account-level groups that read gold (and use the SQL warehouse). */
    readers: string[];
    /** Usage assumptions of the cost estimate (`npm run cost`); no resource reads them. */
    cost: CostAssumptions;
}

/** `lakestream:runAs`: a service principal by application id, or a user by user name. */
export type RunAsConfig = { servicePrincipal: string } | { user: string };

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
            return issue.keys.map((unknownKey) => {
                const replaced = replacedSettings[[...issue.path, unknownKey].map(String).join(".")];
                return replaced !== undefined
                    ? `${keyName([...issue.path, unknownKey])} ${replaced}`
                    : unknownKeyMessage(issue.path, unknownKey);
            });
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
        "lakestream:databricks.workspaceFolder":
            "must be an absolute workspace folder such as /lakestream/dev: letters, digits, dots, dashes, underscores, spaces",
        "lakestream:runAs.servicePrincipal":
            "must be the service principal's application id, a GUID such as 8d23ae77-912e-4a19-81e4-b9c3f5cc9349",
        "lakestream:runAs.user": "must be a user name: the e-mail address the user signs in with",
        "lakestream:catalog.name": "must be a lower-case identifier: a letter, then letters, digits or underscores",
        "lakestream:catalog.storageRoot": "must be an abfss://container@account.dfs.core.windows.net/path URL",
        "lakestream:catalog.externalLocation": "must be the name of an external location: letters, digits, _ or -",
        "lakestream:catalog.storageAccountName": "must be 3-24 lower-case letters and digits",
        "azure-native:subscriptionId": "must be a subscription id (a GUID)",
        "lakestream:cluster.nodeType": "must be an Azure VM size such as Standard_DS3_v2",
        "lakestream:job.schedule": 'must be a Quartz cron expression such as "0 0/15 * * * ?"',
        "lakestream:job.notify": "must be an e-mail address such as data-platform@example.com",
    };
    return formats[key.replace(/\[\d+\]/g, "")] ?? "has the wrong format";
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
    // Scheduled runs get the default too: every notebook declares the widget, and they ignore its value.
    const triggerSeconds = config.job.triggerSeconds ?? defaultTriggerSeconds;
    return {
        stack,
        location: config["azure-native:location"],
        owner: config.owner,
        environment,
        ephemeral: config.ephemeral,
        adoptData: config.adoptData,
        subscriptionId: config["azure-native:subscriptionId"],
        // Pulumi.yaml declares "" as the default: no existing group, create one.
        resourceGroupName: config.resourceGroupName || undefined,
        tags: { owner: config.owner, environment, project: projectNamespace },
        eventHubs: config.eventHubs,
        databricks: {
            ...config.databricks,
            // Not /Shared, where every workspace user can edit the code that holds the Event Hubs key.
            workspaceFolder: config.databricks.workspaceFolder ?? `/${projectNamespace}/${stack}`,
        },
        catalog: {
            grants: config.catalog.grants,
            name: config.catalog.name ?? `${projectNamespace}_${stack.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`,
            forceDestroy: config.catalog.forceDestroy ?? config.ephemeral,
            storage: catalogStorageSource(stack, config),
        },
        cluster: config.cluster,
        interactiveCluster: config.interactiveCluster,
        job: {
            ...config.job,
            // A scheduled run keeps a bound on its length; a continuous run has none.
            timeoutSeconds: config.job.mode === "continuous" ? undefined : (config.job.timeoutSeconds ?? 3600),
            triggerSeconds,
            maxEventsPerTrigger:
                config.job.maxEventsPerTrigger ??
                defaultMaxEventsPerTrigger(config.eventHubs.throughputUnits, triggerSeconds),
            paused: config.job.paused ?? config.ephemeral,
            notify: config.job.notify ?? [config.owner],
        },
        powerBi: config.powerBi,
        runAs: toRunAs(config.runAs),
        readers: config.readers,
        cost: config.cost,
    };
}

/** The validated `runAs` object (at most one key, checked above) as a tagged value; {} is the deploying identity. */
function toRunAs(runAs: ParsedConfig["runAs"]): RunAsConfig | undefined {
    if (runAs?.servicePrincipal !== undefined) {
        return { servicePrincipal: runAs.servicePrincipal.toLowerCase() };
    }
    if (runAs?.user !== undefined) {
        return { user: runAs.user };
    }
    return undefined;
}

function catalogStorageSource(stack: string, config: ParsedConfig): CatalogStorageSource {
    const catalog = config.catalog;
    if (catalog.storageRoot !== undefined) {
        return { kind: "storageRoot", storageRoot: catalog.storageRoot };
    }
    if (catalog.externalLocation !== undefined) {
        return { kind: "externalLocation", externalLocationName: catalog.externalLocation };
    }
    if (catalog.metastoreStorage) {
        return { kind: "metastore" };
    }
    return {
        kind: "create",
        storageAccountName:
            catalog.storageAccountName ??
            defaultStorageAccountName(stack, config["azure-native:location"], config.owner),
    };
}

/**
 * A storage account name that stays the same for a stack across deployments (so kept data can be adopted) and is
 * unlikely to be taken elsewhere: "ls", up to 12 letters of the stack, then 10 hex digits of a hash.
 */
export function defaultStorageAccountName(stack: string, location: string, owner: string): string {
    const letters = stack
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "")
        .slice(0, 12);
    const hash = createHash("sha256").update(`${projectNamespace}/${stack}/${location}/${owner}`).digest("hex");
    return `ls${letters}${hash.slice(0, 10)}`;
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
        if (namespace === "azure-native" && (key === "location" || key === "subscriptionId")) {
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
