// Specs for databricks-continuous-job-task-retry, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { continuousJob, job, layeredJob, wireUnknown } from "../factories";

const policy = "databricks-continuous-job-task-retry";

describe(policy, () => {
    it("accepts a continuous job that retries failed tasks", async () => {
        assert.deepEqual(await violationsOf(policy, [continuousJob()]), []);
    });

    it("checks the job once, whether it runs one stream or three", async () => {
        assert.deepEqual(await violationsOf(policy, [continuousJob({}, "layered")]), []);
        const never = { pauseStatus: "PAUSED", taskRetryMode: "NEVER" };
        for (const streams of ["single", "layered"] as const) {
            const violations = await violationsOf(policy, [continuousJob({ inputs: { continuous: never } }, streams)]);
            assert.equal(violations.length, 1, streams);
        }
    });

    it("does not apply to a scheduled job", async () => {
        assert.deepEqual(await violationsOf(policy, [layeredJob()]), []);
        assert.deepEqual(await violationsOf(policy, [job()]), []);
    });

    it("rejects a continuous job left at the default, which never retries", async () => {
        const [violation] = await violationsOf(policy, [
            continuousJob({ inputs: { continuous: { pauseStatus: "UNPAUSED" } } }),
        ]);
        assert.match(
            violation.message,
            /^Found a continuous job with taskRetryMode unset \(NEVER\); allowed: ON_FAILURE/m,
        );
    });

    it("rejects NEVER", async () => {
        const [violation] = await violationsOf(policy, [
            continuousJob({ inputs: { continuous: { pauseStatus: "PAUSED", taskRetryMode: "NEVER" } } }),
        ]);
        assert.match(violation.message, /taskRetryMode NEVER; allowed: ON_FAILURE/);
    });

    it("skips a retry mode unknown during preview", async () => {
        const pending = continuousJob({ inputs: { continuous: { taskRetryMode: wireUnknown } } });
        assert.deepEqual(await violationsOf(policy, [pending]), []);
    });
});
