// Specs for eventhubs-namespace-allowed-tier, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { namespace, wireUnknown } from "../factories";

const policy = "eventhubs-namespace-allowed-tier";

describe(policy, () => {
    it("accepts a Basic namespace under the default settings", async () => {
        assert.deepEqual(await violationsOf(policy, [namespace()]), []);
    });

    it("rejects a Standard namespace under the default settings, saying what is allowed", async () => {
        const standard = namespace({ inputs: { sku: { name: "Standard", tier: "Standard", capacity: 1 } } });
        const [violation, ...rest] = await violationsOf(policy, [standard]);
        assert.equal(rest.length, 0);
        assert.equal(violation.urn, standard.urn);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.match(violation.message, /Found sku.name "Standard"; allowed tiers: Basic\./);
    });

    it("treats a namespace without a sku as Standard, which Azure creates", async () => {
        const [violation] = await violationsOf(policy, [namespace({ inputs: { sku: undefined } })]);
        assert.match(violation.message, /no sku \(Azure creates Standard\)/);
    });

    it("accepts Standard where the stack's config allows it", async () => {
        const standard = namespace({ inputs: { sku: { name: "Standard", tier: "Standard", capacity: 2 } } });
        const config = { [policy]: { allowedTiers: ["Basic", "Standard"] } };
        assert.deepEqual(await violationsOf(policy, [standard], config), []);
    });

    it("does not fail or report when the sku name is unknown during preview", async () => {
        const pending = namespace({ inputs: { sku: { name: wireUnknown, capacity: 1 } } });
        assert.deepEqual(await violationsOf(policy, [pending]), []);
    });

    it("reports as advisory when the stack's config lowers the level", async () => {
        const premium = namespace({ inputs: { sku: { name: "Premium", tier: "Premium", capacity: 1 } } });
        const [violation] = await violationsOf(policy, [premium], { [policy]: "advisory" });
        assert.equal(violation.enforcementLevel, "advisory");
    });
});
