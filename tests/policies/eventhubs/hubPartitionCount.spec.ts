// Specs for eventhubs-hub-partition-count, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { eventHub, wireUnknown } from "../factories";

const policy = "eventhubs-hub-partition-count";

describe(policy, () => {
    it("accepts 2 partitions", async () => {
        assert.deepEqual(await violationsOf(policy, [eventHub()]), []);
    });

    it("rejects 64 partitions, and a hub without a partition count", async () => {
        const [many] = await violationsOf(policy, [eventHub({ inputs: { partitionCount: 64 } })]);
        assert.match(many.message, /Found partitionCount 64; allowed: 1 to 32 partitions\./);
        const [none] = await violationsOf(policy, [eventHub({ inputs: { partitionCount: undefined } })]);
        assert.match(none.message, /Found no partitionCount/);
    });

    it("applies the stack's minimum", async () => {
        const single = eventHub({ inputs: { partitionCount: 1 } });
        assert.equal((await violationsOf(policy, [single], { [policy]: { minPartitions: 2 } })).length, 1);
        assert.equal((await violationsOf(policy, [single])).length, 0);
    });

    it("skips a partition count unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [eventHub({ inputs: { partitionCount: wireUnknown } })]), []);
    });
});
