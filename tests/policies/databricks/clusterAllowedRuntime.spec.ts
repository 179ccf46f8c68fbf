// Specs for databricks-cluster-allowed-runtime, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { cluster, wireUnknown } from "../factories";

const policy = "databricks-cluster-allowed-runtime";

describe(policy, () => {
    it("accepts 15.4 and 16.4 LTS Scala 2.12 images", async () => {
        const newer = cluster({ name: "newer", inputs: { sparkVersion: "16.4.x-scala2.12" } });
        assert.deepEqual(await violationsOf(policy, [cluster(), newer]), []);
    });

    it("rejects a Scala 2.13 runtime the connector cannot load", async () => {
        const [violation] = await violationsOf(policy, [cluster({ inputs: { sparkVersion: "17.3.x-scala2.13" } })]);
        assert.match(
            violation.message,
            /Found cluster with sparkVersion "17.3.x-scala2.13"; allowed: 15.4.x-scala2.12, 16.4.x-scala2.12\./,
        );
    });

    it("uses the stack's allow-list", async () => {
        const config = { [policy]: { allowedSparkVersions: ["16.4.x-scala2.12"] } };
        assert.equal((await violationsOf(policy, [cluster()], config)).length, 1);
    });

    it("skips a runtime unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [cluster({ inputs: { sparkVersion: wireUnknown } })]), []);
    });
});
