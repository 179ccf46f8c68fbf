// Specs for databricks-cluster-required-tags, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { cluster, wireUnknown } from "../factories";

const policy = "databricks-cluster-required-tags";

describe(policy, () => {
    it("accepts a cluster tagged with owner and environment", async () => {
        assert.deepEqual(await violationsOf(policy, [cluster()]), []);
    });

    it("rejects a cluster without an owner tag", async () => {
        const untagged = cluster({ inputs: { customTags: { environment: "dev" } } });
        const [violation] = await violationsOf(policy, [untagged]);
        assert.match(
            violation.message,
            /Found customTags \[environment\], missing owner; required: owner, environment\./,
        );
    });

    it("uses the stack's list of tags", async () => {
        const config = { [policy]: { requiredTags: ["owner", "costCenter"] } };
        const [violation] = await violationsOf(policy, [cluster()], config);
        assert.match(violation.message, /missing costCenter/);
    });

    it("skips a tag value unknown during preview", async () => {
        const pending = cluster({ inputs: { customTags: { owner: wireUnknown, environment: "dev" } } });
        assert.deepEqual(await violationsOf(policy, [pending]), []);
    });
});
