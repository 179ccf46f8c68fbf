// Specs for databricks-cluster-single-user-for-eventhubs, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { cluster, firstDeploy, job, library, wireUnknown } from "../factories";

const policy = "databricks-cluster-single-user-for-eventhubs";

describe(policy, () => {
    it("accepts a single-user cluster with the connector inline", async () => {
        assert.deepEqual(await violationsOf(policy, [cluster()]), []);
    });

    it("rejects a shared cluster with the connector inline", async () => {
        const shared = cluster({ inputs: { dataSecurityMode: "USER_ISOLATION" } });
        const [violation] = await violationsOf(policy, [shared]);
        assert.equal(violation.urn, shared.urn);
        assert.match(violation.message, /dataSecurityMode "USER_ISOLATION"; allowed: SINGLE_USER/);
    });

    it("rejects a shared cluster that gets the connector from a databricks.Library", async () => {
        const shared = cluster({ inputs: { dataSecurityMode: "USER_ISOLATION", libraries: undefined } });
        assert.equal((await violationsOf(policy, [shared, library()])).length, 1);
    });

    it("accepts a shared cluster that does not load the connector", async () => {
        const shared = cluster({ inputs: { dataSecurityMode: "USER_ISOLATION", libraries: [] } });
        assert.deepEqual(await violationsOf(policy, [shared]), []);
    });

    it("requires a single user name", async () => {
        const [violation] = await violationsOf(policy, [cluster({ inputs: { singleUserName: undefined } })]);
        assert.match(violation.message, /without singleUserName/);
    });

    it("says it could not check an access mode or user unknown during preview, never passing it silently", async () => {
        const [mode, ...rest] = await violationsOf(policy, [cluster({ inputs: { dataSecurityMode: wireUnknown } })]);
        assert.deepEqual(rest, []);
        assert.equal(mode.enforcementLevel, "advisory");
        assert.match(
            mode.message,
            /can't run policy 'databricks-cluster-single-user-for-eventhubs' .* during preview: not checked, unknown until the update runs: dataSecurityMode of cluster streaming$/,
        );
        // The deployer's name on a first deploy.
        const [user] = await violationsOf(policy, firstDeploy([cluster({ inputs: { singleUserName: wireUnknown } })]));
        assert.equal(user.enforcementLevel, "advisory");
        assert.match(user.message, /: singleUserName of cluster streaming$/);
    });

    it("on a first deploy (no outputs for clusters and jobs) still finds a shared cluster and job cluster", async () => {
        const shared = cluster({ inputs: { dataSecurityMode: "USER_ISOLATION" } });
        const base = job();
        const [entry] = base.inputs.jobClusters as { jobClusterKey: string; newCluster: Record<string, unknown> }[];
        const sharedJob = job({
            inputs: {
                jobClusters: [{ ...entry, newCluster: { ...entry.newCluster, dataSecurityMode: "USER_ISOLATION" } }],
            },
        });
        const violations = await violationsOf(policy, firstDeploy([shared, sharedJob]));
        assert.deepEqual(
            violations.map((violation) => [violation.enforcementLevel, violation.urn]),
            [
                ["mandatory", shared.urn],
                ["mandatory", sharedJob.urn],
            ],
        );
        assert.match(violations[1].message, /Found job cluster jobClusters\[0\]\.newCluster loading /);
    });

    it("accepts the job's single-user job cluster that the bronze task loads the connector on", async () => {
        assert.deepEqual(await violationsOf(policy, [job()]), []);
    });

    it("rejects a shared job cluster that a task loads the connector on, naming it", async () => {
        const base = job();
        const [entry] = base.inputs.jobClusters as { jobClusterKey: string; newCluster: Record<string, unknown> }[];
        const shared = job({
            inputs: {
                jobClusters: [{ ...entry, newCluster: { ...entry.newCluster, dataSecurityMode: "USER_ISOLATION" } }],
            },
        });
        const [violation] = await violationsOf(policy, [shared]);
        assert.equal(violation.urn, shared.urn);
        assert.match(
            violation.message,
            /Found job cluster jobClusters\[0\]\.newCluster loading .* with dataSecurityMode "USER_ISOLATION"; allowed: SINGLE_USER/,
        );
    });

    it("requires a single user name on a task's own new cluster", async () => {
        const tasks = [
            {
                taskKey: "bronze",
                libraries: [{ maven: { coordinates: "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22" } }],
                newCluster: { sparkVersion: "15.4.x-scala2.12", dataSecurityMode: "SINGLE_USER" },
            },
        ];
        const [violation] = await violationsOf(policy, [job({ inputs: { jobClusters: undefined, tasks } })]);
        assert.match(violation.message, /on job cluster tasks\[0\]\.newCluster without singleUserName/);
    });
});
