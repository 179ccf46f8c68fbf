// Specs for the stateful stand-ins' refusals and for a stack's life under the real engine: up, destroy, adoption, upgrade.
import { strict as assert } from "node:assert";
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { EngineSession } from "../../src/engine/engineSession";
import {
    extractProgram,
    remainingSet,
    removeProgram,
    retainedSet,
    runLifecycle,
    upgradeBaseline,
} from "../../src/engine/lifecycle";
import { envWithout, providerClient, startStandin } from "../support/standinClient";
import { findCli, type CliLocation } from "../../src/engine/pulumiCli";
import { StateFile } from "../../src/engine/standins/stateFile";
import {
    deleteCalls,
    StatefulService,
    workspaceIdOfHost,
    type Caller,
} from "../../src/engine/standins/statefulService";
import { mockSubscriptionId } from "../../src/plan/mockCloud";

const root = path.join(__dirname, "..", "..");
const catalogType = "databricks:index/catalog:Catalog";
const schemaType = "databricks:index/schema:Schema";
const volumeType = "databricks:index/volume:Volume";
const grantsType = "databricks:index/grants:Grants";
const bindingType = "databricks:index/workspaceBinding:WorkspaceBinding";
const jobType = "databricks:index/job:Job";
const workspaceType = "azure-native:databricks:Workspace";

const creator: Caller = { packageName: "databricks", workspaceId: "1111111111111111" };
const other: Caller = { packageName: "databricks", workspaceId: "2222222222222222" };
const azure: Caller = { packageName: "azure-native" };

/** A service over an in-memory state, and a create that takes the id and state from the test, not from a model. */
function service() {
    const svc = new StatefulService(new StateFile());
    const create = (caller: Caller, type: string, id: string, inputs: Record<string, unknown>, name = id) =>
        svc.create(caller, { type, name, urn: `urn:pulumi:dev::lakestream::${type}::${name}` }, inputs, () => ({
            id,
            properties: { ...inputs },
        }));
    return { svc, create };
}

/** An ISOLATED catalog created through `creator`, with a schema, a volume and a grant on the schema. */
function isolatedCatalog(forceDestroy = true) {
    const { svc, create } = service();
    create(creator, catalogType, "cat", { name: "cat", isolationMode: "ISOLATED", forceDestroy });
    create(creator, schemaType, "cat.bronze", { catalogName: "cat", name: "bronze", forceDestroy });
    create(creator, volumeType, "cat.bronze.checkpoints", {
        catalogName: "cat",
        schemaName: "bronze",
        name: "checkpoints",
    });
    create(creator, grantsType, "bronze-grants", { schema: "cat.bronze", grants: [] });
    return { svc, create };
}

