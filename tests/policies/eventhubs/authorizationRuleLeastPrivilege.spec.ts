// Specs for eventhubs-authorization-rule-least-privilege, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { hubRule, wireUnknown } from "../factories";

const policy = "eventhubs-authorization-rule-least-privilege";

describe(policy, () => {
    it("accepts a Listen-only and a Send-only rule", async () => {
        assert.deepEqual(await violationsOf(policy, [hubRule(["Listen"]), hubRule(["Send"], { name: "send" })]), []);
    });

    it("rejects Manage", async () => {
        const [violation] = await violationsOf(policy, [hubRule(["Listen", "Send", "Manage"])]);
        assert.match(
            violation.message,
            /Found rights \[Listen, Send, Manage\]; a rule handed to a client may not include Manage/,
        );
    });

    it("rejects Listen and Send in one rule", async () => {
        const [violation] = await violationsOf(policy, [hubRule(["Listen", "Send"])]);
        assert.match(violation.message, /Listen and Send go in separate rules/);
    });

    it("skips rights unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [hubRule(wireUnknown)]), []);
        assert.deepEqual(await violationsOf(policy, [hubRule([wireUnknown])]), []);
    });
});
