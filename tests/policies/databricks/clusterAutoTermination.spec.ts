// Specs for databricks-cluster-auto-termination, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { cluster, wireUnknown } from "../factories";

const policy = "databricks-cluster-auto-termination";

describe(policy, () => {
    it("accepts 10 minutes under the default limit", async () => {
        assert.deepEqual(await violationsOf(policy, [cluster()]), []);
    });

    it("rejects 120 minutes, 0 (never) and an unset value", async () => {
        const [late] = await violationsOf(policy, [cluster({ inputs: { autoterminationMinutes: 120 } })]);
        assert.match(late.message, /Found autoterminationMinutes 120; allowed: 1 to 10 minutes\./);
        const [never] = await violationsOf(policy, [cluster({ inputs: { autoterminationMinutes: 0 } })]);
        assert.match(never.message, /never terminates/);
        const [unset] = await violationsOf(policy, [cluster({ inputs: { autoterminationMinutes: undefined } })]);
        assert.match(unset.message, /workspace default is 120/);
    });

    it("accepts 60 minutes where the stack allows 60", async () => {
        const idle = cluster({ inputs: { autoterminationMinutes: 60 } });
        assert.deepEqual(await violationsOf(policy, [idle], { [policy]: { maxAutoterminationMinutes: 60 } }), []);
    });

    it("skips a value unknown during preview", async () => {
        assert.deepEqual(
            await violationsOf(policy, [cluster({ inputs: { autoterminationMinutes: wireUnknown } })]),
            [],
        );
    });
});
