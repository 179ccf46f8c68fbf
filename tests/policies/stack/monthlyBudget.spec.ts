// Specs for stack-monthly-budget, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { priceTable } from "../../../policies/lib/cost/priceTable";
import { violationsOf } from "../check";
import { cluster, compliantStack, replaced, sqlEndpoint, wireUnknown } from "../factories";

const policy = "stack-monthly-budget";
const days = 730 / 24;
const price = (key: string) => priceTable.prices[key].price;
const ds3 = priceTable.nodeTypes.Standard_DS3_v2;

/**
 * The compliant dev stack by hand, under the pack's default assumptions (5 events/s of 300 B, 2 manual runs a day of
 * 4 minutes, 7 days kept): one Basic unit, its ingress, a single-node DS3_v2 cluster up 2 × (4 + 10) minutes a day
 * for a job without a schedule, and the lakehouse.
 */
function compliantStackByHand(): number {
    const units = 730 * price("eventhubs.basic.throughputUnitHour");
    const ingress = ((5 * 86_400 * days) / 1e6) * price("eventhubs.basic.ingressMillionEvents");
    const clusterHours = ((2 * 14) / 60) * days;
    const vm = clusterHours * ds3.vmHour;
    const dbus = clusterHours * ds3.dbuPerHour * price("databricks.premium.allPurposeDbu");
    const storage = ((5 * 300 * 86_400 * 7) / 1024 ** 3) * price("storage.adlsGen2.hotLrsGbMonth");
    return [units, ingress, vm, dbus, storage].reduce((sum, value) => sum + Math.round(value * 100) / 100, 0);
}

describe(policy, () => {
    it("accepts the compliant stack under the default budget", async () => {
        assert.deepEqual(await violationsOf(policy, compliantStack()), []);
    });

    it("fails a stack whose estimate exceeds maxMonthlyUsd, naming the estimate, the biggest line and the budget", async () => {
        const total = compliantStackByHand();
        const budget = Math.floor(total) - 1;
        const [violation, ...rest] = await violationsOf(policy, compliantStack(), {
            [policy]: { maxMonthlyUsd: budget },
        });
        assert.deepEqual(rest, []);
        const dollars = `$${(Math.round(total * 100) / 100).toFixed(2)}`;
        assert.match(violation.message, new RegExp(`Found an estimated \\${dollars} a month for stack "dev"`));
        assert.match(violation.message, new RegExp(`the budget is \\$${budget}\\.00\\.`));
        assert.match(violation.message, /biggest line: ehns Basic throughput units, \$10\.95\)/);
        assert.equal(violation.enforcementLevel, "mandatory");
        // One cent more of budget than the estimate passes.
        assert.deepEqual(
            await violationsOf(policy, compliantStack(), { [policy]: { maxMonthlyUsd: total + 0.01 } }),
            [],
        );
    });

    it("takes the usage from its config: the same stack used all day costs more", async () => {
        const total = compliantStackByHand();
        const busier = { maxMonthlyUsd: total + 1, manualRunsPerDay: 200 };
        const [violation] = await violationsOf(policy, compliantStack(), { [policy]: busier });
        assert.match(violation.message, /Found an estimated \$/);
    });

    it("fails a stack with a node type the pack's price table does not hold, naming the file to extend", async () => {
        const stack = replaced(compliantStack(), cluster({ inputs: { nodeTypeId: "Standard_Z99_v9" } }));
        const [violation] = await violationsOf(policy, stack);
        assert.match(violation.message, /no nodeTypes\.Standard_Z99_v9/);
        assert.match(violation.message, /add it to policies\/lib\/cost\/prices\.json/);
    });

    it("leaves out what is unknown during preview instead of failing on it", async () => {
        const stack = replaced(compliantStack(), cluster({ inputs: { nodeTypeId: wireUnknown } }));
        assert.deepEqual(await violationsOf(policy, stack, { [policy]: { maxMonthlyUsd: 1000 } }), []);
    });

    it("prices a serverless SQL warehouse into the total", async () => {
        const withWarehouse = [
            ...compliantStack(),
            sqlEndpoint({ inputs: { warehouseType: "PRO", minNumClusters: 1 } }),
        ];
        const warehouse = 4 * (1 + 10 / 60) * days * price("databricks.premium.serverlessSqlDbu");
        const budget = compliantStackByHand() + warehouse - 1;
        const [violation] = await violationsOf(policy, withWarehouse, { [policy]: { maxMonthlyUsd: budget } });
        assert.match(violation.message, /biggest line: powerbi serverless SQL DBUs, 2X-Small/);
    });
});
