// Specs for cleanup-job-timeout, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { continuousJob, job, layeredJob, wireUnknown } from "../factories";

const policy = "cleanup-job-timeout";

describe(policy, () => {
    it("accepts a one-hour timeout on the job and its task", async () => {
        assert.deepEqual(await violationsOf(policy, [job()]), []);
    });

    it("rejects a job without a timeout", async () => {
        const [violation] = await violationsOf(policy, [job({ inputs: { timeoutSeconds: undefined } })]);
        assert.match(
            violation.message,
            /Found no job timeoutSeconds \(runs never time out\); allowed: 1 to 3600 seconds\./,
        );
    });

    it("accepts a continuous job without a run timeout: it is meant to run, and health rules watch it", async () => {
        assert.deepEqual(await violationsOf(policy, [continuousJob()]), []);
    });

    it("still bounds the tasks of a continuous job", async () => {
        const tasks = [{ taskKey: "silver", timeoutSeconds: 7200 }];
        const [violation] = await violationsOf(policy, [continuousJob({ inputs: { tasks } })]);
        assert.match(violation.message, /Found tasks\[0\].timeoutSeconds 7200/);
    });

    it("bounds each task of the three-task job, naming the one beyond the limit", async () => {
        assert.deepEqual(await violationsOf(policy, [layeredJob()]), []);
        assert.deepEqual(await violationsOf(policy, [continuousJob({}, "layered")]), []);
        const tasks = structuredClone(layeredJob().inputs.tasks) as Record<string, unknown>[];
        tasks[1].timeoutSeconds = 7200;
        const [violation, ...rest] = await violationsOf(policy, [layeredJob({ inputs: { tasks } })]);
        assert.deepEqual(rest, []);
        assert.match(violation.message, /Found tasks\[1\].timeoutSeconds 7200/);
    });

    it("rejects a task timeout beyond the limit", async () => {
        const tasks = [{ taskKey: "bronze", timeoutSeconds: 7200 }];
        const [violation] = await violationsOf(policy, [job({ inputs: { tasks } })]);
        assert.match(violation.message, /Found tasks\[0\].timeoutSeconds 7200/);
    });

    it("accepts a day where the stack allows it", async () => {
        const daily = job({ inputs: { timeoutSeconds: 86400, tasks: [] } });
        assert.deepEqual(await violationsOf(policy, [daily], { [policy]: { maxTimeoutSeconds: 86400 } }), []);
    });

    it("skips a timeout unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [job({ inputs: { timeoutSeconds: wireUnknown } })]), []);
    });
});
