// Specs for databricks-job-failure-notification, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { continuousJob, job, layeredJob, wireUnknown } from "../factories";

const policy = "databricks-job-failure-notification";

describe(policy, () => {
    it("accepts a job that e-mails someone on failure", async () => {
        assert.deepEqual(await violationsOf(policy, [job()]), []);
        assert.deepEqual(await violationsOf(policy, [continuousJob()]), []);
    });

    it("accepts the three-task job, and rejects it without recipients just once", async () => {
        assert.deepEqual(await violationsOf(policy, [layeredJob()]), []);
        assert.deepEqual(await violationsOf(policy, [continuousJob({}, "layered")]), []);
        const silent = layeredJob({ inputs: { emailNotifications: undefined } });
        assert.equal((await violationsOf(policy, [silent])).length, 1);
    });

    it("accepts a failure webhook instead of an e-mail", async () => {
        const hooked = job({
            inputs: { emailNotifications: undefined, webhookNotifications: { onFailures: [{ id: "d-1" }] } },
        });
        assert.deepEqual(await violationsOf(policy, [hooked]), []);
    });

    for (const [label, emailNotifications] of [
        ["no notification block", undefined],
        ["an empty failure list", { onFailures: [] }],
        ["notifications for success only", { onSuccesses: ["data-platform@example.com"] }],
    ] as const) {
        it(`rejects ${label}`, async () => {
            const [violation] = await violationsOf(policy, [job({ inputs: { emailNotifications } })]);
            assert.match(violation.message, /^Found no failure notification .*; allowed: at least one recipient/m);
        });
    }

    it("skips recipients unknown during preview", async () => {
        const pending = job({ inputs: { emailNotifications: { onFailures: wireUnknown } } });
        assert.deepEqual(await violationsOf(policy, [pending]), []);
    });
});
