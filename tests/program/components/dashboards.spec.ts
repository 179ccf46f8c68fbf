// StackDashboards: both dashboards on the given warehouse, without embedded credentials, each with its audience.
import { strict as assert } from "node:assert";
import * as components from "../../../components";
import { ofType, recordEachTest, settle, valueOf, type RecordedResource } from "../harness";

describe("StackDashboards", function () {
    let recorded: RecordedResource[] = [];
    recordEachTest((resources) => (recorded = resources));

    const base = {
        workspaceUrl: "https://adb-1.2.azuredatabricks.net/",
        parentPath: "/lakestream/dev",
        warehouseId: "abc123",
        catalogName: "cat",
        schemaNames: { silver: "silver", gold: "gold" },
        readerGroups: ["analysts"],
        runAs: components.fixedRunAs("servicePrincipal", "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c"),
        owner: "data-platform@example.com",
    };

    it("puts both dashboards in the code folder on the warehouse, with embedCredentials false", async function () {
        const dashboards = new components.StackDashboards("ls", base);
        const url = await valueOf(dashboards.dashboardUrl);
        const id = await valueOf(dashboards.dashboardId);
        await settle();
        const created = ofType(recorded, "databricks:index/dashboard:Dashboard");
        assert.equal(created.length, 2);
        for (const dashboard of created) {
            assert.equal(dashboard.inputs.parentPath, "/lakestream/dev");
            assert.equal(dashboard.inputs.warehouseId, "abc123");
            assert.equal(dashboard.inputs.embedCredentials, false);
        }
        assert.equal(url, `https://adb-1.2.azuredatabricks.net/dashboardsv3/${id}/published`);
    });

    it("reads only gold on the readers' dashboard, and silver and the quarantine on the owners'", async function () {
        new components.StackDashboards("ls", base);
        await settle();
        const [readers, owners] = ofType(recorded, "databricks:index/dashboard:Dashboard");
        const sql = (dashboard: RecordedResource) =>
            (
                JSON.parse(String(dashboard.inputs.serializedDashboard)) as { datasets: { queryLines: string[] }[] }
            ).datasets
                .map((dataset) => dataset.queryLines.join(""))
                .join("\n");
        const tables = (text: string) => [...new Set(text.match(/`cat`\.`\w+`\.`\w+`/g))].sort();
        assert.deepEqual(tables(sql(readers)), ["`cat`.`gold`.`weather_summary`"]);
        assert.deepEqual(tables(sql(owners)), [
            "`cat`.`gold`.`weather_summary`",
            "`cat`.`silver`.`weather_quarantine`",
            "`cat`.`silver`.`weather`",
        ]);
    });

    it("lets the readers run their dashboard only, and the run-as identity and the owner manage the owners'", async function () {
        const dashboards = new components.StackDashboards("ls", base);
        const readersId = await valueOf(dashboards.dashboardId);
        const ownersId = await valueOf(dashboards.ownerDashboardId);
        await settle();
        const permissions = ofType(recorded, "databricks:index/permissions:Permissions");
        assert.deepEqual(
            permissions.map((entry) => entry.inputs),
            [
                { dashboardId: readersId, accessControls: [{ groupName: "analysts", permissionLevel: "CAN_RUN" }] },
                {
                    dashboardId: ownersId,
                    accessControls: [
                        { servicePrincipalName: "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c", permissionLevel: "CAN_MANAGE" },
                        { userName: "data-platform@example.com", permissionLevel: "CAN_MANAGE" },
                    ],
                },
            ],
        );
    });

    it("gives a deployer run-as no entry, a group owner a group entry, and no readers no reader entry", async function () {
        new components.StackDashboards("ls", {
            ...base,
            readerGroups: [],
            runAs: components.fixedRunAs("user", "deployer@example.com", true),
            owner: "data-platform",
        });
        await settle();
        const permissions = ofType(recorded, "databricks:index/permissions:Permissions");
        assert.equal(permissions.length, 1);
        assert.deepEqual(permissions[0].inputs.accessControls, [
            { groupName: "data-platform", permissionLevel: "CAN_MANAGE" },
        ]);
    });
});
