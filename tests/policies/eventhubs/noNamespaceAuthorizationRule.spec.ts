// Specs for eventhubs-no-namespace-authorization-rule, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { hubRule, namespaceRule, wireUnknown } from "../factories";

const policy = "eventhubs-no-namespace-authorization-rule";

describe(policy, () => {
    it("accepts hub-level rules", async () => {
        assert.deepEqual(await violationsOf(policy, [hubRule(["Listen"])]), []);
    });

    it("rejects a namespace-level rule, even Send-only", async () => {
        const rule = namespaceRule();
        const [violation] = await violationsOf(policy, [rule]);
        assert.equal(violation.urn, rule.urn);
        assert.match(violation.message, /Found a namespace-level authorization rule with rights \[Send\]/);
    });

    it("still reports when the rights are unknown during preview", async () => {
        const [violation] = await violationsOf(policy, [namespaceRule({ inputs: { rights: wireUnknown } })]);
        assert.match(violation.message, /unknown rights/);
    });
});
