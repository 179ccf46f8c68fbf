// DatabricksWorkspace: the workspace or the provider pointed at an existing one, under the Pulumi mock runtime.
import { strict as assert } from "node:assert";
import * as databricks from "@pulumi/databricks";
import * as components from "../../../components";
import { ofType, recordEachTest, settle, typesAndNames, valueOf, type RecordedResource } from "../harness";

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
        assert.deepEqual(typesAndNames(recorded), ["pulumi:providers:databricks ls-provider"]);
        assert.equal(recorded[0].inputs.host, "https://adb-1234567890123456.7.azuredatabricks.net");
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
        const [provider] = ofType(recorded, "pulumi:providers:databricks");
        assert.equal(provider.inputs.host, url);
    });

    it("rejects a workspace URL that is not an Azure Databricks URL", function () {
        assert.throws(
            () => new components.DatabricksWorkspace("ls", { workspaceUrl: "https://example.com" }),
            /workspaceUrl must look like https:\/\/adb-<workspaceId>/,
        );
    });
});
