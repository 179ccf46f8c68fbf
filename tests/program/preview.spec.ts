// A first preview as the real engine runs it: the provider of a workspace still to be created, look-ups through it,
// and the state the plan reports for each resource.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as databricks from "@pulumi/databricks";
import * as azureDatabricks from "@pulumi/azure-native/databricks";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import * as components from "../../components";
import { newMockResource, previewProviderId } from "../../src/plan/mockCloud";
import { listStacks, runPlan, type Plan, type PlannedResource } from "../../src/plan/runPlan";
import {
    isKnown,
    ofType,
    recordResources,
    rejectionOf,
    secretValue,
    settle,
    valueOf,
    type RecordedResource,
} from "./harness";

const root = path.resolve(__dirname, "..", "..");
const unknown = pulumi.runtime.unknownValue;

describe("the offline plan's model of a first preview", function () {
    it("gives a provider configured from unknown values the engine's unknown sentinel as its id", function () {
        // The value the engine uses (pulumi/pulumi sdk/go/common/resource/plugin UnknownStringValue).
        assert.equal(previewProviderId, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
        const provider = (host: unknown) => ({ type: "pulumi:providers:databricks", name: "ws", inputs: { host } });
        const unconfigured = newMockResource("dev", { ...provider(pulumi.unknown), custom: true }, "first-deploy");
        assert.equal(unconfigured.id, previewProviderId);
        const configured = newMockResource("dev", { ...provider("https://adb-1.7.net"), custom: true }, "first-deploy");
        assert.match(configured.id, /^[0-9a-f-]{36}$/);
        assert.notEqual(configured.id, previewProviderId);
    });

    it("gives what an unconfigured provider would create no outputs at all, and a configured one's its inputs", function () {
        const catalog = (providerId: string, id = "") => ({
            type: "databricks:index/catalog:Catalog",
            name: "catalog",
            inputs: { name: "lakestream_dev", forceDestroy: true },
            custom: true,
            provider: `urn:pulumi:dev::lakestream::pulumi:providers:databricks::ws::${providerId}`,
            id,
        });
        assert.deepEqual(newMockResource("dev", catalog(previewProviderId), "first-deploy"), { id: "", state: {} });
        // Adopted data keeps the id it is imported by, but the engine cannot read it through that provider either.
        assert.deepEqual(newMockResource("dev", catalog(previewProviderId, "lakestream_dev"), "first-deploy"), {
            id: "lakestream_dev",
            state: {},
        });
        assert.deepEqual(newMockResource("dev", catalog("1b2c"), "first-deploy"), {
            id: "",
            state: { name: "lakestream_dev", forceDestroy: true },
        });
        assert.deepEqual(newMockResource("dev", catalog("1b2c"), "update").state, {
            name: "lakestream_dev",
            forceDestroy: true,
        });
    });
});

describe("look-ups through the workspace's provider in a first preview", function () {
    let recorded: RecordedResource[];
    const created = { location: "westeurope", resourceGroupName: "rg" };

    beforeEach(async function () {
        recorded = await recordResources("test", {}, "first-deploy");
    });

    it("names the Azure workspace as what a look-up waits for, and nothing for an existing workspace", async function () {
        const workspace = new components.DatabricksWorkspace("ls", created);
        assert.equal(workspace.lookupDependsOn.length, 1);
        assert.ok(workspace.lookupDependsOn[0] instanceof azureDatabricks.Workspace);
        assert.equal(await isKnown(workspace.lookupDependsOn[0].id), false, "its id is unknown until it exists");
        const existing = new components.DatabricksWorkspace("old", {
            workspaceUrl: "https://adb-1234567890123456.7.azuredatabricks.net",
        });
        assert.deepEqual(existing.lookupDependsOn, []);
        await settle();
    });

    it("reads nothing through the provider itself: the engine's empty answer passes for a known value", async function () {
        // Why the components depend on the workspace: the provider's sentinel id is known to the SDK.
        const workspace = new components.DatabricksWorkspace("ls", created);
        assert.equal(await isKnown(workspace.provider.id), true);
        const me = databricks.getCurrentUserOutput(
            {},
            { provider: workspace.provider, dependsOn: [workspace.provider] },
        );
        assert.equal(await isKnown(me.userName), true);
        assert.equal(await valueOf(me.userName), undefined);
        await settle();
    });

    it("leaves the deployer, the node type and the reader groups unknown, and grants without failing", async function () {
        const workspace = new components.DatabricksWorkspace("ls", created);
        const onWorkspace = { providers: { databricks: workspace.provider } };
        const workspaceDependsOn = workspace.lookupDependsOn;
        const access = new components.WorkspaceAccess("ls", { workspaceDependsOn }, onWorkspace);
        assert.equal(await isKnown(access.runAs.name), false);
        assert.equal(await isKnown(access.runAs.kind), false);
        const checked = new components.WorkspaceAccess(
            "check",
            { runAs: { user: "runner@example.com" }, readerGroups: ["analysts"], workspaceDependsOn },
            onWorkspace,
        );
        assert.equal(await isKnown(checked.readerGroups[0]), false);
        new components.MedallionCatalog(
            "ls",
            { catalogName: "lakestream_dev", runAs: access.runAs, readerGroups: checked.readerGroups },
            onWorkspace,
        );
        new components.StreamingCluster("ls", { runAs: access.runAs, workspaceDependsOn }, onWorkspace);
        await settle();
        const [cluster] = ofType(recorded, "databricks:index/cluster:Cluster");
        assert.ok(pulumi.isUnknown(cluster.inputs.nodeTypeId), "node type");
        assert.ok(pulumi.isUnknown(cluster.inputs.singleUserName), "single user");
        const grants = ofType(recorded, "databricks:index/grants:Grants");
        assert.equal(grants.length, 5, "every Grants reaches the engine");
        for (const grant of grants) {
            assert.ok(pulumi.isUnknown(grant.inputs.grants), grant.name);
        }
    });

    it("looks things up for real in an existing workspace, whose provider the engine configures", async function () {
        const workspace = new components.DatabricksWorkspace("ls", {
            workspaceUrl: "https://adb-1234567890123456.7.azuredatabricks.net",
        });
        const onWorkspace = { providers: { databricks: workspace.provider } };
        const access = new components.WorkspaceAccess(
            "ls",
            { readerGroups: ["analysts"], workspaceDependsOn: workspace.lookupDependsOn },
            onWorkspace,
        );
        assert.equal(await valueOf(access.runAs.name), "deployer@example.com");
        assert.equal(await valueOf(access.runAs.kind), "user");
        assert.deepEqual(await Promise.all(access.readerGroups.map(valueOf)), ["analysts"]);
        new components.StreamingCluster(
            "ls",
            { runAs: access.runAs, workspaceDependsOn: workspace.lookupDependsOn },
            onWorkspace,
        );
        await settle();
        const [cluster] = ofType(recorded, "databricks:index/cluster:Cluster");
        assert.equal(cluster.inputs.nodeTypeId, "Standard_D4ds_v5");
    });
});

describe("a look-up's answer without a field it must have", function () {
    it("keeps the field unknown in a preview", async function () {
        await recordResources("test", {}, "first-deploy");
        assert.equal(await isKnown(components.answered(pulumi.output<string | undefined>(undefined), "a name")), false);
        assert.equal(await valueOf(components.answered(pulumi.output<string | undefined>("x"), "a name")), "x");
    });

    it("fails naming the field outside a preview", async function () {
        await recordResources();
        const error = await rejectionOf(components.answered(pulumi.output<string | undefined>(undefined), "a name"));
        assert.match(error.message, /the look-up of a name answered without it/);
    });
});

/** The dev stack with some `lakestream:` keys replaced, as the stack `variant`. */
function devWith(changes: Record<string, unknown>): string {
    const dev = parseYaml(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8")) as {
        config: Record<string, unknown>;
    };
    for (const [key, value] of Object.entries(changes)) {
        dev.config[`lakestream:${key}`] = value;
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-preview-")), "Pulumi.variant.yaml");
    fs.writeFileSync(file, stringifyYaml(dev));
    return file;
}

function of(plan: Plan, type: string): PlannedResource[] {
    return plan.resources.filter((resource) => resource.type === type);
}

describe("the state the plan reports for each resource", function () {
    const stacks = listStacks(root);
    const first = new Map<string, Plan>();
    const update = new Map<string, Plan>();

    before(async function () {
        // Evaluating the program fails the plan when an apply throws, as it fails the engine's preview.
        for (const stack of stacks) {
            first.set(stack, await runPlan({ stack, mode: "first-deploy" }));
            update.set(stack, await runPlan({ stack, mode: "update" }));
        }
    });

    it("runs the first preview of every stack to the end, with the same resources as an update", function () {
        for (const stack of stacks) {
            const urns = (plan: Plan) => plan.resources.map((resource) => resource.urn).sort();
            assert.deepEqual(first.get(stack)!.warnings, [], stack);
            assert.deepEqual(urns(first.get(stack)!), urns(update.get(stack)!), stack);
        }
    });

    it("reports no outputs for the Databricks resources of a first deploy, whose provider is not configured", function () {
        for (const [stack, plan] of first) {
            const resources = plan.resources.filter((resource) => resource.type.startsWith("databricks:"));
            assert.ok(resources.length > 10, stack);
            for (const resource of resources) {
                assert.deepEqual(resource.outputs, {}, `${stack} ${resource.name}`);
                assert.notDeepEqual(resource.inputs, {}, `${stack} ${resource.name}: policies still see inputs`);
            }
            const [provider] = of(plan, "pulumi:providers:databricks");
            assert.equal(provider.provider, undefined);
            assert.deepEqual(provider.outputs, provider.inputs);
        }
    });

    it("reports a new azure-native resource's inputs, with what only Azure sets unknown", function () {
        for (const [stack, plan] of first) {
            const azure = plan.resources.filter((resource) => resource.type.startsWith("azure-native:"));
            assert.ok(azure.length >= 8, stack);
            for (const resource of azure) {
                if (resource.type === "azure-native:databricks:AccessConnector") {
                    const identity = resource.outputs.identity as Record<string, unknown>;
                    assert.equal(identity.principalId, unknown, `${stack}: the identity is Azure's to create`);
                    assert.equal(identity.tenantId, unknown);
                    assert.equal(identity.type, "SystemAssigned");
                    assert.deepEqual(
                        { ...resource.outputs, identity: undefined },
                        {
                            ...resource.inputs,
                            identity: undefined,
                        },
                    );
                } else {
                    assert.deepEqual(resource.outputs, resource.inputs, `${stack} ${resource.name}`);
                }
            }
        }
    });

    it("reports each existing resource's state in an update, secrets still wrapped", function () {
        const dev = update.get("dev")!;
        const [volume] = of(dev, "databricks:index/volume:Volume");
        assert.equal(volume.outputs.volumePath, "/Volumes/lakestream_dev/bronze/checkpoints");
        const [secret] = of(dev, "databricks:index/secret:Secret");
        assert.match(String(secretValue(secret.outputs.stringValue)), /^Endpoint=sb:\/\/.*;EntityPath=weather$/);
        const [connector] = of(dev, "azure-native:databricks:AccessConnector");
        assert.match(String((connector.outputs.identity as Record<string, unknown>).principalId), /^[0-9a-f-]{36}$/);
        // A component's state is what it registered; the stack's is the stack outputs.
        const [catalog] = of(dev, "lakestream:catalog:MedallionCatalog");
        assert.equal(catalog.outputs.catalogName, "lakestream_dev");
        const [stack] = of(dev, "pulumi:pulumi:Stack");
        assert.deepEqual(stack.outputs, dev.outputs);
        for (const resource of dev.resources.filter((r) => r.custom)) {
            assert.notDeepEqual(resource.outputs, {}, resource.name);
        }
    });

    it("previews a stack on an existing workspace with real look-ups and outputs from its configured provider", async function () {
        const file = devWith({ databricks: { workspaceUrl: "https://adb-1234567890123456.7.azuredatabricks.net" } });
        const plan = await runPlan({ stack: "variant", stackFile: file, mode: "first-deploy" });
        const [job] = of(plan, "databricks:index/job:Job");
        const cluster = (job.inputs.jobClusters as { newCluster: Record<string, unknown> }[])[0].newCluster;
        assert.equal(cluster.singleUserName, "deployer@example.com");
        assert.equal(cluster.nodeTypeId, "Standard_D4ds_v5");
        const [catalog] = of(plan, "databricks:index/catalog:Catalog");
        assert.equal(catalog.outputs.name, "lakestream_variant");
        assert.deepEqual(catalog.outputs, catalog.inputs);
    });
});