describe("stateful stand-ins", () => {
    it("takes the workspace of a databricks call from its Azure workspace URL", () => {
        assert.equal(workspaceIdOfHost("https://adb-1234567890123456.7.azuredatabricks.net"), "1234567890123456");
        assert.equal(workspaceIdOfHost("adb-42.7.azuredatabricks.net"), "42");
        assert.equal(workspaceIdOfHost(undefined), undefined);
    });

    it("binds an ISOLATED catalog to the workspace that creates it, and no other workspace reaches its contents", () => {
        const { svc, create } = isolatedCatalog();
        assert.equal(svc.read(creator, schemaType, "cat.bronze")?.id, "cat.bronze");
        for (const attempt of [
            () => svc.read(other, schemaType, "cat.bronze"),
            () => svc.read(other, catalogType, "cat"),
            () => svc.delete(other, volumeType, "cat.bronze.checkpoints"),
            () => svc.delete(other, grantsType, "bronze-grants"),
            () => create(other, schemaType, "cat.silver", { catalogName: "cat", name: "silver" }),
        ]) {
            assert.throws(attempt, /Catalog 'cat' is not accessible in current workspace/);
        }
    });

    it("locks the creating workspace out once its binding is deleted, and lets a bound one in (issue #5300's order)", () => {
        const { svc, create } = isolatedCatalog();
        create(creator, bindingType, "1111111111111111|catalog|cat", {
            securableName: "cat",
            securableType: "catalog",
            workspaceId: "1111111111111111",
        });
        svc.delete(creator, bindingType, "1111111111111111|catalog|cat");
        assert.throws(() => svc.delete(creator, grantsType, "bronze-grants"), /not accessible in current workspace/);
        assert.throws(() => svc.delete(creator, schemaType, "cat.bronze"), /not accessible in current workspace/);
        create(other, bindingType, "2222222222222222|catalog|cat", {
            securableName: "cat",
            securableType: "catalog",
            workspaceId: "2222222222222222",
        });
        svc.delete(other, grantsType, "bronze-grants");
        assert.equal(svc.read(other, grantsType, "bronze-grants"), undefined);
    });

    it("refuses to drop a catalog that has schemas without force_destroy, and drops its contents with it", () => {
        const kept = isolatedCatalog(false);
        assert.throws(
            () => kept.svc.delete(creator, catalogType, "cat"),
            /Catalog 'cat' is not empty: it has 1 schema/,
        );
        assert.ok(kept.svc.read(creator, catalogType, "cat"));
        const forced = isolatedCatalog(true);
        forced.svc.delete(creator, catalogType, "cat");
        assert.deepEqual(remainingSet(forced.svc.snapshot()), []);
    });

    it("answers nothing for a missing resource and refuses to create one that exists", () => {
        const { svc, create } = isolatedCatalog();
        assert.equal(svc.read(creator, schemaType, "cat.nothing"), undefined);
        assert.throws(
            () => create(creator, catalogType, "cat", { name: "cat", isolationMode: "ISOLATED" }),
            /Catalog 'cat' already exists/,
        );
        create(azure, "azure-native:resources:ResourceGroup", "/subscriptions/s/resourceGroups/rg", {});
        assert.throws(
            () => create(azure, "azure-native:resources:ResourceGroup", "/subscriptions/s/resourceGroups/rg", {}),
            /cannot create already existing resource '\/subscriptions\/s\/resourceGroups\/rg'/,
        );
    });

    it("deletes a workspace's own objects (a dashboard too) with the Azure workspace, keeps Unity Catalog's, and empties a deleted group", () => {
        const { svc, create } = isolatedCatalog();
        const group = "/subscriptions/s/resourceGroups/rg";
        const workspaceId = `${group}/providers/Microsoft.Databricks/workspaces/ws`;
        create(azure, "azure-native:resources:ResourceGroup", group, {});
        const created = svc.create(
            azure,
            {
                type: workspaceType,
                name: "ws",
                urn: "urn:pulumi:dev::lakestream::azure-native:databricks:Workspace::ws",
            },
            {},
            () => ({ id: workspaceId, properties: { workspaceId: creator.workspaceId } }),
        );
        create(creator, jobType, "123", { name: "job" });
        create(creator, "databricks:index/dashboard:Dashboard", "01ef", { displayName: "weather" });
        create(other, jobType, "456", { name: "another workspace's job" });
        svc.delete(azure, "azure-native:resources:ResourceGroup", group);
        assert.deepEqual(remainingSet(svc.snapshot()), [
            `${catalogType} cat`,
            `${grantsType} bronze-grants`,
            `${jobType} 456`,
            `${schemaType} cat.bronze`,
            `${volumeType} cat.bronze.checkpoints`,
        ]);
        assert.equal(created.id, workspaceId);
    });

    it("gives a workspace created again a new workspace id, as Azure does", () => {
        const { svc } = service();
        const urn = "urn:pulumi:prod::lakestream::azure-native:databricks:Workspace::ws";
        const make = () =>
            svc.create(azure, { type: workspaceType, name: "ws", urn }, {}, () => ({
                id: "/ws",
                properties: {
                    workspaceId: "1111111111111111",
                    workspaceUrl: "adb-1111111111111111.7.azuredatabricks.net",
                },
            }));
        const first = make();
        svc.delete(azure, workspaceType, "/ws");
        const second = make();
        assert.equal(first.properties.workspaceId, "1111111111111111");
        assert.notEqual(second.properties.workspaceId, first.properties.workspaceId);
        assert.equal(workspaceIdOfHost(String(second.properties.workspaceUrl)), second.properties.workspaceId);
    });

    it("shares one state between processes without losing a change", async function () {
        this.timeout(60_000);
        const file = path.join(mkdtempSync(path.join(tmpdir(), "standin-state-")), "state.json");
        const script = `
            const { StateFile } = require(${JSON.stringify(path.join(root, "src/engine/standins/stateFile.ts"))});
            const store = new StateFile(process.argv[1]);
            for (let i = 0; i < 40; i++) {
                store.update((data) => { data.creations.count = (data.creations.count ?? 0) + 1; });
            }`;
        const runOne = () =>
            new Promise<void>((resolve, reject) => {
                const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), "-e", script, file]);
                child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`exited ${code}`))));
            });
        await Promise.all([runOne(), runOne(), runOne()]);
        assert.equal(new StateFile(file).read().creations.count, 120);
    });

    it("reads what it created over the engine's protocol, through the workspace its host names", async function () {
        this.timeout(60_000);
        const state = path.join(mkdtempSync(path.join(tmpdir(), "standin-state-")), "state.json");
        const { child, port } = startStandin("databricks", {
            ...envWithout(/^(ARM_|AZURE_|DATABRICKS_)/),
            LAKESTREAM_STANDIN_STATE: state,
            LAKESTREAM_STANDIN_STACK: "dev",
        });
        try {
            const client = providerClient(await port);
            const call = client.call;
            const configure = new providerProto.ConfigureRequest();
            configure
                .getVariablesMap()
                .set("databricks:config:host", "https://adb-1111111111111111.7.azuredatabricks.net");
            await call("configure", configure);
            const inputs = { name: "cat", isolationMode: "ISOLATED", forceDestroy: true };
            await call(
                "create",
                new providerProto.CreateRequest()
                    .setUrn(`urn:pulumi:dev::lakestream::${catalogType}::c`)
                    .setType(catalogType)
                    .setProperties(Struct.fromJavaScript(inputs)),
            );
            const read = (id: string) =>
                call<providerProto.ReadRequest, providerProto.ReadResponse>(
                    "read",
                    new providerProto.ReadRequest()
                        .setId(id)
                        .setType(catalogType)
                        .setUrn(`urn:pulumi:dev::lakestream::${catalogType}::c`),
                );
            const found = await read("cat");
            assert.equal(found.getId(), "cat");
            assert.deepEqual(found.getInputs()?.toJavaScript(), inputs);
            assert.equal((await read("missing")).getId(), "", "the engine's answer for a resource that does not exist");
            await call("delete", new providerProto.DeleteRequest().setId("cat").setType(catalogType));
            assert.equal((await read("cat")).getId(), "");
            client.close();
        } finally {
            child.kill();
        }
    });

    it("takes a forced schema drop and a grants removal two calls, a binding's removal one", () => {
        assert.equal(deleteCalls(schemaType, { forceDestroy: true }), 2);
        assert.equal(deleteCalls(schemaType, { forceDestroy: false }), 1);
        assert.equal(deleteCalls(grantsType, { schema: "cat.bronze" }), 2);
        assert.equal(deleteCalls(bindingType, { securableName: "cat" }), 1);
    });

    it("takes the retained set from the engine's state, providers and components aside", () => {
        assert.deepEqual(
            retainedSet([
                { urn: "a", type: catalogType, id: "cat", custom: true, retainOnDelete: true },
                { urn: "b", type: jobType, id: "1", custom: true },
                { urn: "c", type: "pulumi:providers:databricks", id: "p", custom: true, retainOnDelete: true },
                { urn: "d", type: "lakestream:catalog:MedallionCatalog", custom: false, retainOnDelete: true },
            ]),
            [`${catalogType} cat`],
        );
    });
});

