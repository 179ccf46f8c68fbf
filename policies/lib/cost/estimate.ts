// Estimates what a stack costs a month from the resources it declares, the price table and the usage assumptions.
import { isRecord, Unknown } from "../read";
import { ResourceTypes } from "../types";
import type { CostAssumptions } from "./assumptions";
import { CronError, runsPerDay } from "./cron";
import type { PriceTable } from "./priceTable";

/**
 * A resource as the estimate reads it: plain inputs, with `Unknown` where a value is not known until the update runs.
 * Built from the offline plan (src/cost) or from what the policy analyzer hands a stack policy (the budget policy).
 */
export interface CostResource {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
    /** URNs of the resources this one depends on (a job depends on the all-purpose cluster its tasks use). */
    dependencies: string[];
}

export type CostCategory =
    "Event Hubs" | "All-purpose compute" | "Jobs compute" | "SQL warehouse" | "Storage" | "Monitoring";
export const costCategories: CostCategory[] = [
    "Event Hubs",
    "All-purpose compute",
    "Jobs compute",
    "SQL warehouse",
    "Storage",
    "Monitoring",
];

/**
 * The properties the estimate reads, per resource type it prices; nothing else of a stack is read, so a value the
 * engine does not know yet elsewhere (an access control, a grant) cannot stop the estimate.
 */
export const pricedProperties: Readonly<Record<string, readonly string[]>> = {
    [ResourceTypes.eventHubsNamespace]: ["sku", "isAutoInflateEnabled", "maximumThroughputUnits"],
    [ResourceTypes.job]: [
        "continuous",
        "schedule",
        "trigger",
        "tasks",
        "jobClusters",
        "newCluster",
        "existingClusterId",
    ],
    [ResourceTypes.cluster]: ["autoscale", "numWorkers", "nodeTypeId", "driverNodeTypeId", "autoterminationMinutes"],
    [ResourceTypes.sqlEndpoint]: ["enableServerlessCompute", "clusterSize", "autoStopMins", "minNumClusters"],
    [ResourceTypes.storageAccount]: ["isHnsEnabled"],
    [ResourceTypes.catalog]: [],
    [ResourceTypes.metricAlert]: ["scopes", "criteria", "enabled"],
};

/** One priced line: a quantity per month times a price from the table, with how the quantity was found. */
export interface CostLine {
    category: CostCategory;
    /** Logical name of the resource the line is for. */
    resource: string;
    urn: string;
    /** What is billed, e.g. "Basic throughput units" or "VM hours, Standard_DS3_v2". */
    item: string;
    /** Billed units per month. */
    quantity: number;
    /** Unit of the quantity, the price table's unit. */
    unit: string;
    /** Price per unit, from the table. */
    unitPrice: number;
    /** Where the unit price is in the price table, e.g. "prices.eventhubs.basic.throughputUnitHour". */
    price: string;
    /** How the quantity was computed, in words and numbers a reader can redo by hand. */
    basis: string;
    /** The assumptions the quantity rests on, as `name=value`. */
    assumptions: string[];
    /** quantity × unitPrice, rounded to cents. */
    monthlyUsd: number;
}

/** Something that costs money but could not be priced, and why. */
export interface UnpricedItem {
    resource: string;
    urn: string;
    item: string;
    reason: string;
    /** True when the price table lacks an entry (fixable there); false when a value is unknown until the update. */
    missingPrice: boolean;
}

export interface CostEstimate {
    currency: string;
    /** Region of the price table. */
    priceRegion: string;
    assumptions: CostAssumptions;
    lines: CostLine[];
    unpriced: UnpricedItem[];
    /** What the estimate leaves out or approximates, for the reader. */
    notes: string[];
    /** Sum of the lines, to the cent. */
    totalMonthlyUsd: number;
}

const cents = (value: number) => Math.round(value * 100) / 100;
const trim = (value: number) => Number(value.toPrecision(6));
/** Numbers in a basis text: at most 4 decimals, thousands separated, so a reader can redo the sum. */
export function figure(value: number): string {
    return trim(value).toLocaleString("en-US", { maximumFractionDigits: 4 });
}

