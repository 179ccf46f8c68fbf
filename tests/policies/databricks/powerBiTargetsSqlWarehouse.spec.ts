// Specs for databricks-power-bi-targets-sql-warehouse, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { cluster, powerBiConnection, sqlEndpoint, underPowerBi, wireUnknown } from "../factories";

const policy = "databricks-power-bi-targets-sql-warehouse";

describe(policy, () => {
    it("accepts a Power BI connection through its own auto-stopping warehouse", async () => {
        assert.deepEqual(await violationsOf(policy, [powerBiConnection(), underPowerBi(sqlEndpoint())]), []);
    });

    it("rejects a connection with no warehouse of its own, even when the stack has one elsewhere", async () => {
        const connection = powerBiConnection();
        const [violation] = await violationsOf(policy, [connection, sqlEndpoint()]);
        assert.equal(violation.urn, connection.urn);
        assert.match(violation.message, /Found Power BI connection powerbi without a SQL warehouse/);
    });

    it("rejects a cluster as the connection's target", async () => {
        const target = underPowerBi(cluster());
        const violations = await violationsOf(policy, [powerBiConnection(), target]);
        assert.deepEqual(
            violations.map((violation) => violation.urn),
            [powerBiConnection().urn, target.urn],
        );
        assert.match(
            violations[1].message,
            /Found cluster streaming under Power BI connection powerbi; allowed: a SQL warehouse/,
        );
    });

    it("rejects a warehouse that never stops", async () => {
        const forever = underPowerBi(sqlEndpoint({ inputs: { autoStopMins: 0 } }));
        const [violation] = await violationsOf(policy, [powerBiConnection(), forever]);
        assert.equal(violation.urn, forever.urn);
        assert.match(violation.message, /autoStopMins 0 \(never stops\); allowed: a warehouse with auto-stop/);
    });

    it("has nothing to say about a stack without Power BI, or an auto-stop unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [sqlEndpoint({ inputs: { autoStopMins: 0 } })]), []);
        const pending = underPowerBi(sqlEndpoint({ inputs: { autoStopMins: wireUnknown } }));
        assert.deepEqual(await violationsOf(policy, [powerBiConnection(), pending]), []);
    });
});
