// Specs for eventhubs-hub-retention-within-tier, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { eventHub, namespace, wireUnknown } from "../factories";

const policy = "eventhubs-hub-retention-within-tier";
const retention = (hours: unknown) => ({
    retentionDescription: { retentionTimeInHours: hours, cleanupPolicy: "Delete" },
});
const standard = namespace({ inputs: { sku: { name: "Standard", tier: "Standard", capacity: 1 } } });

describe(policy, () => {
    it("accepts 24 hours on Basic", async () => {
        assert.deepEqual(await violationsOf(policy, [namespace(), eventHub()]), []);
    });

    it("rejects 48 hours on Basic, naming the tier's limit, even when the stack allows more", async () => {
        const hub = eventHub({ inputs: retention(48) });
        const [violation, ...rest] = await violationsOf(policy, [namespace(), hub], {
            [policy]: { maxRetentionHours: 168 },
        });
        assert.equal(rest.length, 0);
        assert.equal(violation.urn, hub.urn);
        assert.match(violation.message, /Found a retention of 48 h; the Basic tier keeps events at most 24 h\./);
    });

    it("allows 168 hours on Standard only where the stack allows it", async () => {
        const hub = eventHub({ inputs: retention(168) });
        const [violation] = await violationsOf(policy, [standard, hub]);
        assert.match(violation.message, /the stack allows at most 24 h/);
        assert.deepEqual(await violationsOf(policy, [standard, hub], { [policy]: { maxRetentionHours: 168 } }), []);
    });

    it("reads messageRetentionInDays too", async () => {
        const hub = eventHub({ inputs: { retentionDescription: undefined, messageRetentionInDays: 3 } });
        const [violation] = await violationsOf(policy, [namespace(), hub]);
        assert.match(violation.message, /72 h/);
    });

    it("says it could not check a retention unknown during preview", async () => {
        const [advisory, ...rest] = await violationsOf(policy, [
            namespace(),
            eventHub({ inputs: retention(wireUnknown) }),
        ]);
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(
            advisory.message,
            /during preview: not checked, unknown until the update runs: the retention of hub weather$/,
        );
    });
});
