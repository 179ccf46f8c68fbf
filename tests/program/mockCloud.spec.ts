// The offline plan's stand-ins for Azure and Databricks: what they answer and what they refuse.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { mockCall, newMockResource } from "../../src/plan/mockCloud";

describe("the offline plan's stand-ins", function () {
    it("answer nothing through a provider whose configuration is unknown, as the engine does", function () {
        const args = { token: "databricks:index/getCurrentUser:getCurrentUser", inputs: {} };
        const unconfigured = `urn:pulumi:dev::lakestream::pulumi:providers:databricks::ws::${pulumi.runtime.unknownValue}`;
        assert.deepEqual(mockCall("dev", { ...args, provider: unconfigured }), {});
        const configured = "urn:pulumi:dev::lakestream::pulumi:providers:databricks::ws::1b2c";
        assert.equal(mockCall("dev", { ...args, provider: configured }).userName, "deployer@example.com");
    });

    it("refuse what Azure and Unity Catalog refuse", function () {
        const create = (type: string, inputs: Record<string, unknown>) =>
            newMockResource("dev", { type, name: "x", inputs, custom: true }, "update");
        assert.throws(
            () => create("azure-native:storage:StorageAccount", { accountName: "Not_Valid" }),
            /AccountNameInvalid/,
        );
        assert.throws(
            () =>
                create("azure-native:authorization:RoleAssignment", {
                    roleAssignmentName: "blob-contributor",
                    principalId: "22222222-2222-2222-2222-222222222222",
                }),
            /InvalidRoleAssignmentId/,
        );
        assert.throws(
            () => create("databricks:index/storageCredential:StorageCredential", { azureManagedIdentity: {} }),
            /access_connector_id must be an access connector id/,
        );
        assert.throws(
            () =>
                create("databricks:index/externalLocation:ExternalLocation", {
                    url: "https://a.blob.core.windows.net/c",
                }),
            /is not an abfss:\/\/ URL/,
        );
    });

    it("leave ids and computed outputs unknown for a first deploy, but not for what is imported", function () {
        const connector = {
            type: "azure-native:databricks:AccessConnector",
            name: "uc",
            inputs: { connectorName: "uc", resourceGroupName: "rg", identity: { type: "SystemAssigned" } },
            custom: true,
        };
        const pending = newMockResource("dev", connector, "first-deploy");
        assert.equal(pending.id, "");
        assert.equal((pending.state.identity as Record<string, unknown>).principalId, pulumi.unknown);
        const adopted = newMockResource("dev", { ...connector, id: "/subscriptions/s/x" }, "first-deploy");
        assert.match(String((adopted.state.identity as Record<string, unknown>).principalId), /^[0-9a-f-]{36}$/);
    });
});
