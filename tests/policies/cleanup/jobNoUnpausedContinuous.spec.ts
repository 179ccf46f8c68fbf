// Specs for cleanup-job-no-unpaused-continuous, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { job, wireUnknown } from "../factories";

const policy = "cleanup-job-no-unpaused-continuous";

describe(policy, () => {
    it("accepts a scheduled job", async () => {
        const scheduled = job({ inputs: { schedule: { quartzCronExpression: "0 0/15 * * * ?", timezoneId: "UTC" } } });
        assert.deepEqual(await violationsOf(policy, [scheduled]), []);
    });

    it("rejects an unpaused continuous job, and one without pauseStatus, naming the stack from the URN", async () => {
        const [unpaused] = await violationsOf(
            policy,
            [job({ stack: "staging", inputs: { continuous: { pauseStatus: "UNPAUSED" } } })],
            {},
            "staging",
        );
        assert.match(unpaused.message, /pauseStatus UNPAUSED in stack "staging"/);
        const [implicit] = await violationsOf(policy, [job({ inputs: { continuous: {} } })]);
        assert.match(implicit.message, /pauseStatus unset \(UNPAUSED\)/);
    });

    it("accepts a paused continuous job, and an unpaused one where the stack allows continuous", async () => {
        assert.deepEqual(await violationsOf(policy, [job({ inputs: { continuous: { pauseStatus: "PAUSED" } } })]), []);
        const running = job({ inputs: { continuous: { pauseStatus: "UNPAUSED" } } });
        assert.deepEqual(await violationsOf(policy, [running], { [policy]: { allowContinuous: true } }), []);
    });

    it("skips a pause status unknown during preview", async () => {
        assert.deepEqual(
            await violationsOf(policy, [job({ inputs: { continuous: { pauseStatus: wireUnknown } } })]),
            [],
        );
    });
});
