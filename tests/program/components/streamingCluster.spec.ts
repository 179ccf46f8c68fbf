// StreamingCluster: the dedicated interactive cluster and its ACL, under the Pulumi mock runtime.
import { strict as assert } from "node:assert";
import * as components from "../../../components";
import { ofType, recordEachTest, settle, typesAndNames, valueOf, type RecordedResource } from "../harness";

describe("StreamingCluster", function () {
    let recorded: RecordedResource[] = [];
    recordEachTest((resources) => (recorded = resources));

    it("builds a single-node, auto-terminating cluster dedicated to the deployer when it is the run-as identity", async function () {
        const cluster = new components.StreamingCluster("ls", {
            runAs: components.fixedRunAs("user", "deployer@example.com", true),
            tags: { owner: "o", environment: "dev" },
        });
        assert.equal(await valueOf(cluster.singleUserName), "deployer@example.com");
        await valueOf(cluster.clusterId);
        await settle();
        // The deployer created the cluster and manages it: no ACL to add, and Databricks refuses to lower its own.
        assert.deepEqual(typesAndNames(recorded), ["databricks:index/cluster:Cluster ls-cluster"]);
        const inputs = recorded[0].inputs;
        assert.equal(inputs.sparkVersion, "15.4.x-scala2.12");
        assert.equal(inputs.nodeTypeId, "Standard_D4ds_v5");
        assert.equal(inputs.numWorkers, 0);
        assert.equal(inputs.autoterminationMinutes, 10);
        assert.equal(inputs.dataSecurityMode, "SINGLE_USER");
        assert.equal(inputs.singleUserName, "deployer@example.com");
        assert.deepEqual(inputs.sparkConf, {
            "spark.databricks.cluster.profile": "singleNode",
            "spark.master": "local[*]",
        });
        assert.deepEqual(inputs.customTags, { owner: "o", environment: "dev", ResourceClass: "SingleNode" });
        assert.deepEqual(inputs.libraries, [
            { maven: { coordinates: "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22" } },
        ]);
    });

    it("dedicates the cluster to a run-as service principal and lets it start the cluster, nothing more", async function () {
        const appId = "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c";
        const cluster = new components.StreamingCluster("ls", {
            autoscale: { minWorkers: 1, maxWorkers: 3 },
            nodeType: "Standard_DS3_v2",
            runAs: components.fixedRunAs("servicePrincipal", appId),
            autoterminationMinutes: 30,
        });
        const clusterId = await valueOf(cluster.clusterId);
        await settle();
        const [created] = ofType(recorded, "databricks:index/cluster:Cluster");
        assert.deepEqual(created.inputs.autoscale, { minWorkers: 1, maxWorkers: 3 });
        assert.equal(created.inputs.numWorkers, undefined);
        assert.equal(created.inputs.sparkConf, undefined);
        assert.equal(created.inputs.nodeTypeId, "Standard_DS3_v2");
        assert.equal(created.inputs.singleUserName, appId);
        assert.equal(created.inputs.autoterminationMinutes, 30);
        const [permissions] = ofType(recorded, "databricks:index/permissions:Permissions");
        assert.deepEqual(permissions.inputs, {
            clusterId,
            accessControls: [{ servicePrincipalName: appId, permissionLevel: "CAN_RESTART" }],
        });
    });

    it("names a run-as user by user name in the cluster's ACL", async function () {
        new components.StreamingCluster("ls", { runAs: components.fixedRunAs("user", "runner@example.com") });
        await settle();
        const [permissions] = ofType(recorded, "databricks:index/permissions:Permissions");
        assert.deepEqual(permissions.inputs.accessControls, [
            { userName: "runner@example.com", permissionLevel: "CAN_RESTART" },
        ]);
    });

    it("refuses auto-termination below Databricks' minimum of 10 minutes", function () {
        assert.throws(
            () =>
                new components.StreamingCluster("ls", {
                    autoterminationMinutes: 0,
                    runAs: components.fixedRunAs("user", "runner@example.com"),
                }),
            /autoterminationMinutes must be between 10 and 10000 \(got 0\)/,
        );
    });
});
