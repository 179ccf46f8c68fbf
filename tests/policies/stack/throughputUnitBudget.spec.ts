// Specs for stack-throughput-unit-budget, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { namespace, wireUnknown } from "../factories";

const policy = "stack-throughput-unit-budget";
const standard = (capacity: unknown, extra: Record<string, unknown> = {}) => ({
    sku: { name: "Standard", tier: "Standard", capacity },
    ...extra,
});

describe(policy, () => {
    it("accepts one namespace of 1 unit under the default budget", async () => {
        assert.deepEqual(await violationsOf(policy, [namespace()]), []);
    });

    it("adds up namespaces: two of 1 unit exceed a budget of 1", async () => {
        const [violation] = await violationsOf(policy, [namespace(), namespace({ name: "second" })]);
        assert.match(
            violation.message,
            /Found 2 throughput units at peak in stack "dev" \(ehns: 1, second: 1\); the stack's budget is 1\./,
        );
    });

    it("counts auto-inflate at its ceiling", async () => {
        const inflating = namespace({ inputs: standard(2, { isAutoInflateEnabled: true, maximumThroughputUnits: 8 }) });
        const [violation] = await violationsOf(policy, [inflating], { [policy]: { maxTotalThroughputUnits: 4 } });
        assert.match(violation.message, /Found 8 throughput units/);
        const capped = namespace({ inputs: standard(2, { isAutoInflateEnabled: true, maximumThroughputUnits: 4 }) });
        assert.deepEqual(await violationsOf(policy, [capped], { [policy]: { maxTotalThroughputUnits: 4 } }), []);
    });

    it("says it left out a namespace whose capacity is unknown during preview", async () => {
        const [advisory, ...rest] = await violationsOf(policy, [namespace({ inputs: standard(wireUnknown) })]);
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(
            advisory.message,
            /during preview: not checked, unknown until the update runs: the throughput units of namespace ehns; the total of 0 counts the others only$/,
        );
    });
});
