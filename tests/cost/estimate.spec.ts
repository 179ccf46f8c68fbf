// Specs for the cost estimate: small hand-built plans priced against figures worked out here from the price table.
import { strict as assert } from "node:assert";
import { defaultAssumptions, type CostAssumptions } from "../../policies/lib/cost/assumptions";
import { estimateMonthlyCost, type CostEstimate, type CostResource } from "../../policies/lib/cost/estimate";
import { priceTable } from "../../policies/lib/cost/priceTable";
import { Unknown } from "../../policies/lib/read";
import * as plans from "./plans";

const prices = priceTable.prices;
const price = (key: string) => prices[key].price;
const vm = (type: string) => priceTable.nodeTypes[type].vmHour;
const dbuRate = (type: string) => priceTable.nodeTypes[type].dbuPerHour;
// Worked out here, not taken from the code: a month is 730 hours, so 730 / 24 days.
const hoursPerMonth = 730;
const days = hoursPerMonth / 24;
const cents = (value: number) => Math.round(value * 100) / 100;

const assumptions = (change: Partial<CostAssumptions> = {}): CostAssumptions => ({
    eventsPerSecond: 10,
    eventBytes: 500,
    queryHoursPerDay: 2,
    runMinutes: 5,
    manualRunsPerDay: 3,
    retentionDays: 30,
    ...change,
});

function estimate(resources: CostResource[], change: Partial<CostAssumptions> = {}): CostEstimate {
    return estimateMonthlyCost(resources, assumptions(change), priceTable);
}

function line(result: CostEstimate, item: RegExp) {
    const found = result.lines.filter((entry) => item.test(entry.item));
    assert.equal(
        found.length,
        1,
        `one line matching ${item}; lines: ${result.lines.map((entry) => entry.item).join(" | ")}`,
    );
    return found[0];
}

/** Asserts a line's dollars against a figure computed by hand (to the cent, as the estimate rounds). */
function assertDollars(actual: number, expected: number) {
    assert.ok(Math.abs(actual - cents(expected)) < 0.006, `expected $${cents(expected)}, got $${actual}`);
}