describe("the real engine against the stateful stand-ins: the order destroy and adoption need", function () {
    this.timeout(300_000);
    let cli: CliLocation | undefined;
    let baseline = "";

    before(async function () {
        cli = await findCli();
        assert.ok(cli, "the pinned pulumi CLI is built by `npm run engine:build` (npm test runs it first)");
        baseline = extractProgram(upgradeBaseline);
    });
    after(() => baseline && removeProgram(baseline));

    const quiet = () => undefined;

    for (const stack of ["dev", "prod"]) {
        it(`fails ${stack}'s destroy with the binding nothing depends on (${upgradeBaseline}), and passes with this version`, async () => {
            const old = new EngineSession({
                stack,
                stackFile: path.join(baseline, `Pulumi.${stack}.yaml`),
                projectDir: baseline,
                cli: cli!,
                onOutput: quiet,
            });
            try {
                assert.ok((await old.up()).ok);
                const destroyed = await old.destroy();
                assert.equal(destroyed.ok, false);
                assert.deepEqual(destroyed.programErrors, [], "a refused step, not a crash of the program");
                assert.ok(
                    destroyed.errors.some((error) =>
                        new RegExp(`Catalog 'lakestream_${stack}' is not accessible in current workspace`).test(error),
                    ),
                    destroyed.errors.join("\n"),
                );
            } finally {
                old.close();
            }
            const current = new EngineSession({
                stack,
                stackFile: path.join(root, `Pulumi.${stack}.yaml`),
                cli: cli!,
                onOutput: quiet,
            });
            try {
                assert.ok((await current.up()).ok);
                const retained = retainedSet(await current.exportState());
                const destroyed = await current.destroy();
                assert.ok(destroyed.ok, destroyed.errors.join("\n"));
                assert.deepEqual(remainingSet(current.standinState()), retained);
                assert.equal(retained.length, stack === "dev" ? 0 : 12);
            } finally {
                current.close();
            }
        });
    }

    it(`fails prod's adoption when the binding waits for the import (${upgradeBaseline}), and passes with this version`, async () => {
        for (const adoptWith of [baseline, root]) {
            // Deployed and destroyed with this version either way: only the adopting program differs.
            const session = new EngineSession({
                stack: "prod",
                stackFile: path.join(root, "Pulumi.prod.yaml"),
                cli: cli!,
                onOutput: quiet,
            });
            try {
                assert.ok((await session.up()).ok);
                assert.ok((await session.destroy()).ok);
                session.useProgram(adoptWith, path.join(adoptWith, "Pulumi.prod.yaml"));
                await session.setConfig("lakestream:adoptData", "true");
                await session.setConfig("azure-native:subscriptionId", mockSubscriptionId);
                const adopted = await session.up();
                if (adoptWith === root) {
                    assert.ok(adopted.ok, adopted.errors.join("\n"));
                    assert.equal(adopted.changes.import, 12);
                } else {
                    assert.equal(adopted.ok, false);
                    assert.ok(
                        adopted.errors.some((error) => /Catalog 'lakestream_prod' is not accessible/.test(error)),
                        adopted.errors.join("\n"),
                    );
                }
            } finally {
                session.close();
            }
        }
    });

    it("exits 2 naming the stacks for an unknown stack, and 2 listing the flags for a bad one, before any engine runs", async () => {
        const run = async (args: string[]) => {
            try {
                await promisify(execFile)("npx", ["tsx", "src/engine/lifecycleCli.ts", ...args], { cwd: root });
                return { code: 0, stderr: "" };
            } catch (error) {
                return error as { code: number; stderr: string };
            }
        };
        const unknown = await run(["--stack", "nope"]);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /unknown stack "nope": there is no Pulumi\.nope\.yaml \(stacks: dev, prod\)/);
        const flag = await run(["--bogus"]);
        assert.equal(flag.code, 2);
        assert.match(flag.stderr, /allowed flags: --stack, --json, --help/);
    });

    it("tells a program that crashes under the engine apart from a refused step", async () => {
        const project = mkdtempSync(path.join(tmpdir(), "lifecycle-crash-"));
        copyFileSync(path.join(root, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
        copyFileSync(path.join(root, "Pulumi.dev.yaml"), path.join(project, "Pulumi.dev.yaml"));
        writeFileSync(path.join(project, "index.ts"), 'throw new Error("the program broke on purpose");\n');
        const report = await runLifecycle({ stack: "dev", cli: cli!, projectDir: project, onOutput: quiet });
        assert.equal(report.ok, false);
        assert.deepEqual(
            report.phases.map((phase) => [phase.phase, phase.ok, phase.crashed]),
            [["up", false, true]],
        );
        assert.ok(report.phases[0].problems.some((problem) => problem.includes("the program broke on purpose")));
    });
});
