// Specs for cleanup-job-single-concurrent-run, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { job, layeredJob, wireUnknown } from "../factories";

const policy = "cleanup-job-single-concurrent-run";

describe(policy, () => {
    it("accepts maxConcurrentRuns 1 and the Databricks default", async () => {
        assert.deepEqual(await violationsOf(policy, [job()]), []);
        assert.deepEqual(await violationsOf(policy, [job({ inputs: { maxConcurrentRuns: undefined } })]), []);
    });

    it("accepts the one-task and the three-task job as declared", async () => {
        assert.deepEqual(await violationsOf(policy, [job()]), []);
        assert.deepEqual(await violationsOf(policy, [layeredJob()]), []);
        const [violation] = await violationsOf(policy, [layeredJob({ inputs: { maxConcurrentRuns: 3 } })]);
        assert.ok(violation !== undefined, "a three-task job with 3 concurrent runs is refused");
    });

    it("rejects 3 concurrent runs", async () => {
        const [violation] = await violationsOf(policy, [job({ inputs: { maxConcurrentRuns: 3 } })]);
        assert.match(violation.message, /Found maxConcurrentRuns 3; allowed: 1\./);
    });

    it("skips a value unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [job({ inputs: { maxConcurrentRuns: wireUnknown } })]), []);
    });
});
