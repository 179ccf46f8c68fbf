// Specs for eventhubs-no-consumer-group-on-basic, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { consumerGroup, eventHub, namespace, wireUnknown } from "../factories";

const policy = "eventhubs-no-consumer-group-on-basic";

describe(policy, () => {
    it("accepts a Basic namespace without consumer groups", async () => {
        assert.deepEqual(await violationsOf(policy, [namespace(), eventHub()]), []);
    });

    it("rejects a consumer group on a Basic namespace", async () => {
        const group = consumerGroup();
        const [violation, ...rest] = await violationsOf(policy, [namespace(), eventHub(), group]);
        assert.equal(rest.length, 0);
        assert.equal(violation.urn, group.urn);
        assert.match(violation.message, /Found a consumer group on the Basic namespace ehns/);
    });

    it("accepts a consumer group on a Standard namespace", async () => {
        const standard = namespace({ inputs: { sku: { name: "Standard", tier: "Standard", capacity: 1 } } });
        assert.deepEqual(await violationsOf(policy, [standard, eventHub(), consumerGroup()]), []);
    });

    it("finds the namespace by name when the group has no dependency on it", async () => {
        const named = namespace({ inputs: { namespaceName: "ehns-lakestream-dev" } });
        const other = namespace({ name: "other", inputs: { namespaceName: "other", sku: { name: "Standard" } } });
        const group = consumerGroup({ dependencies: [] });
        assert.equal((await violationsOf(policy, [named, other, group])).length, 1);
    });

    it("says it could not check a consumer group whose namespace's tier is unknown during preview", async () => {
        const pending = namespace({ inputs: { sku: { name: wireUnknown } } });
        const [advisory, ...rest] = await violationsOf(policy, [pending, eventHub(), consumerGroup()]);
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(
            advisory.message,
            /during preview: not checked, unknown until the update runs: the tier of namespace ehns \(consumer group \S+\)$/,
        );
    });
});
