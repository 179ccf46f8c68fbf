// Specs for eventhubs-namespace-max-throughput-units, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { namespace, wireUnknown } from "../factories";

const policy = "eventhubs-namespace-max-throughput-units";
const sku = (capacity: unknown) => ({ name: "Standard", tier: "Standard", capacity });

describe(policy, () => {
    it("accepts 1 throughput unit without auto-inflate under the default limit of 1", async () => {
        assert.deepEqual(await violationsOf(policy, [namespace()]), []);
    });

    it("rejects 4 throughput units under the default limit", async () => {
        const [violation, ...rest] = await violationsOf(policy, [namespace({ inputs: { sku: sku(4) } })]);
        assert.equal(rest.length, 0);
        assert.match(violation.message, /Found sku.capacity 4 throughput units; at most 1 allowed\./);
    });

    it("rejects auto-inflate beyond the limit even when the capacity fits", async () => {
        const inflating = namespace({ inputs: { isAutoInflateEnabled: true, maximumThroughputUnits: 4 } });
        const [violation] = await violationsOf(policy, [inflating]);
        assert.match(violation.message, /auto-inflate enabled with maximumThroughputUnits 4/);
    });

    it("rejects auto-inflate without a ceiling", async () => {
        const [violation] = await violationsOf(policy, [namespace({ inputs: { isAutoInflateEnabled: true } })]);
        assert.match(violation.message, /no maximumThroughputUnits/);
    });

    it("accepts 4 units with auto-inflate up to 4 when the stack allows 4", async () => {
        const inflating = namespace({ inputs: { sku: sku(4), isAutoInflateEnabled: true, maximumThroughputUnits: 4 } });
        const config = { [policy]: { maxThroughputUnits: 4 } };
        assert.deepEqual(await violationsOf(policy, [inflating], config), []);
    });

    it("still checks auto-inflate when the capacity is unknown during preview", async () => {
        const pending = namespace({
            inputs: { sku: sku(wireUnknown), isAutoInflateEnabled: true, maximumThroughputUnits: 8 },
        });
        const violations = await violationsOf(policy, [pending]);
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /maximumThroughputUnits 8/);
    });
});
