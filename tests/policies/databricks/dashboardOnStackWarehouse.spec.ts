// Specs for databricks-dashboard-on-stack-warehouse, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { cluster, dashboard, firstDeploy, sqlEndpoint, wireUnknown } from "../factories";

const policy = "databricks-dashboard-on-stack-warehouse";

describe(policy, () => {
    it("accepts a dashboard on the stack's warehouse", async () => {
        assert.deepEqual(await violationsOf(policy, [sqlEndpoint(), dashboard()]), []);
    });

    it("on a first deploy (id unknown, no outputs) accepts one whose id comes from the stack's warehouse", async () => {
        const pending = dashboard({ inputs: { warehouseId: wireUnknown } });
        assert.deepEqual(await violationsOf(policy, firstDeploy([sqlEndpoint(), pending])), []);
    });

    it("on a first deploy rejects one whose id comes from the streaming cluster", async () => {
        const onCluster = dashboard({ inputs: { warehouseId: wireUnknown }, dependencies: [cluster().urn] });
        const [violation, ...rest] = await violationsOf(policy, firstDeploy([cluster(), onCluster]));
        assert.deepEqual(rest, []);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.equal(violation.urn, onCluster.urn);
        assert.match(violation.message, /^Found dashboard readers on compute of cluster streaming, not on a SQL/m);
    });

    it("rejects a literal warehouse id the stack does not manage", async () => {
        const elsewhere = dashboard({ inputs: { warehouseId: "0123456789abcdef" }, dependencies: [] });
        const [violation] = await violationsOf(policy, [sqlEndpoint(), elsewhere]);
        assert.match(violation.message, /on warehouse 0123456789abcdef, which is not a SQL warehouse of this stack/);
    });

    it("rejects a dashboard without a warehouse", async () => {
        const [violation] = await violationsOf(policy, [sqlEndpoint(), dashboard({ inputs: { warehouseId: "" } })]);
        assert.match(violation.message, /^Found dashboard readers without a warehouseId/m);
    });

    it("says it could not check an unknown id that could come from a warehouse or a cluster", async () => {
        const both = dashboard({
            inputs: { warehouseId: wireUnknown },
            dependencies: [sqlEndpoint().urn, cluster().urn],
        });
        const [advisory, ...rest] = await violationsOf(policy, firstDeploy([sqlEndpoint(), cluster(), both]));
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(
            advisory.message,
            /unknown until the update runs: which compute the warehouseId of dashboard readers/,
        );
    });
});
