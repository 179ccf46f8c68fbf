// CatalogStorage: the chain from the access connector to the external location, under the Pulumi mock runtime.
import { strict as assert } from "node:assert";
import * as components from "../../../components";
import { ofType, recordEachTest, settle, typesAndNames, valueOf, type RecordedResource } from "../harness";
import { mockSubscriptionId, newMockResource } from "../../../src/plan/mockCloud";

describe("CatalogStorage", function () {
    let recorded: RecordedResource[] = [];
    recordEachTest((resources) => (recorded = resources));

    const args = {
        location: "westeurope",
        storageAccountName: "lsdev0123456789",
        unityCatalogName: "lakestream_dev",
        forceDestroy: true,
        tags: { owner: "o", environment: "dev" },
    };

    it("creates the chain from the access connector's identity to the external location", async function () {
        const storage = new components.CatalogStorage("ls", args);
        const url = await valueOf(storage.url);
        await settle();
        assert.deepEqual(
            typesAndNames(recorded),
            [
                "azure-native:resources:ResourceGroup ls-rg",
                "azure-native:databricks:AccessConnector ls-connector",
                "azure-native:storage:StorageAccount ls-account",
                "azure-native:storage:BlobContainer ls-container",
                "azure-native:authorization:RoleAssignment ls-blob-contributor",
                "databricks:index/storageCredential:StorageCredential ls-credential",
                "databricks:index/externalLocation:ExternalLocation ls-location",
            ].sort(),
        );
        const one = (type: string) => ofType(recorded, type)[0];
        const group = one("azure-native:resources:ResourceGroup");
        assert.equal(group.inputs.resourceGroupName, "ls-data");
        const connector = one("azure-native:databricks:AccessConnector");
        assert.deepEqual(connector.inputs.identity, { type: "SystemAssigned" });
        assert.equal(connector.inputs.resourceGroupName, "ls-data");
        const account = one("azure-native:storage:StorageAccount");
        assert.equal(account.inputs.accountName, "lsdev0123456789");
        assert.equal(account.inputs.isHnsEnabled, true);
        assert.equal(account.inputs.minimumTlsVersion, "TLS1_2");
        assert.equal(account.inputs.allowBlobPublicAccess, false);
        assert.equal(account.inputs.enableHttpsTrafficOnly, true);
        assert.deepEqual(account.inputs.tags, { owner: "o", environment: "dev" });
        const container = one("azure-native:storage:BlobContainer");
        assert.equal(container.inputs.containerName, "unity-catalog");
        assert.equal(container.inputs.publicAccess, "None");

        // The connector's identity gets the role on the account, and the credential is that connector.
        const connectorState = newMockResource("test", {
            type: connector.type,
            name: connector.name,
            inputs: connector.inputs,
            custom: true,
        });
        const assignment = one("azure-native:authorization:RoleAssignment");
        assert.equal(
            assignment.inputs.principalId,
            (connectorState.state.identity as Record<string, string>).principalId,
        );
        assert.equal(assignment.inputs.principalType, "ServicePrincipal");
        assert.equal(
            assignment.inputs.roleDefinitionId,
            `/subscriptions/${mockSubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
        );
        assert.match(
            String(assignment.inputs.scope),
            /\/providers\/Microsoft\.Storage\/storageAccounts\/lsdev0123456789$/,
        );
        const credential = one("databricks:index/storageCredential:StorageCredential");
        assert.deepEqual(credential.inputs.azureManagedIdentity, { accessConnectorId: connectorState.id });
        assert.equal(credential.inputs.name, "lakestream_dev");
        const location = one("databricks:index/externalLocation:ExternalLocation");
        assert.equal(location.inputs.credentialName, "lakestream_dev");
        assert.equal(location.inputs.url, "abfss://unity-catalog@lsdev0123456789.dfs.core.windows.net/");
        assert.equal(location.inputs.forceDestroy, true);
        // Saved without Unity Catalog's access check, which the role just granted cannot pass yet.
        assert.equal(location.inputs.skipValidation, true);
        assert.equal(url, location.inputs.url);
    });

    it("uses a given resource group and imports every piece by its id when adopting", async function () {
        const subscription = "12345678-1234-1234-1234-123456789abc";
        new components.CatalogStorage("ls", {
            ...args,
            forceDestroy: false,
            keepOnDestroy: true,
            resourceGroupName: "kept-rg",
            adoptFromSubscription: subscription,
        });
        await settle();
        assert.equal(ofType(recorded, "azure-native:resources:ResourceGroup").length, 0);
        const accountId = `/subscriptions/${subscription}/resourceGroups/kept-rg/providers/Microsoft.Storage/storageAccounts/lsdev0123456789`;
        const importIds = Object.fromEntries(recorded.map((resource) => [resource.name, resource.importId]));
        assert.equal(importIds["ls-account"], accountId);
        assert.equal(importIds["ls-container"], `${accountId}/blobServices/default/containers/unity-catalog`);
        assert.equal(
            importIds["ls-connector"],
            `/subscriptions/${subscription}/resourceGroups/kept-rg/providers/Microsoft.Databricks/accessConnectors/ls-uc`,
        );
        assert.equal(
            importIds["ls-blob-contributor"],
            `${accountId}/providers/Microsoft.Authorization/roleAssignments/${components.roleAssignmentGuid("lsdev0123456789/ls-uc/blob-data-contributor")}`,
        );
        assert.equal(importIds["ls-credential"], "lakestream_dev");
        assert.equal(importIds["ls-location"], "lakestream_dev");
    });

    it("refuses an invalid account name and keeping what it force-destroys", function () {
        assert.throws(
            () => new components.CatalogStorage("a", { ...args, storageAccountName: "Lake-Stream" }),
            /storageAccountName must be 3-24 lower-case letters and digits \(got "Lake-Stream"\)/,
        );
        assert.throws(
            () => new components.CatalogStorage("b", { ...args, keepOnDestroy: true }),
            /forceDestroy and keepOnDestroy contradict each other/,
        );
    });
});