describe("cost estimate", () => {
    it("the price table says the month has 730 hours, as these figures assume", () => {
        assert.equal(priceTable.hoursPerMonth, hoursPerMonth);
    });

    it("prices a stack with no compute as its Event Hubs and its storage only", () => {
        const result = estimate([plans.namespace({ name: "Basic", tier: "Basic", capacity: 1 }), plans.catalog()]);
        assert.deepEqual([...new Set(result.lines.map((entry) => entry.category))].sort(), ["Event Hubs", "Storage"]);
        const units = line(result, /Basic throughput units/);
        assertDollars(units.monthlyUsd, 1 * 730 * price("eventhubs.basic.throughputUnitHour"));
        assert.equal(units.price, "prices.eventhubs.basic.throughputUnitHour");
        // 10 events/s of 500 B: one 64 KB billing unit each.
        const ingress = line(result, /Basic ingress events/);
        assertDollars(ingress.monthlyUsd, ((10 * 86_400 * days) / 1e6) * price("eventhubs.basic.ingressMillionEvents"));
        assert.deepEqual(ingress.assumptions, ["eventsPerSecond=10", "eventBytes=500"]);
        const storage = line(result, /lakehouse data/);
        const gb = (10 * 500 * 86_400 * 30) / 1024 ** 3;
        assertDollars(storage.monthlyUsd, gb * price("storage.adlsGen2.hotLrsGbMonth"));
        assert.equal(storage.resource, "catalog");
        assert.deepEqual(storage.assumptions, ["eventsPerSecond=10", "eventBytes=500", "retentionDays=30"]);
        const total = units.monthlyUsd + ingress.monthlyUsd + storage.monthlyUsd;
        assertDollars(result.totalMonthlyUsd, total);
        assert.deepEqual(result.unpriced, []);
    });

    it("counts an event larger than 64 KB once per started 64 KB of ingress", () => {
        const result = estimate([plans.namespace({ name: "Standard", tier: "Standard", capacity: 1 })], {
            eventBytes: 100_000,
            eventsPerSecond: 1,
        });
        const ingress = line(result, /Standard ingress events/);
        assertDollars(
            ingress.monthlyUsd,
            ((1 * 2 * 86_400 * days) / 1e6) * price("eventhubs.standard.ingressMillionEvents"),
        );
    });

    it("bills an auto-inflating namespace at its ceiling, whatever the event rate needs", () => {
        const inflating = plans.namespace(
            { name: "Standard", tier: "Standard", capacity: 1 },
            { isAutoInflateEnabled: true, maximumThroughputUnits: 4 },
        );
        // 5 events/s need 1 unit; auto-inflate may still take the namespace to 4 and never gives units back.
        const quiet = line(estimate([inflating], { eventsPerSecond: 5, eventBytes: 300 }), /throughput units/);
        assertDollars(quiet.monthlyUsd, 4 * 730 * price("eventhubs.standard.throughputUnitHour"));
        assert.match(quiet.basis, /auto-inflate ceiling, from 1/);
        // 9,000 events/s of 1,000 B would need 9 units: still 4, and a note that the producers would be throttled.
        const busy = estimate([inflating], { eventsPerSecond: 9000, eventBytes: 1000 });
        assertDollars(
            line(busy, /throughput units/).monthlyUsd,
            4 * 730 * price("eventhubs.standard.throughputUnitHour"),
        );
        assert.ok(busy.notes.some((note) => /needs 9 throughput units but auto-inflate stops at 4/.test(note)));
    });

    it("bills a namespace without auto-inflate at its capacity", () => {
        const fixed = plans.namespace(
            { name: "Standard", tier: "Standard", capacity: 2 },
            { isAutoInflateEnabled: false, maximumThroughputUnits: 4 },
        );
        const units = line(estimate([fixed], { eventsPerSecond: 5 }), /throughput units/);
        assertDollars(units.monthlyUsd, 2 * 730 * price("eventhubs.standard.throughputUnitHour"));
    });

    it("notes throttling when the rate needs more units than a namespace without auto-inflate has", () => {
        const result = estimate([plans.namespace({ name: "Basic", tier: "Basic", capacity: 1 })], {
            eventsPerSecond: 2500,
        });
        assertDollars(line(result, /throughput units/).monthlyUsd, 730 * price("eventhubs.basic.throughputUnitHour"));
        assert.ok(result.notes.some((note) => /needs 3 throughput units but the namespace has 1/.test(note)));
    });

    it("prices Premium by processing unit with ingress included", () => {
        const result = estimate([plans.namespace({ name: "Premium", tier: "Premium", capacity: 2 })]);
        assert.equal(result.lines.length, 1);
        assertDollars(result.lines[0].monthlyUsd, 2 * 730 * price("eventhubs.premium.processingUnitHour"));
    });

    it("keeps an all-purpose cluster up for each scheduled run plus its idle minutes", () => {
        const cluster = plans.cluster();
        // Every 30 minutes: 48 runs a day, each 5 min + 10 idle min < 30, so 48 × 15 min = 12 h a day.
        const job = plans.jobOnCluster(cluster, {
            schedule: { quartzCronExpression: "0 0/30 * * * ?", timezoneId: "UTC", pauseStatus: "UNPAUSED" },
        });
        const result = estimate([cluster, job]);
        const hours = 12 * days;
        const vmLine = line(result, /VM hours, Standard_DS3_v2/);
        assertDollars(vmLine.monthlyUsd, hours * vm("Standard_DS3_v2"));
        assert.equal(vmLine.category, "All-purpose compute");
        assert.equal(vmLine.price, "nodeTypes.Standard_DS3_v2.vmHour");
        const dbuLine = line(result, /DBUs, Standard_DS3_v2/);
        assertDollars(
            dbuLine.monthlyUsd,
            hours * dbuRate("Standard_DS3_v2") * price("databricks.premium.allPurposeDbu"),
        );
        assert.equal(dbuLine.price, "prices.databricks.premium.allPurposeDbu");
        assert.match(dbuLine.basis, /48 runs\/day/);
        assert.deepEqual(dbuLine.assumptions, ["runMinutes=5"]);
    });

    it("keeps an all-purpose cluster up all day when runs come closer than run plus idle minutes", () => {
        const cluster = plans.cluster({ numWorkers: 2 });
        // Every 15 minutes: 5 min + 10 idle min is not less than 15, so it never stops.
        const job = plans.jobOnCluster(cluster, {
            schedule: { quartzCronExpression: "0 0/15 * * * ?", timezoneId: "UTC" },
        });
        const result = estimate([cluster, job]);
        assertDollars(line(result, /VM hours/).monthlyUsd, 3 * 24 * days * vm("Standard_DS3_v2"));
        assert.match(line(result, /VM hours/).basis, /never stops, 24 h\/day/);
    });

    it("prices a paused job's cluster by the manual runs alone", () => {
        const cluster = plans.cluster();
        const job = plans.jobOnCluster(cluster, {
            schedule: { quartzCronExpression: "0 0/15 * * * ?", timezoneId: "UTC", pauseStatus: "PAUSED" },
        });
        const result = estimate([cluster, job], { manualRunsPerDay: 3 });
        // 3 runs × (5 min + 10 idle min) = 45 min a day.
        const hours = 0.75 * days;
        assertDollars(
            line(result, /DBUs/).monthlyUsd,
            hours * dbuRate("Standard_DS3_v2") * price("databricks.premium.allPurposeDbu"),
        );
        assert.deepEqual(line(result, /DBUs/).assumptions, ["manualRunsPerDay=3", "runMinutes=5"]);
        const none = estimate([cluster, job], { manualRunsPerDay: 0 });
        assert.equal(none.lines.filter((entry) => entry.category === "All-purpose compute").length, 0);
    });

    it("prices a continuous job's shared job cluster always on, at the jobs-compute rate", () => {
        const spec = { sparkVersion: "15.4.x-scala2.12", nodeTypeId: "Standard_D4ds_v5", numWorkers: 1 };
        const job = plans.jobOnJobClusters({ continuous: { pauseStatus: "UNPAUSED" } }, spec, true);
        const result = estimate([job]);
        const nodeHours = 2 * 24 * days;
        const dbuLine = line(result, /DBUs, Standard_D4ds_v5/);
        assertDollars(
            dbuLine.monthlyUsd,
            nodeHours * dbuRate("Standard_D4ds_v5") * price("databricks.premium.jobsDbu"),
        );
        assert.equal(dbuLine.category, "Jobs compute");
        assert.equal(dbuLine.price, "prices.databricks.premium.jobsDbu");
        assertDollars(line(result, /VM hours/).monthlyUsd, nodeHours * vm("Standard_D4ds_v5"));
    });

    it("prices an autoscaling job cluster at its maximum size", () => {
        const spec = {
            sparkVersion: "15.4.x-scala2.12",
            nodeTypeId: "Standard_DS3_v2",
            autoscale: { minWorkers: 1, maxWorkers: 3 },
        };
        const job = plans.jobOnJobClusters({ continuous: { pauseStatus: "UNPAUSED" } }, spec, true);
        const vmLine = line(estimate([job]), /VM hours/);
        // Driver + 3 workers, always on.
        assertDollars(vmLine.monthlyUsd, 4 * 24 * days * vm("Standard_DS3_v2"));
        assert.match(vmLine.basis, /autoscale 1-3 priced at its maximum/);
    });

    it("prices an autoscaling all-purpose cluster at its maximum size", () => {
        const cluster = plans.cluster({ numWorkers: undefined, autoscale: { minWorkers: 2, maxWorkers: 5 } });
        const job = plans.jobOnCluster(cluster, { continuous: { pauseStatus: "UNPAUSED" } });
        const vmLine = line(estimate([cluster, job]), /VM hours/);
        assertDollars(vmLine.monthlyUsd, 6 * 24 * days * vm("Standard_DS3_v2"));
    });

    it("prices a metric alert rule per monitored time series: conditions × resources in scope", () => {
        const two = line(estimate([plans.metricAlert(2)]), /metric alert rule/);
        assertDollars(two.monthlyUsd, 2 * price("monitor.metricAlertTimeSeriesMonth"));
        assert.equal(two.category, "Monitoring");
        const wider = plans.metricAlert(2, { scopes: ["/ns/a", "/ns/b", "/ns/c"] });
        assertDollars(
            line(estimate([wider]), /metric alert rule/).monthlyUsd,
            6 * price("monitor.metricAlertTimeSeriesMonth"),
        );
        assert.equal(estimate([plans.metricAlert(2, { enabled: false })]).lines.length, 0);
    });

    it("prices a scheduled job's shared job cluster for the runs only, with no idle tail", () => {
        const spec = { sparkVersion: "15.4.x-scala2.12", nodeTypeId: "Standard_D4ds_v5", numWorkers: 0 };
        // 0 0 * * * ?: hourly, 24 runs × 5 min = 2 h a day.
        const job = plans.jobOnJobClusters(
            { schedule: { quartzCronExpression: "0 0 * * * ?", timezoneId: "UTC" } },
            spec,
            true,
        );
        const result = estimate([job]);
        assertDollars(line(result, /VM hours/).monthlyUsd, 2 * days * vm("Standard_D4ds_v5"));
        assertDollars(
            line(result, /DBUs/).monthlyUsd,
            2 * days * dbuRate("Standard_D4ds_v5") * price("databricks.premium.jobsDbu"),
        );
    });

    it("gives each task's own cluster its share of a run, and a paused job only its manual runs", () => {
        const spec = { sparkVersion: "15.4.x-scala2.12", nodeTypeId: "Standard_DS3_v2", numWorkers: 0 };
        const job = plans.jobOnJobClusters(
            { schedule: { quartzCronExpression: "0 0 * * * ?", pauseStatus: "PAUSED" } },
            spec,
            false,
        );
        const result = estimate([job], { manualRunsPerDay: 4, runMinutes: 6 });
        const vmLines = result.lines.filter((entry) => /VM hours/.test(entry.item));
        assert.equal(vmLines.length, 3);
        // 4 manual runs × 6 min ÷ 3 tasks = 8 min a day per task cluster.
        for (const entry of vmLines) {
            assertDollars(entry.monthlyUsd, (8 / 60) * days * vm("Standard_DS3_v2"));
        }
    });

    it("prices a serverless SQL warehouse by its size for the query hours plus one auto-stop tail", () => {
        const result = estimate([plans.warehouse({ clusterSize: "Small", autoStopMins: 10 })], { queryHoursPerDay: 3 });
        const dbu = priceTable.sqlWarehouseSizes.dbuPerHour.Small;
        const expected = dbu * (3 + 10 / 60) * days * price("databricks.premium.serverlessSqlDbu");
        const entry = line(result, /serverless SQL DBUs, Small/);
        assertDollars(entry.monthlyUsd, expected);
        assert.equal(entry.category, "SQL warehouse");
        assert.deepEqual(entry.assumptions, ["queryHoursPerDay=3"]);
        const idle = estimate([plans.warehouse({ clusterSize: "Small", autoStopMins: 10 })], { queryHoursPerDay: 0 });
        assertDollars(idle.totalMonthlyUsd, 0);
    });

    it("prices a cluster no job uses as interactive: the query hours plus its idle minutes", () => {
        const result = estimate([plans.cluster({ autoterminationMinutes: 30 })], { queryHoursPerDay: 2 });
        assertDollars(line(result, /VM hours/).monthlyUsd, 2.5 * days * vm("Standard_DS3_v2"));
    });

    it("puts the lakehouse on the stack's ADLS Gen2 account when it has one", () => {
        const account = plans.resource("azure-native:storage:StorageAccount", "lake", {
            isHnsEnabled: true,
            kind: "StorageV2",
        });
        const result = estimate([account, plans.catalog()]);
        assert.equal(line(result, /lakehouse data/).resource, "lake");
    });

    it("lists what it cannot price: a node type missing from the table, a value unknown until the update", () => {
        const unknownType = plans.cluster({ nodeTypeId: "Standard_Z99_v9" });
        const job = plans.jobOnCluster(unknownType, { continuous: { pauseStatus: "UNPAUSED" } });
        const result = estimate([unknownType, job]);
        assert.deepEqual(result.lines, []);
        assert.equal(result.unpriced.length, 1);
        assert.equal(result.unpriced[0].missingPrice, true);
        assert.match(result.unpriced[0].reason, /no nodeTypes\.Standard_Z99_v9/);

        const unknownSize = plans.cluster({ numWorkers: Unknown });
        const later = estimate([unknownSize, plans.jobOnCluster(unknownSize, { continuous: {} })]);
        assert.deepEqual(later.lines, []);
        assert.equal(later.unpriced[0].missingPrice, false);
        assert.match(later.unpriced[0].reason, /its size is unknown until the update runs/);
    });

    it("prices a node type unknown until the update at the dearest in the table, and says so", () => {
        // At the all-purpose DBU price, by hand from the table.
        const hourly = (type: string) => vm(type) + dbuRate(type) * price("databricks.premium.allPurposeDbu");
        const dearest = Object.keys(priceTable.nodeTypes).sort((a, b) => hourly(b) - hourly(a))[0];
        const unknownType = plans.cluster({ nodeTypeId: Unknown });
        const result = estimate([unknownType, plans.jobOnCluster(unknownType, { continuous: {} })]);
        assert.deepEqual(result.unpriced, []);
        const nodes = 1 + Number(unknownType.props.numWorkers ?? 0);
        assertDollars(
            result.totalMonthlyUsd,
            cents(nodes * 24 * days * vm(dearest)) +
                cents(nodes * 24 * days * dbuRate(dearest) * price("databricks.premium.allPurposeDbu")),
        );
        assert.ok(
            result.notes.some((note) =>
                note.includes(
                    `node type of its cluster is unknown until the update runs; priced as ${dearest}, the dearest`,
                ),
            ),
        );
    });

    it("leaves out a declared job cluster no task uses, and lists tasks on serverless jobs compute as not priced", () => {
        const spec = { sparkVersion: "15.4.x-scala2.12", nodeTypeId: "Standard_DS3_v2", numWorkers: 0 };
        const job = plans.resource("databricks:index/job:Job", "job", {
            continuous: { pauseStatus: "UNPAUSED" },
            jobClusters: [
                { jobClusterKey: "used", newCluster: spec },
                { jobClusterKey: "spare", newCluster: spec },
            ],
            tasks: [
                { taskKey: "bronze", jobClusterKey: "used", notebookTask: { notebookPath: "/x" } },
                { taskKey: "silver", notebookTask: { notebookPath: "/y" } },
            ],
        });
        const result = estimate([job]);
        assert.deepEqual(
            result.lines.map((entry) => entry.item),
            ["job cluster used: VM hours, Standard_DS3_v2", "job cluster used: DBUs, Standard_DS3_v2"],
        );
        assert.deepEqual(
            result.unpriced.map((item) => [item.item, item.missingPrice]),
            [["1 task(s) on serverless jobs compute", true]],
        );
    });

    it("uses the dev stack's values as defaults", () => {
        assert.deepEqual(defaultAssumptions, {
            eventsPerSecond: 5,
            eventBytes: 300,
            queryHoursPerDay: 1,
            runMinutes: 4,
            manualRunsPerDay: 2,
            retentionDays: 7,
        });
    });
});
