// Specs for databricks-cluster-max-workers, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { cluster, job, wireUnknown } from "../factories";

const policy = "databricks-cluster-max-workers";

describe(policy, () => {
    it("accepts a single-node cluster under the default of 0 workers", async () => {
        assert.deepEqual(await violationsOf(policy, [cluster()]), []);
    });

    it("rejects 4 fixed workers and an autoscale range up to 8", async () => {
        const [fixed] = await violationsOf(policy, [cluster({ inputs: { numWorkers: 4 } })]);
        assert.match(fixed.message, /Found cluster with numWorkers 4; at most 0 allowed\./);
        const scaling = cluster({ inputs: { numWorkers: undefined, autoscale: { minWorkers: 1, maxWorkers: 8 } } });
        const [autoscale] = await violationsOf(policy, [scaling], { [policy]: { maxWorkers: 4 } });
        assert.match(autoscale.message, /autoscale.maxWorkers 8; at most 4 workers allowed/);
    });

    it("checks the job clusters of a job too", async () => {
        const tasks = [{ taskKey: "bronze", newCluster: { sparkVersion: "15.4.x-scala2.12", numWorkers: 2 } }];
        const [violation] = await violationsOf(policy, [job({ inputs: { tasks } })]);
        assert.match(violation.message, /job cluster tasks\[0\].newCluster with numWorkers 2/);
    });

    it("skips a worker count unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [cluster({ inputs: { numWorkers: wireUnknown } })]), []);
    });
});
