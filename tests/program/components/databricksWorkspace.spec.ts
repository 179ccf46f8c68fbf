// DatabricksWorkspace: the workspace or the provider pointed at an existing one, under the Pulumi mock runtime.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import * as components from "../../../components";
import {
    isKnown,
    ofType,
    recordEachTest,
    recordResources,
    settle,
    typesAndNames,
    valueOf,
    type RecordedResource,
} from "../harness";

describe("DatabricksWorkspace", function () {
    let recorded: RecordedResource[] = [];
    recordEachTest((resources) => (recorded = resources));

    it("points a provider at an existing workspace and reads the workspace id from its URL", async function () {
        const workspace = new components.DatabricksWorkspace("ls", {
            workspaceUrl: "https://adb-1234567890123456.7.azuredatabricks.net/",
        });
        assert.equal(await valueOf(workspace.workspaceId), "1234567890123456");
        assert.equal(await valueOf(workspace.host), "adb-1234567890123456.7.azuredatabricks.net");
        await settle();
        assert.deepEqual(typesAndNames(recorded), [
            "pulumi:providers:databricks ls-metastore-check",
            "pulumi:providers:databricks ls-provider",
        ]);
        for (const provider of recorded) {
            assert.equal(provider.inputs.host, "https://adb-1234567890123456.7.azuredatabricks.net");
        }
        assert.ok(workspace.provider instanceof databricks.Provider);
    });

    it("creates a premium Hybrid workspace with a managed group in the deploying subscription", async function () {
        const workspace = new components.DatabricksWorkspace("ls", {
            location: "westeurope",
            resourceGroupName: "rg",
            managedResourceGroupName: "ls-managed",
        });
        const url = await valueOf(workspace.workspaceUrl);
        await settle();
        const [created] = ofType(recorded, "azure-native:databricks:Workspace");
        assert.deepEqual(created.inputs.sku, { name: "premium" });
        assert.equal(created.inputs.computeMode, "Hybrid");
        assert.equal(
            created.inputs.managedResourceGroupId,
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ls-managed",
        );
        assert.match(url, /^https:\/\/adb-\d{16}\.7\.azuredatabricks\.net$/);
        const providers = ofType(recorded, "pulumi:providers:databricks");
        assert.deepEqual(
            providers.map((provider) => provider.name),
            ["ls-metastore-check", "ls-provider"],
        );
        for (const provider of providers) {
            assert.equal(provider.inputs.host, url);
            assert.match(
                String(provider.inputs.azureWorkspaceResourceId),
                /^\/subscriptions\/.+\/resourceGroups\/rg\/providers\/Microsoft\.Databricks\/workspaces\/ls-ws/,
            );
        }
    });

    describe("metastore preflight", function () {
        /** The value of an output, or the error it fails with. */
        const settled = <T>(output: pulumi.Output<T>): Promise<T> =>
            (output as unknown as { promise(): Promise<T> }).promise();

        it("reads the workspace's metastore through a provider of its own and answers its id", async function () {
            const workspace = new components.DatabricksWorkspace("ls", {
                workspaceUrl: "https://adb-1234567890123456.7.azuredatabricks.net",
            });
            assert.match(await settled(workspace.metastoreId), /^[0-9a-f]{8}-[0-9a-f]{4}-/);
            await settle();
        });

        it("fails with what to do when the workspace has no metastore, before the stack's provider exists", async function () {
            recorded = await recordResources("test", { metastore: "none" });
            const workspace = new components.DatabricksWorkspace("ls", {
                workspaceUrl: "https://adb-1234567890123456.7.azuredatabricks.net",
            });
            await assert.rejects(settled(workspace.metastoreId), (error: Error) => {
                assert.match(
                    error.message,
                    /workspace https:\/\/adb-1234567890123456\.7\.azuredatabricks\.net has no Unity Catalog metastore/,
                );
                assert.match(error.message, /A workspace admin cannot create or assign a metastore/);
                assert.match(error.message, /ask a Databricks account admin to assign the region's metastore/);
                assert.match(error.message, /9 November 2023/);
                return true;
            });
            // The stack's provider takes its host from the preflight: it is never registered, so nothing is created
            // through it.
            await settle();
            assert.deepEqual(typesAndNames(recorded), ["pulumi:providers:databricks ls-metastore-check"]);
        });

        it("leaves the metastore unknown in a first preview of a workspace still to be created", async function () {
            recorded = await recordResources("test", {}, "first-deploy");
            const workspace = new components.DatabricksWorkspace("ls", {
                location: "westeurope",
                resourceGroupName: "rg",
            });
            assert.equal(await isKnown(workspace.metastoreId), false);
            await settle();
            // Even a workspace without a metastore cannot be told apart yet: the look-up waits for the workspace.
            recorded = await recordResources("test", { metastore: "none" }, "first-deploy");
            const missing = new components.DatabricksWorkspace("ls", {
                location: "westeurope",
                resourceGroupName: "rg",
            });
            assert.equal(await isKnown(missing.metastoreId), false);
            await settle();
        });
    });

    it("rejects a workspace URL that is not an Azure Databricks URL", function () {
        assert.throws(
            () => new components.DatabricksWorkspace("ls", { workspaceUrl: "https://example.com" }),
            /workspaceUrl must look like https:\/\/adb-<workspaceId>/,
        );
    });
});
