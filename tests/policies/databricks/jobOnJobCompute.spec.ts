// Specs for databricks-job-on-job-compute, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { job, layeredJob, wireUnknown } from "../factories";

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

    it("names every task of a three-task job that runs on an all-purpose cluster", async () => {
        const tasks = (layeredJob().inputs.tasks as Record<string, unknown>[]).map((task) => ({
            ...task,
            jobClusterKey: undefined,
            existingClusterId: "0101-abc",
        }));
        const violations = await violationsOf(policy, [layeredJob({ inputs: { jobClusters: undefined, tasks } })]);
        assert.deepEqual(
            violations.map((violation) => /^Found (tasks\[\d\] \(\w+\))/m.exec(violation.message)?.[1]),
            ["tasks[0] (bronze)", "tasks[1] (silver)", "tasks[2] (gold)"],
        );
    });

    it("accepts the three-task job on its shared job cluster", async () => {
        assert.deepEqual(await violationsOf(policy, [layeredJob()]), []);
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
