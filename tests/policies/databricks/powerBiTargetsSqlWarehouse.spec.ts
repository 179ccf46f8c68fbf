// Specs for databricks-power-bi-targets-sql-warehouse, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { cluster, firstDeploy, powerBiConnection, sqlEndpoint, underPowerBi, wireUnknown } from "../factories";

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

    it("has nothing to say about a stack without Power BI", async () => {
        assert.deepEqual(await violationsOf(policy, [sqlEndpoint({ inputs: { autoStopMins: 0 } })]), []);
    });

    it("says it could not check an auto-stop unknown during preview", async () => {
        const pending = underPowerBi(sqlEndpoint({ inputs: { autoStopMins: wireUnknown } }));
        const [advisory, ...rest] = await violationsOf(policy, [powerBiConnection(), pending]);
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(
            advisory.message,
            /can't run policy 'databricks-power-bi-targets-sql-warehouse' .* during preview: not checked, unknown until the update runs: autoStopMins of warehouse powerbi$/,
        );
    });

    it("on a first deploy (no outputs for the warehouse) still rejects one that never stops", async () => {
        const forever = underPowerBi(sqlEndpoint({ inputs: { autoStopMins: 0 } }));
        const [violation, ...rest] = await violationsOf(policy, firstDeploy([powerBiConnection(), forever]));
        assert.deepEqual(rest, []);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.match(violation.message, /with autoStopMins 0 \(never stops\)/);
    });
});
