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

    it("answer the metastore look-up as the provider does: the metastore's id, or no_metastore and no info", function () {
        const args = { token: "databricks:index/getCurrentMetastore:getCurrentMetastore", inputs: {}, provider: "" };
        const assigned = mockCall("prod", args);
        assert.match(String(assigned.id), /^[0-9a-f]{8}-/);
        assert.equal((assigned.metastoreInfo as { metastoreId: string }).metastoreId, assigned.id);
        assert.deepEqual(mockCall("prod", args, { metastore: "none" }), { id: "no_metastore" });
    });

    it("refuse an action group outside global or with a long short name, and a window Azure does not offer", function () {
        const create = (type: string, inputs: Record<string, unknown>) =>
            newMockResource("dev", { type, name: "x", inputs, custom: true }, "update");
        const group = { resourceGroupName: "rg", location: "global", groupShortName: "lakestream", enabled: true };
        assert.match(create("azure-native:monitor:ActionGroup", group).id, /\/Microsoft\.Insights\/actionGroups\//);
        assert.throws(
            () => create("azure-native:monitor:ActionGroup", { ...group, location: "westeurope" }),
            /action groups are global/,
        );
        assert.throws(
            () => create("azure-native:monitor:ActionGroup", { ...group, groupShortName: "lakestream-prod" }),
            /must be 1 to 12 characters/,
        );
        const rule = { resourceGroupName: "rg", windowSize: "PT30M", evaluationFrequency: "PT5M" };
        assert.match(create("azure-native:monitor:MetricAlert", rule).id, /\/metricAlerts\//);
        for (const [windowSize, evaluationFrequency] of [
            ["PT2H", "PT5M"],
            ["PT15M", "PT30M"],
            ["P1D", "PT6H"],
        ]) {
            assert.throws(
                () => create("azure-native:monitor:MetricAlert", { ...rule, windowSize, evaluationFrequency }),
                /is not supported/,
            );
        }
    });

    it("refuse to give the deploying user a level it could not set for itself, as the provider does", function () {
        const create = (accessControls: Record<string, unknown>[]) =>
            newMockResource(
                "dev",
                {
                    type: "databricks:index/permissions:Permissions",
                    name: "warehouse-permissions",
                    inputs: { sqlEndpointId: "w1", accessControls },
                    custom: true,
                },
                "update",
            );
        for (const permissionLevel of ["CAN_USE", "CAN_MONITOR", "CAN_RUN"]) {
            assert.throws(
                () => create([{ userName: "deployer@example.com", permissionLevel }]),
                /not possible to decrease administrative permissions for the current user: deployer@example\.com/,
            );
        }
        assert.equal(
            create([{ userName: "deployer@example.com", permissionLevel: "CAN_MANAGE" }]).id,
            "/sql/warehouses/w1",
        );
        // Anyone else may have any level.
        create([
            { userName: "someone@example.com", permissionLevel: "CAN_USE" },
            { groupName: "data-platform", permissionLevel: "CAN_USE" },
        ]);
    });

    it("refuse a dashboard the Lakeview API refuses, and save one as <parent>/<name>.lvdash.json", function () {
        const create = (inputs: Record<string, unknown>) =>
            newMockResource(
                "dev",
                { type: "databricks:index/dashboard:Dashboard", name: "readers", inputs, custom: true },
                "update",
            );
        const good = {
            displayName: "weather",
            parentPath: "/lakestream/dev",
            warehouseId: "w1",
            serializedDashboard: "{}",
        };
        const created = create(good);
        assert.match(created.id, /^[0-9a-f]{32}$/);
        assert.equal(created.state.path, "/lakestream/dev/weather.lvdash.json");
        assert.equal(created.state.dashboardId, created.id);
        assert.throws(
            () => create({ ...good, serializedDashboard: "not json" }),
            /INVALID_PARAMETER_VALUE: serialized_dashboard/,
        );
        assert.throws(() => create({ ...good, serializedDashboard: "[]" }), /is not a JSON object/);
        assert.throws(() => create({ ...good, displayName: " " }), /display_name is required/);
        assert.throws(() => create({ ...good, warehouseId: "" }), /warehouse_id is required/);
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
