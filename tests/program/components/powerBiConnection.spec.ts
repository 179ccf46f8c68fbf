// PowerBiConnection: the SQL warehouse and the DirectQuery file, under the Pulumi mock runtime.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as components from "../../../components";
import { ofType, recordEachTest, settle, typesAndNames, valueOf, type RecordedResource } from "../harness";

describe("PowerBiConnection", function () {
    let recorded: RecordedResource[] = [];
    recordEachTest((resources) => (recorded = resources));

    const base = {
        workspaceHost: "adb-1.2.azuredatabricks.net",
        catalogName: "cat",
        goldSchema: "gold",
    };

    it("creates a serverless PRO warehouse that stops after 10 idle minutes and points DirectQuery at it", async function () {
        const connection = new components.PowerBiConnection("ls", { ...base, tags: { owner: "o" } });
        const httpPath = await valueOf(connection.httpPath);
        await settle();
        assert.deepEqual(typesAndNames(recorded), ["databricks:index/sqlEndpoint:SqlEndpoint ls-warehouse"]);
        const [warehouse] = ofType(recorded, "databricks:index/sqlEndpoint:SqlEndpoint");
        assert.equal(warehouse.inputs.autoStopMins, 10);
        assert.equal(warehouse.inputs.clusterSize, "2X-Small");
        assert.equal(warehouse.inputs.enableServerlessCompute, true);
        assert.equal(warehouse.inputs.warehouseType, "PRO");
        assert.deepEqual(warehouse.inputs.tags, { customTags: [{ key: "owner", value: "o" }] });
        assert.match(httpPath, /^\/sql\/1\.0\/warehouses\/[0-9a-f]{16}$/);
        assert.equal(await valueOf(connection.sqlWarehouseId), httpPath.split("/").pop());
        const document = JSON.parse(await valueOf(connection.pbids));
        assert.equal(document.connections[0].details.address.path, httpPath);
    });

    it("lets each reader group use the warehouse, and sizes it as asked", async function () {
        const connection = new components.PowerBiConnection("ls", {
            ...base,
            readerGroups: ["analysts", pulumi.output("field-ops")],
            clusterSize: "Small",
            autoStopMinutes: 30,
        });
        const id = await valueOf(connection.sqlWarehouseId);
        await settle();
        const [warehouse] = ofType(recorded, "databricks:index/sqlEndpoint:SqlEndpoint");
        assert.equal(warehouse.inputs.clusterSize, "Small");
        assert.equal(warehouse.inputs.autoStopMins, 30);
        const [permissions] = ofType(recorded, "databricks:index/permissions:Permissions");
        assert.deepEqual(permissions.inputs, {
            sqlEndpointId: id,
            accessControls: [
                { groupName: "analysts", permissionLevel: "CAN_USE" },
                { groupName: "field-ops", permissionLevel: "CAN_USE" },
            ],
        });
    });

    it("lets the owner manage the warehouse, as a user or a group, beside the readers", async function () {
        for (const [owner, entry] of [
            ["data-platform@example.com", { userName: "data-platform@example.com", permissionLevel: "CAN_MANAGE" }],
            ["data-platform", { groupName: "data-platform", permissionLevel: "CAN_MANAGE" }],
        ] as const) {
            const connection = new components.PowerBiConnection("ls", { ...base, readerGroups: ["analysts"], owner });
            const id = await valueOf(connection.sqlWarehouseId);
            await settle();
            const [permissions] = ofType(recorded, "databricks:index/permissions:Permissions");
            assert.deepEqual(permissions.inputs, {
                sqlEndpointId: id,
                accessControls: [{ groupName: "analysts", permissionLevel: "CAN_USE" }, entry],
            });
            recorded.length = 0;
        }
        // An owner group that also reads keeps the higher level only: one entry per principal.
        const both = new components.PowerBiConnection("ls", { ...base, readerGroups: ["analysts"], owner: "analysts" });
        await valueOf(both.sqlWarehouseId);
        await settle();
        const [permissions] = ofType(recorded, "databricks:index/permissions:Permissions");
        assert.deepEqual(permissions.inputs.accessControls, [{ groupName: "analysts", permissionLevel: "CAN_MANAGE" }]);
    });

    it("refuses an auto-stop the SQL warehouses API refuses", function () {
        for (const autoStopMinutes of [5, -1, 2.5]) {
            assert.throws(
                () => new components.PowerBiConnection("ls", { ...base, autoStopMinutes }),
                new RegExp(
                    `autoStopMinutes must be 0 \\(never stop\\) or at least 10, .* \\(got ${autoStopMinutes}\\)`,
                ),
            );
        }
    });
});
