// Validates a stack's raw configuration and applies the defaults that derive from other keys.
import { z } from "zod";
import type { CostAssumptions } from "../../policies/lib/cost/assumptions";
import { jobDefaults } from "../../components/medallionJobPlan";
import { toRunAs, type RunAsConfig } from "./access";
import { catalogStorageSource, type CatalogStorageSource } from "./catalog";
import { projectNamespace } from "./fields";
import { defaultMaxEventsPerTrigger } from "./job";
import { ConfigError, describeIssue, describeProblem } from "./messages";
import { costSchema, crossFieldProblems, stackConfigSchema, type ParsedConfig } from "./schema";

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
    /** The AI/BI dashboards: `enabled` creates the readers' and the owners' dashboard. */
    dashboard: ParsedConfig["dashboard"];
    /** The one identity the job and its compute run as; undefined runs them as the identity that deploys. */
    runAs?: RunAsConfig;
    /** Account-level groups that read gold (and use the SQL warehouse). */
    readers: string[];
    /** Usage assumptions of the cost estimate (`npm run cost`); no resource reads them. */
    cost: CostAssumptions;
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
        ...crossFieldProblems(raw).map((problem) => describeProblem(problem, raw)),
    ];
    if (!result.success || problems.length > 0) {
        throw new ConfigError(stack, problems);
    }
    return withDerivedDefaults(stack, result.data);
}

/** The defaults that follow from other keys (the stack's name, `ephemeral`, the throughput units, the owner). */
function withDerivedDefaults(stack: string, config: ParsedConfig): LakestreamConfig {
    const environment = config.environment || stack;
    // Scheduled runs get the default too: every notebook declares the widget, and they ignore its value.
    const triggerSeconds = config.job.triggerSeconds ?? jobDefaults.triggerSeconds;
    const location = config["azure-native:location"];
    return {
        stack,
        location,
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
            storage: catalogStorageSource(config.catalog, stack, location, config.owner),
        },
        cluster: config.cluster,
        interactiveCluster: config.interactiveCluster,
        job: {
            ...config.job,
            // A scheduled run keeps a bound on its length; a continuous run has none.
            timeoutSeconds:
                config.job.mode === "continuous"
                    ? undefined
                    : (config.job.timeoutSeconds ?? jobDefaults.timeoutSeconds),
            triggerSeconds,
            maxEventsPerTrigger:
                config.job.maxEventsPerTrigger ??
                defaultMaxEventsPerTrigger(config.eventHubs.throughputUnits, triggerSeconds),
            paused: config.job.paused ?? config.ephemeral,
            notify: config.job.notify ?? [config.owner],
        },
        powerBi: config.powerBi,
        dashboard: config.dashboard,
        runAs: toRunAs(config.runAs),
        readers: config.readers,
        cost: config.cost,
    };
}

/**
 * Validates only the `lakestream:cost` assumptions of a raw configuration, for a stack whose other keys belong to
 * another version of the program (the base branch the cost delta compares with). Throws a ConfigError.
 */
export function parseCostAssumptions(stack: string, raw: Record<string, unknown>): CostAssumptions {
    const given = { cost: raw.cost };
    const result = z.object({ cost: costSchema }).safeParse(given);
    if (!result.success) {
        throw new ConfigError(
            stack,
            result.error.issues.flatMap((issue) => describeIssue(issue, given)),
        );
    }
    return result.data.cost;
}

/**
 * The keys of a raw configuration the schema does not know, each named with the closest known key: what a reader
 * that stops before validation (a key Pulumi.yaml requires is missing) still reports, since a misspelt key is
 * usually why the required one is missing.
 */
export function unknownKeyProblems(raw: Record<string, unknown>): string[] {
    const result = stackConfigSchema.safeParse(raw);
    return result.success
        ? []
        : result.error.issues
              .filter((issue) => issue.code === "unrecognized_keys")
              .flatMap((issue) => describeIssue(issue, raw));
}
