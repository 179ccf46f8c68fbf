// Specs for databricks-job-on-job-compute, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { job, wireUnknown } from "../factories";

const policy = "databricks-job-on-job-compute";

const onCluster = (clusterId: unknown) =>
    job({ inputs: { jobClusters: undefined, tasks: [{ taskKey: "bronze", existingClusterId: clusterId }] } });

describe(policy, () => {
    it("accepts tasks on a shared job cluster", async () => {
        assert.deepEqual(await violationsOf(policy, [job()]), []);
    });

    it("accepts a task with its own new cluster", async () => {
        const tasks = [{ taskKey: "bronze", newCluster: { sparkVersion: "15.4.x-scala2.12", numWorkers: 0 } }];
        assert.deepEqual(await violationsOf(policy, [job({ inputs: { jobClusters: undefined, tasks } })]), []);
    });

    it("rejects a task on an all-purpose cluster, naming the task", async () => {
        const [violation] = await violationsOf(policy, [onCluster("0101-abc")]);
        assert.match(
            violation.message,
            /^Found tasks\[0\] \(bronze\) on existingClusterId, an all-purpose cluster; allowed: a job cluster/m,
        );
    });

    it("rejects it too while the cluster's id is unknown during preview", async () => {
        const violations = await violationsOf(policy, [onCluster(wireUnknown)]);
        assert.equal(violations.length, 1);
    });

    it("rejects a job-level existing cluster", async () => {
        const [violation] = await violationsOf(policy, [job({ inputs: { existingClusterId: "0101-abc" } })]);
        assert.match(violation.message, /^Found the job on existingClusterId/m);
    });

    it("accepts an all-purpose cluster where the stack allows interactive compute for jobs", async () => {
        const config = { [policy]: { allowInteractiveCompute: true } };
        assert.deepEqual(await violationsOf(policy, [onCluster("0101-abc")], config), []);
    });
});
