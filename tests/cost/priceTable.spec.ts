// Specs for the price table: every entry names its unit, its source page and the day it was copied; a bad table is refused.
import { strict as assert } from "node:assert";
import { priceTable, priceTableProblems, type PriceTable } from "../../policies/lib/cost/priceTable";

describe("cost: price table", () => {
    it("ships with no problem, in one currency and region, for the tiers and rates the estimate uses", () => {
        assert.deepEqual(priceTableProblems(priceTable), []);
        assert.equal(priceTable.currency, "USD");
        for (const key of [
            "eventhubs.basic.throughputUnitHour",
            "eventhubs.standard.throughputUnitHour",
            "eventhubs.premium.processingUnitHour",
            "eventhubs.basic.ingressMillionEvents",
            "eventhubs.standard.ingressMillionEvents",
            "databricks.premium.allPurposeDbu",
            "databricks.premium.jobsDbu",
            "databricks.premium.serverlessSqlDbu",
            "storage.adlsGen2.hotLrsGbMonth",
        ]) {
            assert.ok(priceTable.prices[key], `prices.${key}`);
        }
        // The node types the stacks use: the offline plan's default and prod's.
        assert.ok(priceTable.nodeTypes.Standard_D4ds_v5);
        assert.ok(priceTable.nodeTypes.Standard_DS3_v2);
        // Every warehouse size the config accepts.
        for (const size of ["2X-Small", "X-Small", "Small", "Medium", "Large"]) {
            assert.ok(priceTable.sqlWarehouseSizes.dbuPerHour[size], size);
        }
    });

    it("says that prices cannot be read live here", () => {
        assert.match(priceTable.description, /cannot read prices live/);
    });

    it("refuses an entry without a price, a source page or a date, naming it", () => {
        const broken = structuredClone(priceTable) as PriceTable;
        broken.prices["eventhubs.basic.throughputUnitHour"].price = 0;
        broken.prices["databricks.premium.jobsDbu"].source = "a blog";
        broken.nodeTypes.Standard_DS3_v2.copied = "last week";
        broken.currency = "dollars";
        assert.deepEqual(priceTableProblems(broken), [
            'currency must be an ISO code such as USD (got "dollars")',
            "prices.eventhubs.basic.throughputUnitHour.price must be a positive number",
            "prices.databricks.premium.jobsDbu.source must be the https page it was copied from",
            "nodeTypes.Standard_DS3_v2.copied must be a date (YYYY-MM-DD)",
        ]);
    });
});
