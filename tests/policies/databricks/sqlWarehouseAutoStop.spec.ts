// Specs for databricks-sql-warehouse-auto-stop, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { sqlEndpoint, wireUnknown } from "../factories";

const policy = "databricks-sql-warehouse-auto-stop";

describe(policy, () => {
    it("accepts a warehouse stopping after 10 minutes", async () => {
        assert.deepEqual(await violationsOf(policy, [sqlEndpoint()]), []);
    });

    it("rejects 60 minutes and never stopping", async () => {
        const [late] = await violationsOf(policy, [sqlEndpoint({ inputs: { autoStopMins: 60 } })]);
        assert.match(late.message, /Found autoStopMins 60; allowed: 10 to 10 minutes\./);
        const [never] = await violationsOf(policy, [sqlEndpoint({ inputs: { autoStopMins: 0 } })]);
        assert.match(never.message, /never stops/);
    });

    it("rejects 5 minutes, which the SQL Warehouses API refuses", async () => {
        const [early] = await violationsOf(policy, [sqlEndpoint({ inputs: { autoStopMins: 5 } })]);
        assert.match(early.message, /Found autoStopMins 5 \(the API accepts 0 or at least 10\); allowed: 10 to 10/);
    });

    it("uses the stack's limit", async () => {
        const late = sqlEndpoint({ inputs: { autoStopMins: 30 } });
        assert.deepEqual(await violationsOf(policy, [late], { [policy]: { maxAutoStopMinutes: 30 } }), []);
    });

    it("skips a value unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [sqlEndpoint({ inputs: { autoStopMins: wireUnknown } })]), []);
    });
});
