// Specs for stack-job-clusters-auto-terminate, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { cluster, firstDeploy, job, wireUnknown } from "../factories";

const policy = "stack-job-clusters-auto-terminate";

/** The job on the stack's all-purpose cluster, as lakestream:job.compute interactive declares it. */
const onStackCluster = () =>
    job({
        dependencies: [cluster().urn],
        inputs: { jobClusters: undefined, tasks: [{ taskKey: "bronze", existingClusterId: wireUnknown }] },
    });

describe(policy, () => {
    it("accepts a job on an auto-terminating cluster of the stack", async () => {
        assert.deepEqual(await violationsOf(policy, [cluster(), onStackCluster()]), []);
    });

    it("rejects a job on a cluster that never terminates", async () => {
        const forever = cluster({ inputs: { autoterminationMinutes: 0 } });
        const running = onStackCluster();
        const [violation] = await violationsOf(policy, [forever, running]);
        assert.equal(violation.urn, running.urn);
        assert.match(violation.message, /Found job medallion on cluster streaming with autoterminationMinutes 0/);
    });

    it("rejects a job on a cluster the stack does not manage", async () => {
        const external = job({
            dependencies: [],
            inputs: { tasks: [{ taskKey: "bronze", existingClusterId: "0101-abc" }] },
        });
        const [violation] = await violationsOf(policy, [external]);
        assert.match(violation.message, /existing cluster this stack does not manage/);
    });

    it("accepts a job that runs on job clusters only", async () => {
        const tasks = [{ taskKey: "bronze", newCluster: { sparkVersion: "15.4.x-scala2.12", numWorkers: 0 } }];
        assert.deepEqual(await violationsOf(policy, [job({ dependencies: [], inputs: { tasks } })]), []);
        assert.deepEqual(await violationsOf(policy, [job()]), []);
    });

    it("says it could not check a cluster whose auto-termination is unknown during preview", async () => {
        const pending = cluster({ inputs: { autoterminationMinutes: wireUnknown } });
        const [advisory, ...rest] = await violationsOf(policy, [pending, onStackCluster()]);
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(
            advisory.message,
            /can't run policy 'stack-job-clusters-auto-terminate' .* during preview: not checked, unknown until the update runs: autoterminationMinutes of cluster streaming$/,
        );
    });

    it("on a first deploy (no outputs for cluster and job) still rejects a cluster that never terminates", async () => {
        const forever = cluster({ inputs: { autoterminationMinutes: 0 } });
        const [violation, ...rest] = await violationsOf(policy, firstDeploy([forever, onStackCluster()]));
        assert.deepEqual(rest, []);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.match(violation.message, /on cluster streaming with autoterminationMinutes 0/);
    });
});
