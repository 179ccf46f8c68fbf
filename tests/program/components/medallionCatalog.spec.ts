// MedallionCatalog: the catalog, schemas, volume and grants, under the Pulumi mock runtime.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as components from "../../../components";
import { ofType, recordEachTest, settle, typesAndNames, valueOf, type RecordedResource } from "../harness";

describe("MedallionCatalog", function () {
    let recorded: RecordedResource[] = [];
    recordEachTest((resources) => (recorded = resources));

    const appId = "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c";
    const pipeline = ["USE_SCHEMA", "CREATE_TABLE", "MODIFY", "SELECT"];

    /** The grants each Grants resource sets, keyed by the securable it is on. */
    function grantsBySecurable(resources: RecordedResource[]): Record<string, unknown> {
        return Object.fromEntries(
            ofType(resources, "databricks:index/grants:Grants").map((grants) => {
                const { grants: entries, ...securable } = grants.inputs;
                const [kind, name] = Object.entries(securable)[0];
                return [`${kind} ${String(name)}`, entries];
            }),
        );
    }

    it("creates the isolated catalog bound to its workspace, three schemas, a checkpoint volume and exact grants", async function () {
        const catalog = new components.MedallionCatalog("ls", {
            catalogName: "lakestream_dev",
            forceDestroy: true,
            storageRoot: "abfss://c@a.dfs.core.windows.net/x",
            runAs: components.fixedRunAs("servicePrincipal", appId),
            readerGroups: ["analysts", pulumi.output("field-ops")],
            workspaceId: "1234567890123456",
        });
        assert.equal(await valueOf(catalog.checkpointVolumePath), "/Volumes/lakestream_dev/bronze/checkpoints");
        await settle();
        assert.deepEqual(
            typesAndNames(recorded),
            [
                "databricks:index/catalog:Catalog ls-catalog",
                "databricks:index/workspaceBinding:WorkspaceBinding ls-binding",
                "databricks:index/schema:Schema ls-bronze",
                "databricks:index/schema:Schema ls-silver",
                "databricks:index/schema:Schema ls-gold",
                "databricks:index/volume:Volume ls-checkpoints",
                "databricks:index/grants:Grants ls-catalog-grants",
                "databricks:index/grants:Grants ls-bronze-grants",
                "databricks:index/grants:Grants ls-silver-grants",
                "databricks:index/grants:Grants ls-gold-grants",
                "databricks:index/grants:Grants ls-checkpoints-grants",
            ].sort(),
        );
        const [catalogResource] = ofType(recorded, "databricks:index/catalog:Catalog");
        assert.equal(catalogResource.inputs.forceDestroy, true);
        assert.equal(catalogResource.inputs.isolationMode, "ISOLATED");
        assert.equal(catalogResource.inputs.storageRoot, "abfss://c@a.dfs.core.windows.net/x");
        const [binding] = ofType(recorded, "databricks:index/workspaceBinding:WorkspaceBinding");
        assert.deepEqual(binding.inputs, {
            securableName: "lakestream_dev",
            securableType: "catalog",
            workspaceId: "1234567890123456",
            bindingType: "BINDING_TYPE_READ_WRITE",
        });
        for (const schema of ofType(recorded, "databricks:index/schema:Schema")) {
            assert.equal(schema.inputs.forceDestroy, true);
            assert.equal(schema.inputs.catalogName, "lakestream_dev");
        }
        const [volume] = ofType(recorded, "databricks:index/volume:Volume");
        assert.equal(volume.inputs.volumeType, "MANAGED");
        assert.deepEqual(grantsBySecurable(recorded), {
            "catalog lakestream_dev": [
                { principal: appId, privileges: ["USE_CATALOG"] },
                { principal: "analysts", privileges: ["USE_CATALOG"] },
                { principal: "field-ops", privileges: ["USE_CATALOG"] },
            ],
            "schema lakestream_dev.bronze": [{ principal: appId, privileges: pipeline }],
            "schema lakestream_dev.silver": [{ principal: appId, privileges: pipeline }],
            "schema lakestream_dev.gold": [
                { principal: appId, privileges: pipeline },
                { principal: "analysts", privileges: ["USE_SCHEMA", "SELECT"] },
                { principal: "field-ops", privileges: ["USE_SCHEMA", "SELECT"] },
            ],
            "volume lakestream_dev.bronze.checkpoints": [
                { principal: appId, privileges: ["READ_VOLUME", "WRITE_VOLUME"] },
            ],
        });
    });

    it("merges further catalog grants into the one authoritative Grants, one entry per principal", async function () {
        new components.MedallionCatalog("ls", {
            catalogName: "c",
            runAs: components.fixedRunAs("user", "runner@example.com"),
            readerGroups: ["analysts"],
            grants: [
                { principal: "analysts", privileges: ["USE_CATALOG", "BROWSE"] },
                { principal: "auditors", privileges: ["BROWSE"] },
            ],
        });
        await settle();
        assert.deepEqual(grantsBySecurable(recorded)["catalog c"], [
            { principal: "runner@example.com", privileges: ["USE_CATALOG"] },
            { principal: "analysts", privileges: ["USE_CATALOG", "BROWSE"] },
            { principal: "auditors", privileges: ["BROWSE"] },
        ]);
    });

    it("refuses to both force-destroy and keep the data", function () {
        assert.throws(
            () =>
                new components.MedallionCatalog("ls", {
                    catalogName: "c",
                    forceDestroy: true,
                    keepOnDestroy: true,
                    runAs: components.fixedRunAs("user", "runner@example.com"),
                }),
            /forceDestroy and keepOnDestroy contradict each other/,
        );
    });

    it("keeps data on destroy by default, stays open without a workspace id, and grants readers nothing unasked", async function () {
        new components.MedallionCatalog("ls", {
            catalogName: "c",
            runAs: components.fixedRunAs("user", "runner@example.com"),
        });
        await settle();
        const [catalogResource] = ofType(recorded, "databricks:index/catalog:Catalog");
        assert.equal(catalogResource.inputs.forceDestroy, false);
        assert.equal(catalogResource.inputs.isolationMode, undefined);
        assert.equal(ofType(recorded, "databricks:index/workspaceBinding:WorkspaceBinding").length, 0);
        const principals = ofType(recorded, "databricks:index/grants:Grants").flatMap((grants) =>
            (grants.inputs.grants as { principal: string }[]).map((entry) => entry.principal),
        );
        assert.deepEqual([...new Set(principals)], ["runner@example.com"]);
    });

    it("adopting, binds the kept catalog by its plain name (a binding to create, not to import) and imports the rest", async function () {
        new components.MedallionCatalog("ls", {
            catalogName: "lakestream_prod",
            keepOnDestroy: true,
            adoptExisting: true,
            runAs: components.fixedRunAs("servicePrincipal", appId),
            workspaceId: "2222222222222222",
        });
        await settle();
        const [binding] = ofType(recorded, "databricks:index/workspaceBinding:WorkspaceBinding");
        assert.deepEqual(binding.inputs, {
            securableName: "lakestream_prod",
            securableType: "catalog",
            workspaceId: "2222222222222222",
            bindingType: "BINDING_TYPE_READ_WRITE",
        });
        assert.equal(binding.importId, undefined);
        assert.deepEqual(
            recorded
                .filter((resource) => resource.importId !== undefined)
                .map((resource) => resource.importId)
                .sort(),
            [
                "lakestream_prod",
                "lakestream_prod.bronze",
                "lakestream_prod.bronze.checkpoints",
                "lakestream_prod.gold",
                "lakestream_prod.silver",
            ],
        );
    });

    it("lets the owner read the layers asked for and write nothing, merged with its other grants", async function () {
        new components.MedallionCatalog("ls", {
            catalogName: "lakestream_dev",
            runAs: components.fixedRunAs("servicePrincipal", appId),
            readerGroups: ["analysts"],
            owner: "data-platform@example.com",
            ownerReads: ["silver", "gold"],
        });
        await settle();
        const owner = "data-platform@example.com";
        assert.deepEqual(grantsBySecurable(recorded), {
            "catalog lakestream_dev": [
                { principal: appId, privileges: ["USE_CATALOG"] },
                { principal: "analysts", privileges: ["USE_CATALOG"] },
                { principal: owner, privileges: ["USE_CATALOG"] },
            ],
            "schema lakestream_dev.bronze": [{ principal: appId, privileges: pipeline }],
            "schema lakestream_dev.silver": [
                { principal: appId, privileges: pipeline },
                { principal: owner, privileges: ["USE_SCHEMA", "SELECT"] },
            ],
            "schema lakestream_dev.gold": [
                { principal: appId, privileges: pipeline },
                { principal: "analysts", privileges: ["USE_SCHEMA", "SELECT"] },
                { principal: owner, privileges: ["USE_SCHEMA", "SELECT"] },
            ],
            "volume lakestream_dev.bronze.checkpoints": [
                { principal: appId, privileges: ["READ_VOLUME", "WRITE_VOLUME"] },
            ],
        });
    });

    it("grants the owner nothing unasked, and refuses layers to read with no owner to grant to", async function () {
        new components.MedallionCatalog("ls", {
            catalogName: "lakestream_dev",
            runAs: components.fixedRunAs("servicePrincipal", appId),
            owner: "data-platform@example.com",
        });
        await settle();
        const principals = ofType(recorded, "databricks:index/grants:Grants").flatMap((grants) =>
            (grants.inputs.grants as { principal: string }[]).map((entry) => entry.principal),
        );
        assert.deepEqual([...new Set(principals)], [appId]);
        assert.throws(
            () =>
                new components.MedallionCatalog("ls2", {
                    catalogName: "lakestream_dev",
                    runAs: components.fixedRunAs("servicePrincipal", appId),
                    ownerReads: ["silver"],
                }),
            /ownerReads \(silver\) needs an owner to grant to/,
        );
    });
});