/** An amount in dollars to the cent, as every report prints it: $1,234.50. */
export function money(value: number): string {
    return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Reads a property path; `Unknown` when any step is unknown, undefined when absent. */
function read(value: unknown, ...path: (string | number)[]): unknown {
    let current = value;
    for (const step of path) {
        if (current === Unknown) {
            return Unknown;
        }
        if (typeof step === "number" ? !Array.isArray(current) : !isRecord(current)) {
            return undefined;
        }
        current = (current as Record<string | number, unknown>)[step];
    }
    return current;
}

const numberOr = (value: unknown, fallback: number) =>
    typeof value === "number" && Number.isFinite(value) ? value : fallback;

interface Context {
    table: PriceTable;
    assumptions: CostAssumptions;
    lines: CostLine[];
    unpriced: UnpricedItem[];
    notes: Set<string>;
    hoursPerMonth: number;
    daysPerMonth: number;
}

function addLine(
    context: Context,
    resource: CostResource,
    line: Omit<CostLine, "resource" | "urn" | "unitPrice" | "unit" | "monthlyUsd" | "price"> & { priceKey: string },
): void {
    const entry = context.table.prices[line.priceKey];
    if (entry === undefined) {
        context.unpriced.push({
            resource: resource.name,
            urn: resource.urn,
            item: line.item,
            reason: `the price table has no prices.${line.priceKey}`,
            missingPrice: true,
        });
        return;
    }
    const { priceKey, ...rest } = line;
    context.lines.push({
        ...rest,
        resource: resource.name,
        urn: resource.urn,
        unit: entry.unit,
        unitPrice: entry.price,
        price: `prices.${priceKey}`,
        quantity: trim(line.quantity),
        monthlyUsd: cents(line.quantity * entry.price),
    });
}

function unpriced(context: Context, resource: CostResource, item: string, reason: string, missingPrice: boolean) {
    context.unpriced.push({ resource: resource.name, urn: resource.urn, item, reason, missingPrice });
}

const assumption = (context: Context, key: keyof CostAssumptions) => `${key}=${context.assumptions[key]}`;

// ---------------------------------------------------------------- Event Hubs

/** Event Hubs bills ingress per 64 KB: a larger event counts once per started 64 KB. */
const ingressUnitBytes = 64 * 1024;

function priceNamespace(context: Context, namespace: CostResource, share: number): void {
    const sku = read(namespace.props, "sku");
    const tierValue = read(sku, "tier") ?? read(sku, "name");
    const capacity = read(sku, "capacity");
    if (tierValue === Unknown || capacity === Unknown) {
        unpriced(context, namespace, "Event Hubs namespace", "its sku is unknown until the update runs", false);
        return;
    }
    // Azure's defaults: a namespace without a sku is Standard with 1 unit.
    const tier = typeof tierValue === "string" ? tierValue : "Standard";
    const units = numberOr(capacity, 1);
    const { eventsPerSecond, eventBytes } = context.assumptions;
    const rate = eventsPerSecond * share;
    const rateText = share === 1 ? `${figure(rate)} events/s` : `${figure(rate)} events/s (its share of the stack's)`;
    const key = tier.toLowerCase();
    if (key === "premium") {
        addLine(context, namespace, {
            category: "Event Hubs",
            item: "Premium processing units (ingress included)",
            quantity: units * context.hoursPerMonth,
            priceKey: "eventhubs.premium.processingUnitHour",
            basis: `${units} PU × ${context.hoursPerMonth} h`,
            assumptions: [],
        });
        return;
    }
    if (key !== "basic" && key !== "standard") {
        unpriced(context, namespace, `Event Hubs ${tier} namespace`, `the price table has no ${tier} tier`, true);
        return;
    }
    // 1 TU = 1 MB/s or 1000 events/s of ingress. Auto-inflate adds units under load and never gives them back (the
    // namespace keeps the inflated capacity until someone lowers it), so a budget guard prices its ceiling.
    const needed = Math.max(1, Math.ceil(Math.max((rate * eventBytes) / 1_000_000, rate / 1000)));
    const autoInflate = read(namespace.props, "isAutoInflateEnabled") === true;
    const ceiling = numberOr(read(namespace.props, "maximumThroughputUnits"), units);
    let billed = units;
    let basis = `${units} TU × ${context.hoursPerMonth} h`;
    const load = [assumption(context, "eventsPerSecond"), assumption(context, "eventBytes")];
    if (autoInflate && ceiling > units) {
        billed = ceiling;
        basis =
            `${billed} TU (auto-inflate ceiling, from ${units}; ${rateText} × ${eventBytes} B needs ${needed}) × ` +
            `${context.hoursPerMonth} h`;
        if (needed > ceiling) {
            context.notes.add(
                `${namespace.name}: ${rateText} × ${eventBytes} B needs ${needed} throughput units but auto-inflate ` +
                    `stops at ${ceiling}: Event Hubs would throttle the producers.`,
            );
        }
    } else if (needed > units) {
        context.notes.add(
            `${namespace.name}: ${rateText} × ${eventBytes} B needs ${needed} throughput units but the namespace has ` +
                `${units} and no auto-inflate: Event Hubs would throttle the producers.`,
        );
    }
    addLine(context, namespace, {
        category: "Event Hubs",
        item: `${tier} throughput units`,
        quantity: billed * context.hoursPerMonth,
        priceKey: `eventhubs.${key}.throughputUnitHour`,
        basis,
        assumptions: [],
    });
    const billedPerEvent = Math.ceil(eventBytes / ingressUnitBytes);
    const millions = (rate * billedPerEvent * 86_400 * context.daysPerMonth) / 1_000_000;
    addLine(context, namespace, {
        category: "Event Hubs",
        item: `${tier} ingress events`,
        quantity: millions,
        priceKey: `eventhubs.${key}.ingressMillionEvents`,
        basis:
            `${rateText} × ${billedPerEvent} billed event(s) per ${eventBytes} B event × 86,400 s × ` +
            `${figure(context.daysPerMonth)} days ÷ 1,000,000`,
        assumptions: load,
    });
}

// ---------------------------------------------------------------- Databricks compute

interface NodeCount {
    nodeType: unknown;
    count: number;
}

/**
 * Driver and workers of a cluster spec. Autoscaling is priced at its maximum: a budget guard prices the most the
 * cluster may cost, and a Structured Streaming cluster that scaled up rarely scales back down (Databricks' compute
 * configuration docs: "Compute auto-scaling has limitations scaling down cluster size for Structured Streaming").
 */
function nodesOf(spec: unknown): { nodes: NodeCount[]; shape: string } | typeof Unknown {
    const autoscale = read(spec, "autoscale");
    const numWorkers = read(spec, "numWorkers");
    if (autoscale === Unknown || numWorkers === Unknown) {
        return Unknown;
    }
    const minWorkers = read(autoscale, "minWorkers");
    const maxWorkers = read(autoscale, "maxWorkers");
    if (minWorkers === Unknown || maxWorkers === Unknown) {
        return Unknown;
    }
    const scaled = isRecord(autoscale);
    const workers = scaled ? numberOr(maxWorkers, numberOr(minWorkers, 0)) : numberOr(numWorkers, 0);
    const workerType = read(spec, "nodeTypeId");
    const driverValue = read(spec, "driverNodeTypeId");
    const driverType = driverValue === undefined ? workerType : driverValue;
    const nodes: NodeCount[] =
        driverType === workerType
            ? [{ nodeType: workerType, count: 1 + workers }]
            : [{ nodeType: driverType, count: 1 }, ...(workers > 0 ? [{ nodeType: workerType, count: workers }] : [])];
    const shape =
        workers === 0
            ? "1 node (single node)"
            : scaled
              ? `${1 + workers} nodes (driver + ${workers} workers, autoscale ${numberOr(minWorkers, 0)}-${workers} priced at its maximum)`
              : `${1 + workers} nodes (driver + ${workers} workers)`;
    return { nodes, shape };
}

/** The node type of the table that costs most an hour (VM plus DBUs at the given rate), for unknown node types. */
function dearestNodeType(context: Context, dbuKey: string): string {
    const dbuPrice = context.table.prices[dbuKey]?.price ?? 0;
    const hourly = (name: string) => {
        const node = context.table.nodeTypes[name];
        return node.vmHour + node.dbuPerHour * dbuPrice;
    };
    return Object.keys(context.table.nodeTypes).sort((a, b) => hourly(b) - hourly(a) || a.localeCompare(b))[0];
}

function priceCompute(
    context: Context,
    resource: CostResource,
    category: "All-purpose compute" | "Jobs compute",
    spec: unknown,
    where: string,
    hoursPerDay: number,
    usage: string,
    usageAssumptions: string[],
): void {
    if (hoursPerDay <= 0) {
        return;
    }
    const shape = nodesOf(spec);
    if (shape === Unknown) {
        unpriced(context, resource, `${where} nodes`, "its size is unknown until the update runs", false);
        return;
    }
    const dbuKey = category === "Jobs compute" ? "databricks.premium.jobsDbu" : "databricks.premium.allPurposeDbu";
    const hours = hoursPerDay * context.daysPerMonth;
    for (const { nodeType, count } of shape.nodes) {
        let typeName = typeof nodeType === "string" ? nodeType : "(none)";
        if (nodeType === Unknown) {
            // Chosen by the workspace (a node-type look-up) once it exists: priced at the dearest the table holds.
            typeName = dearestNodeType(context, dbuKey);
            context.notes.add(
                `${resource.name}: the node type of its ${where} is unknown until the update runs; priced as ` +
                    `${typeName}, the dearest node type in the price table.`,
            );
        }
        const node = context.table.nodeTypes[typeName];
        if (node === undefined) {
            unpriced(
                context,
                resource,
                `${where}: ${count} × ${typeName}`,
                `the price table has no nodeTypes.${typeName} (VM price and DBUs per hour)`,
                true,
            );
            continue;
        }
        const nodeHours = count * hours;
        const common = `${count} × ${typeName} of ${shape.shape} × ${figure(hoursPerDay)} h/day (${usage}) × ${figure(context.daysPerMonth)} days`;
        const vmPrice = `nodeTypes.${typeName}.vmHour`;
        context.lines.push({
            category,
            resource: resource.name,
            urn: resource.urn,
            item: `${where}: VM hours, ${typeName}`,
            quantity: trim(nodeHours),
            unit: "VM-hour",
            unitPrice: node.vmHour,
            price: vmPrice,
            basis: common,
            assumptions: usageAssumptions,
            monthlyUsd: cents(nodeHours * node.vmHour),
        });
        addLine(context, resource, {
            category,
            item: `${where}: DBUs, ${typeName}`,
            quantity: nodeHours * node.dbuPerHour,
            priceKey: dbuKey,
            basis: `${common} × ${node.dbuPerHour} DBU/h (nodeTypes.${typeName}.dbuPerHour)`,
            assumptions: usageAssumptions,
        });
    }
}

interface JobTrigger {
    job: CostResource;
    trigger: Trigger | typeof Unknown;
}

type Trigger = { kind: "continuous" } | { kind: "scheduled"; runsPerDay: number; what: string } | { kind: "manual" };

/** How a job is started: continuous and unpaused, on a schedule (runs per day) unpaused, or only by hand. */
function triggerOf(context: Context, job: CostResource): Trigger | typeof Unknown {
    const props = job.props;
    const paused = (block: unknown) => {
        const status = read(block, "pauseStatus");
        return status === Unknown ? Unknown : status === "PAUSED";
    };
    const continuous = read(props, "continuous");
    const schedule = read(props, "schedule");
    const trigger = read(props, "trigger");
    if (continuous === Unknown || schedule === Unknown || trigger === Unknown) {
        return Unknown;
    }
    if (isRecord(continuous)) {
        const state = paused(continuous);
        return state === Unknown ? Unknown : state ? { kind: "manual" } : { kind: "continuous" };
    }
    if (isRecord(schedule)) {
        const state = paused(schedule);
        const cron = read(schedule, "quartzCronExpression");
        if (state === Unknown || cron === Unknown) {
            return Unknown;
        }
        if (state) {
            return { kind: "manual" };
        }
        try {
            return { kind: "scheduled", runsPerDay: runsPerDay(String(cron)), what: `schedule "${String(cron)}"` };
        } catch (error) {
            if (error instanceof CronError) {
                context.notes.add(`${job.name}: ${error.message}; priced as started by hand only.`);
                return { kind: "manual" };
            }
            throw error;
        }
    }
    if (isRecord(trigger)) {
        const state = paused(trigger);
        if (state === Unknown) {
            return Unknown;
        }
        if (state) {
            return { kind: "manual" };
        }
        if (isRecord(read(trigger, "continuous"))) {
            return { kind: "continuous" };
        }
        const periodic = read(trigger, "periodic");
        const interval = numberOr(read(periodic, "interval"), 0);
        const perUnit: Record<string, number> = { HOURS: 24, DAYS: 1, WEEKS: 1 / 7 };
        const unit = String(read(periodic, "unit"));
        if (interval > 0 && unit in perUnit) {
            return {
                kind: "scheduled",
                runsPerDay: perUnit[unit] / interval,
                what: `every ${interval} ${unit.toLowerCase()}`,
            };
        }
        context.notes.add(`${job.name}: its trigger is event-driven; priced as started by hand only.`);
    }
    return { kind: "manual" };
}

/** A job's usage in words and runs per day, for the compute it runs on. */
function usageOf(context: Context, trigger: Exclude<Trigger, { kind: "continuous" }>) {
    return trigger.kind === "scheduled"
        ? {
              runs: trigger.runsPerDay,
              what: `${figure(trigger.runsPerDay)} runs/day from ${trigger.what}`,
              assumptions: [],
          }
        : {
              runs: context.assumptions.manualRunsPerDay,
              what: `paused or unscheduled: ${context.assumptions.manualRunsPerDay} manual runs/day`,
              assumptions: [assumption(context, "manualRunsPerDay")],
          };
}

/** Job clusters: each starts with a run and stops when it ends, at the jobs-compute DBU rate. */
function priceJobClusters(context: Context, job: CostResource, trigger: Trigger): void {
    const tasks = read(job.props, "tasks");
    const taskList = Array.isArray(tasks) ? tasks : [];
    const shared = read(job.props, "jobClusters");
    const sharedList = Array.isArray(shared) ? shared : [];
    const usedKeys = new Set(
        taskList.map((task) => read(task, "jobClusterKey")).filter((key) => typeof key === "string"),
    );
    // A declared job cluster no task uses never starts; when the tasks are not known yet, count every one.
    const keysUnknown = tasks === Unknown || taskList.some((task) => read(task, "jobClusterKey") === Unknown);
    const clusters: { where: string; spec: unknown; perRun: number }[] = [];
    const { runMinutes } = context.assumptions;
    sharedList.forEach((entry, index) => {
        const key = read(entry, "jobClusterKey");
        const spec = read(entry, "newCluster");
        if (isRecord(spec) && (typeof key !== "string" || usedKeys.has(key) || keysUnknown)) {
            // A shared job cluster lives for the whole run.
            clusters.push({
                where: `job cluster ${typeof key === "string" ? key : `jobClusters[${index}]`}`,
                spec,
                perRun: runMinutes,
            });
        }
    });
    const ownClusterTasks = taskList.filter((task) => isRecord(read(task, "newCluster")));
    ownClusterTasks.forEach((task) => {
        // Tasks of a scheduled run take turns: a task's own cluster lives for its share of the run.
        const key = read(task, "taskKey");
        clusters.push({
            where: `task ${typeof key === "string" ? key : "?"} cluster`,
            spec: read(task, "newCluster"),
            perRun: trigger.kind === "continuous" ? runMinutes : runMinutes / Math.max(1, taskList.length),
        });
    });
    const jobLevel = read(job.props, "newCluster");
    if (isRecord(jobLevel)) {
        clusters.push({ where: "job cluster", spec: jobLevel, perRun: runMinutes });
    }
    // Clusters the job may declare where its specs are unknown: listed as not priced, never priced at nothing.
    if ([tasks, shared, jobLevel].includes(Unknown) || taskList.some((task) => read(task, "newCluster") === Unknown)) {
        unpriced(context, job, "job clusters", "its tasks or job clusters are unknown until the update runs", false);
    }
    // A code task with no cluster at all runs on serverless jobs compute, which the table does not price.
    const onJobCompute = (task: unknown) =>
        ["existingClusterId", "newCluster", "jobClusterKey"].some((field) => read(task, field) !== undefined);
    const codeTasks = ["notebookTask", "sparkPythonTask", "pythonWheelTask", "sparkJarTask"];
    const serverless = taskList.filter(
        (task) => !onJobCompute(task) && codeTasks.some((field) => read(task, field) !== undefined),
    );
    if (serverless.length > 0 && !isRecord(jobLevel) && read(job.props, "existingClusterId") === undefined) {
        unpriced(
            context,
            job,
            `${serverless.length} task(s) on serverless jobs compute`,
            "the price table has no serverless jobs compute price",
            true,
        );
    }
    for (const cluster of clusters) {
        if (trigger.kind === "continuous") {
            priceCompute(context, job, "Jobs compute", cluster.spec, cluster.where, 24, "continuous: always on", []);
            continue;
        }
        const usage = usageOf(context, trigger);
        const share = cluster.perRun === runMinutes ? "" : ` (1/${taskList.length} of the run)`;
        priceCompute(
            context,
            job,
            "Jobs compute",
            cluster.spec,
            cluster.where,
            (usage.runs * cluster.perRun) / 60,
            `${usage.what} × ${figure(cluster.perRun)} min${share}`,
            [...usage.assumptions, assumption(context, "runMinutes")],
        );
    }
}

/** Whether a job runs any task on an existing (all-purpose) cluster. */
function usesExistingCluster(job: CostResource): boolean {
    const tasks = read(job.props, "tasks");
    return (
        read(job.props, "existingClusterId") !== undefined ||
        (Array.isArray(tasks) && tasks.some((task) => read(task, "existingClusterId") !== undefined))
    );
}

/**
 * An all-purpose cluster bills from start until it auto-terminates after its idle minutes: a job run keeps it up
 * for the run plus the idle tail, and runs closer together than that keep it up all day.
 */
function priceAllPurposeCluster(context: Context, cluster: CostResource, jobs: JobTrigger[]): void {
    const idleValue = read(cluster.props, "autoterminationMinutes");
    if (idleValue === Unknown) {
        unpriced(context, cluster, "cluster", "its auto-termination is unknown until the update runs", false);
        return;
    }
    // Databricks' default for a cluster created through the API is 120 idle minutes; 0 never stops.
    const idle = numberOr(idleValue, 120);
    const { runMinutes, queryHoursPerDay } = context.assumptions;
    let hours = 0;
    const parts: string[] = [];
    const used = new Set<string>();
    for (const { job, trigger } of jobs) {
        if (trigger === Unknown) {
            unpriced(context, cluster, `runs of ${job.name}`, "its trigger is unknown until the update runs", false);
            continue;
        }
        if (trigger.kind === "continuous") {
            hours += 24;
            parts.push(`${job.name} continuous: 24 h/day`);
            continue;
        }
        const usage = usageOf(context, trigger);
        if (usage.runs <= 0) {
            continue;
        }
        usage.assumptions.forEach((text) => used.add(text));
        used.add(assumption(context, "runMinutes"));
        const interval = 1440 / usage.runs;
        if (idle === 0 || runMinutes + idle >= interval) {
            hours += 24;
            parts.push(
                `${job.name}: ${usage.what}, a run every ${figure(interval)} min, each ${figure(runMinutes)} min + ` +
                    `${idle} idle min ≥ the interval: never stops, 24 h/day`,
            );
        } else {
            const daily = (usage.runs * (runMinutes + idle)) / 60;
            hours += daily;
            parts.push(
                `${job.name}: ${usage.what} × (${figure(runMinutes)} min run + ${idle} idle min) = ${figure(daily)} h/day`,
            );
        }
    }
    if (jobs.length === 0 && queryHoursPerDay > 0) {
        // A cluster no job uses is for people: it is up while they query it, plus the idle tail.
        const daily = idle === 0 ? 24 : queryHoursPerDay + idle / 60;
        hours += daily;
        parts.push(`interactive: ${figure(queryHoursPerDay)} query h/day + ${idle} idle min = ${figure(daily)} h/day`);
        used.add(assumption(context, "queryHoursPerDay"));
    }
    priceCompute(
        context,
        cluster,
        "All-purpose compute",
        cluster.props,
        "cluster",
        Math.min(24, hours),
        parts.join("; ") + (hours > 24 ? " (capped at 24 h/day)" : ""),
        [...used],
    );
}

// ---------------------------------------------------------------- SQL warehouse and storage

function priceWarehouse(context: Context, warehouse: CostResource): void {
    const serverless = read(warehouse.props, "enableServerlessCompute");
    const size = read(warehouse.props, "clusterSize");
    const autoStop = read(warehouse.props, "autoStopMins");
    const clusters = read(warehouse.props, "minNumClusters");
    if ([serverless, size, autoStop, clusters].includes(Unknown)) {
        unpriced(context, warehouse, "SQL warehouse", "its settings are unknown until the update runs", false);
        return;
    }
    if (serverless !== true) {
        unpriced(
            context,
            warehouse,
            "SQL warehouse (classic or pro)",
            "the price table holds serverless SQL only; a classic or pro warehouse also bills VMs",
            true,
        );
        return;
    }
    const dbu = context.table.sqlWarehouseSizes.dbuPerHour[String(size)];
    if (dbu === undefined) {
        unpriced(
            context,
            warehouse,
            `SQL warehouse ${String(size)}`,
            `the price table has no sqlWarehouseSizes.dbuPerHour["${String(size)}"]`,
            true,
        );
        return;
    }
    const idle = numberOr(autoStop, 120);
    const count = Math.max(1, numberOr(clusters, 1));
    const { queryHoursPerDay } = context.assumptions;
    // Up while queried, then until auto-stop: one idle tail a day for one block of query hours; 0 never stops.
    const daily = idle === 0 ? 24 : queryHoursPerDay > 0 ? Math.min(24, queryHoursPerDay + idle / 60) : 0;
    addLine(context, warehouse, {
        category: "SQL warehouse",
        item: `serverless SQL DBUs, ${String(size)}`,
        quantity: count * dbu * daily * context.daysPerMonth,
        priceKey: "databricks.premium.serverlessSqlDbu",
        basis:
            `${count} cluster × ${dbu} DBU/h (sqlWarehouseSizes ${String(size)}) × ` +
            (idle === 0
                ? "24 h/day (auto-stop off)"
                : `(${figure(queryHoursPerDay)} query h/day + ${idle} min auto-stop) = ${figure(daily)} h/day`) +
            ` × ${figure(context.daysPerMonth)} days`,
        assumptions: [assumption(context, "queryHoursPerDay")],
    });
}

/** The lakehouse at steady state: what the retention keeps of the event stream, in GB (2^30 bytes) for a month. */
function priceStorage(context: Context, holder: CostResource, what: string): void {
    const { eventsPerSecond, eventBytes, retentionDays } = context.assumptions;
    const gb = (eventsPerSecond * eventBytes * 86_400 * retentionDays) / 1024 ** 3;
    addLine(context, holder, {
        category: "Storage",
        item: `lakehouse data, ${what}`,
        quantity: gb,
        priceKey: "storage.adlsGen2.hotLrsGbMonth",
        basis: `${figure(eventsPerSecond)} events/s × ${eventBytes} B × 86,400 s × ${retentionDays} days ÷ 2^30`,
        assumptions: [
            assumption(context, "eventsPerSecond"),
            assumption(context, "eventBytes"),
            assumption(context, "retentionDays"),
        ],
    });
}

// ---------------------------------------------------------------- Azure Monitor

/**
 * A metric alert rule bills each time series it monitors: one per condition and resource in scope when no dimension
 * splits them (Azure Monitor pricing; "Monitor multiple time series in a single metric alert rule").
 */
function priceMetricAlert(context: Context, alert: CostResource): void {
    if (read(alert.props, "enabled") === false) {
        return;
    }
    const scopes = read(alert.props, "scopes");
    const conditions = read(read(alert.props, "criteria"), "allOf");
    if (scopes === Unknown || conditions === Unknown) {
        unpriced(
            context,
            alert,
            "metric alert rule",
            "its scopes or conditions are unknown until the update runs",
            false,
        );
        return;
    }
    const resources = Array.isArray(scopes) ? Math.max(1, scopes.length) : 1;
    const count = Array.isArray(conditions) ? conditions.length : 1;
    addLine(context, alert, {
        category: "Monitoring",
        item: "metric alert rule, monitored time series",
        quantity: resources * count,
        priceKey: "monitor.metricAlertTimeSeriesMonth",
        basis: `${count} condition(s) × ${resources} resource(s), no dimensions`,
        assumptions: [],
    });
}

// ---------------------------------------------------------------- the estimate

/**
 * Prices every resource of a stack that costs money: Event Hubs namespaces (units and ingress), all-purpose clusters
 * (from how jobs and people use them), job clusters (from each job's trigger), serverless SQL warehouses and the
 * lakehouse's storage. A node type or trigger unknown until the update is priced the costly way, with a note; anything
 * else it cannot price is listed in `unpriced` with the reason.
 */
export function estimateMonthlyCost(
    resources: CostResource[],
    assumptions: CostAssumptions,
    table: PriceTable,
): CostEstimate {
    const context: Context = {
        table,
        assumptions,
        lines: [],
        unpriced: [],
        notes: new Set(),
        hoursPerMonth: table.hoursPerMonth,
        daysPerMonth: table.hoursPerMonth / 24,
    };
    const ofType = (type: string) => resources.filter((resource) => resource.type === type);

    const namespaces = ofType(ResourceTypes.eventHubsNamespace);
    for (const namespace of namespaces) {
        priceNamespace(context, namespace, 1 / namespaces.length);
    }

    const jobs: JobTrigger[] = ofType(ResourceTypes.job).map((job) => {
        const trigger = triggerOf(context, job);
        if (trigger !== Unknown) {
            return { job, trigger };
        }
        // The costliest way a job can run: priced as continuous rather than left out of the budget.
        context.notes.add(
            `${job.name}: its schedule or pause state is unknown until the update runs; priced as running continuously.`,
        );
        return { job, trigger: { kind: "continuous" } };
    });
    for (const { job, trigger } of jobs) {
        priceJobClusters(context, job, trigger as Trigger);
    }
    for (const cluster of ofType(ResourceTypes.cluster)) {
        const users = jobs.filter(({ job }) => job.dependencies.includes(cluster.urn) && usesExistingCluster(job));
        priceAllPurposeCluster(context, cluster, users);
    }

    for (const warehouse of ofType(ResourceTypes.sqlEndpoint)) {
        priceWarehouse(context, warehouse);
    }

    for (const alert of ofType(ResourceTypes.metricAlert)) {
        priceMetricAlert(context, alert);
    }

    const lake = ofType(ResourceTypes.storageAccount).find((account) => read(account.props, "isHnsEnabled") === true);
    const catalog = ofType(ResourceTypes.catalog)[0];
    if (lake !== undefined) {
        priceStorage(context, lake, "ADLS Gen2 hot LRS");
    } else if (catalog !== undefined) {
        priceStorage(context, catalog, "the catalog's managed storage, priced as ADLS Gen2 hot LRS");
    }

    context.notes.add(
        "Not estimated: VM disks and cluster start-up minutes, storage transactions, network egress, the workspace's " +
            "managed resources, Event Hubs egress and capture. Autoscaling clusters and auto-inflating namespaces are " +
            "priced at their maximum size.",
    );
    return {
        currency: table.currency,
        priceRegion: table.region,
        assumptions,
        lines: context.lines,
        unpriced: context.unpriced,
        notes: [...context.notes],
        totalMonthlyUsd: cents(context.lines.reduce((sum, line) => sum + line.monthlyUsd, 0)),
    };
}

/** The line that costs most, and the category that costs most in total. */
export function biggest(estimate: CostEstimate): {
    line?: CostLine;
    category?: { name: CostCategory; monthlyUsd: number };
} {
    const line = [...estimate.lines].sort((a, b) => b.monthlyUsd - a.monthlyUsd)[0];
    const totals = costCategories
        .map((name) => ({
            name,
            monthlyUsd: cents(
                estimate.lines
                    .filter((entry) => entry.category === name)
                    .reduce((sum, entry) => sum + entry.monthlyUsd, 0),
            ),
        }))
        .sort((a, b) => b.monthlyUsd - a.monthlyUsd);
    return { line, category: totals[0]?.monthlyUsd > 0 ? totals[0] : undefined };
}
