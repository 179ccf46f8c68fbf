// The whole program, evaluated for every Pulumi.<stack>.yaml: resources, outputs, secrets, .pbids and job/notebook parameters.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { planToJson } from "../../src/plan/format";
import { listStacks, runPlan, type Plan } from "../../src/plan/runPlan";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { JobInputs } from "./harness";

const root = path.resolve(__dirname, "..", "..");

/** Every string in a wire-form value that is not inside a secret, with where it was found. */
function plainStrings(value: unknown, where: string, found: [string, string][] = []): [string, string][] {
    if (typeof value === "string") {
        found.push([where, value]);
    } else if (Array.isArray(value)) {
        value.forEach((item, index) => plainStrings(item, `${where}[${index}]`, found));
    } else if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
            return found;
        }
        for (const [key, inner] of Object.entries(record)) {
            plainStrings(inner, `${where}.${key}`, found);
        }
    }
    return found;
}

function countByType(plan: Plan): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const resource of plan.resources) {
        counts[resource.type] = (counts[resource.type] ?? 0) + 1;
    }
    return counts;
}

/** The resources of the catalog's storage chain. */
const chainTypes = {
    group: "azure-native:resources:ResourceGroup",
    connector: "azure-native:databricks:AccessConnector",
    account: "azure-native:storage:StorageAccount",
    container: "azure-native:storage:BlobContainer",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    credential: "databricks:index/storageCredential:StorageCredential",
    location: "databricks:index/externalLocation:ExternalLocation",
} as const;

function jobOf(plan: Plan): JobInputs {
    const job = plan.resources.find((resource) => resource.type === "databricks:index/job:Job");
    assert.ok(job, "the plan has a job");
    return job.inputs as unknown as JobInputs;
}

describe("the program, for every stack", function () {
    const stacks = listStacks(root);
    // An update preview: everything exists, so every value the tests read is known.
    const plans = new Map<string, Plan>();
    // A first preview: nothing exists yet.
    const firstPlans = new Map<string, Plan>();

    before(async function () {
        for (const stack of stacks) {
            plans.set(stack, await runPlan({ stack, mode: "update" }));
            firstPlans.set(stack, await runPlan({ stack, mode: "first-deploy" }));
        }
    });

    it("exports no output without a value, in either mode (the engine would warn and drop it)", function () {
        for (const [stack, plan] of [...plans, ...firstPlans]) {
            assert.deepEqual(plan.warnings, [], `${stack} (${plan.mode})`);
        }
        assert.equal(plans.get("dev")!.outputs.clusterId, undefined, "dev has no all-purpose cluster, so no output");
        assert.ok(plans.get("prod")!.outputs.sqlWarehouseId !== undefined);
    });

    it("creates the catalog's storage chain per stack, with the catalog under its external location", function () {
        for (const [stack, plan] of plans) {
            const chain = plan.resources.filter((resource) => resource.urn.includes("CatalogStorage$"));
            assert.deepEqual(
                chain.map((resource) => resource.type).sort(),
                Object.values(chainTypes).sort(),
                `${stack}: one of each piece of the chain`,
            );
            const of = (type: string) => plan.resources.find((resource) => resource.type === type)!;
            const account = of(chainTypes.account);
            assert.equal(account.inputs.isHnsEnabled, true);
            assert.equal(account.inputs.minimumTlsVersion, "TLS1_2");
            assert.equal(account.inputs.allowBlobPublicAccess, false);
            const location = of(chainTypes.location);
            assert.equal(
                location.inputs.url,
                `abfss://unity-catalog@${String(account.inputs.accountName)}.dfs.core.windows.net/`,
            );
            const catalog = of("databricks:index/catalog:Catalog");
            assert.equal(catalog.inputs.storageRoot, `${String(location.inputs.url)}${String(catalog.inputs.name)}`);
            assert.ok(catalog.dependencies.includes(location.urn), `${stack}: the catalog waits for its location`);
            assert.equal(plan.outputs.catalogStorageRoot, catalog.inputs.storageRoot);
        }
    });

    it("previews a first deploy as the engine does: unknown ids and look-ups through a workspace still to be created", function () {
        const dev = firstPlans.get("dev")!;
        const of = (type: string) => dev.resources.find((resource) => resource.type === type)!;
        const jobCluster = (plan: Plan) =>
            (
                plan.resources.find((resource) => resource.type === "databricks:index/job:Job")!.inputs.jobClusters as {
                    newCluster: Record<string, unknown>;
                }[]
            )[0].newCluster;
        // Unknown, not absent: the look-ups wait for the workspace, which does not exist yet.
        assert.equal(jobCluster(dev).singleUserName, pulumi.runtime.unknownValue);
        assert.equal(jobCluster(dev).nodeTypeId, pulumi.runtime.unknownValue);
        assert.equal(of("pulumi:providers:databricks").inputs.host, pulumi.runtime.unknownValue);
        assert.equal(of(chainTypes.roleAssignment).inputs.principalId, pulumi.runtime.unknownValue);
        assert.equal(of("databricks:index/catalog:Catalog").inputs.storageRoot, pulumi.runtime.unknownValue);
        assert.equal(dev.outputs.workspaceUrl, pulumi.runtime.unknownValue);
        // The same program, once everything exists: known values from the same look-ups.
        const update = plans.get("dev")!;
        assert.equal(jobCluster(update).singleUserName, "deployer@example.com");
        assert.match(String(jobCluster(update).nodeTypeId), /^Standard_/);
        // What the plan knows in both modes stays the same.
        assert.deepEqual(
            dev.resources.map((resource) => resource.urn).sort(),
            update.resources.map((resource) => resource.urn).sort(),
        );
    });

    it("fails a stack whose workspace has no Unity Catalog metastore, saying what to do, once the workspace exists", async function () {
        await assert.rejects(
            runPlan({ stack: "prod", mode: "update", workspace: { metastore: "none" } }),
            /the program failed for stack "prod": .*workspace https:\/\/adb-\d+\.7\.azuredatabricks\.net has no Unity Catalog metastore.*ask a Databricks account admin/,
        );
        // A first preview cannot tell yet: the workspace, and so its metastore, does not exist.
        const first = await runPlan({ stack: "prod", mode: "first-deploy", workspace: { metastore: "none" } });
        assert.ok(first.resources.some((resource) => resource.type === "databricks:index/catalog:Catalog"));
    });

    it("finds the dev and prod stacks", function () {
        assert.ok(stacks.includes("dev") && stacks.includes("prod"), `stacks: ${stacks.join(", ")}`);
    });

    it("creates one of each platform piece per stack, and the module beside the notebooks", function () {
        for (const [stack, plan] of plans) {
            const counts = countByType(plan);
            for (const type of [
                "azure-native:eventhub:Namespace",
                "azure-native:databricks:AccessConnector",
                "azure-native:eventhub:EventHub",
                "databricks:index/catalog:Catalog",
                "databricks:index/volume:Volume",
                "databricks:index/job:Job",
                "databricks:index/secretScope:SecretScope",
                "databricks:index/secret:Secret",
                "databricks:index/sqlEndpoint:SqlEndpoint",
                "databricks:index/workspaceBinding:WorkspaceBinding",
                "databricks:index/directory:Directory",
            ]) {
                assert.equal(counts[type], 1, `${stack}: ${type}`);
            }
            // The stack's provider, and the one the metastore preflight reads through before the stack's may be used.
            assert.equal(counts["pulumi:providers:databricks"], 2, `${stack}: stack and metastore-check providers`);
            assert.equal(counts["azure-native:eventhub:EventHubAuthorizationRule"], 2, stack);
            assert.equal(counts["databricks:index/schema:Schema"], 3, stack);
            assert.equal(counts["databricks:index/grants:Grants"], 5, `${stack}: catalog, three schemas, volume`);
            // Both stacks run the single-stream layout: one notebook, pipeline.
            assert.deepEqual(
                ofPlan(plan, "databricks:index/notebook:Notebook").map((notebook) =>
                    path.basename(String(notebook.inputs.path)),
                ),
                ["pipeline"],
                stack,
            );
            // Neither stack asks for the all-purpose cluster: the job brings its own.
            assert.equal(counts["databricks:index/cluster:Cluster"], undefined, stack);
            const uploaded = plan.resources
                .filter((resource) => resource.type === "databricks:index/workspaceFile:WorkspaceFile")
                .map((resource) => path.basename(String(resource.inputs.path)))
                .sort();
            // The package marker and what the notebook imports; never the local-only session, sample and CLI modules.
            assert.ok(uploaded.includes("__init__.py") && uploaded.includes("streams.py"), `${stack}: ${uploaded}`);
            for (const localOnly of ["local.py", "local_eventhubs.py", "sample.py", "session.py"]) {
                assert.ok(!uploaded.includes(localOnly), `${stack}: ${localOnly} uploaded`);
            }
        }
    });

    it("follows each stack's settings: Basic single node on a schedule in dev, Standard continuous with a warehouse in prod", function () {
        const dev = plans.get("dev")!;
        const devCounts = countByType(dev);
        assert.equal(devCounts["azure-native:eventhub:ConsumerGroup"], undefined);
        // Without the all-purpose cluster, Power BI queries a serverless warehouse that auto-stops.
        assert.equal(devCounts["databricks:index/sqlEndpoint:SqlEndpoint"], 1);
        const devNamespace = dev.resources.find((r) => r.type === "azure-native:eventhub:Namespace")!;
        assert.deepEqual(devNamespace.inputs.sku, { name: "Basic", tier: "Basic", capacity: 1 });
        // dev is ephemeral: its schedule is created paused, so an idle stack costs nothing.
        assert.equal(jobOf(dev).schedule?.pauseStatus, "PAUSED");
        assert.equal(jobOf(dev).timeoutSeconds, 1800);

        const prod = plans.get("prod")!;
        const prodCounts = countByType(prod);
        assert.equal(prodCounts["azure-native:eventhub:ConsumerGroup"], 1);
        assert.equal(prodCounts["databricks:index/sqlEndpoint:SqlEndpoint"], 1);
        assert.deepEqual(jobOf(prod).continuous, { pauseStatus: "UNPAUSED", taskRetryMode: "ON_FAILURE" });
        assert.equal(jobOf(prod).controlRunState, true);
        assert.equal(jobOf(prod).timeoutSeconds, undefined);
        for (const [stack, plan] of plans) {
            const job = jobOf(plan);
            assert.deepEqual(job.emailNotifications, { onFailures: ["data-platform@example.com"] }, stack);
            assert.deepEqual(
                job.tasks.map((task) => [task.taskKey, task.jobClusterKey, task.existingClusterId]),
                [["pipeline", "medallion", undefined]],
                stack,
            );
            // Every stack passes the interval; dev's scheduled runs ignore it.
            assert.equal(job.tasks[0].notebookTask.baseParameters.trigger_seconds, "5", stack);
        }
        const devCluster = jobOf(dev).jobClusters![0].newCluster;
        assert.equal(devCluster.numWorkers, 0);
        assert.equal(devCluster.singleUserName, "deployer@example.com");
        const prodCluster = jobOf(prod).jobClusters![0].newCluster;
        assert.deepEqual(prodCluster.autoscale, { minWorkers: 1, maxWorkers: 2 });
        assert.equal(prodCluster.nodeTypeId, "Standard_DS3_v2");
        const confOf = (cluster: Record<string, unknown>) => cluster.sparkConf as Record<string, string>;
        // One shuffle partition per core of the largest size, fixed before the first run; no RocksDB for one stream.
        assert.equal(confOf(devCluster)["spark.sql.shuffle.partitions"], "4");
        assert.equal(confOf(prodCluster)["spark.sql.shuffle.partitions"], "8");
        for (const cluster of [devCluster, prodCluster]) {
            assert.equal(confOf(cluster)["spark.sql.streaming.stateStore.providerClass"], undefined);
            assert.equal(confOf(cluster)["spark.databricks.delta.autoCompact.enabled"], "auto");
            assert.equal(confOf(cluster)["spark.databricks.delta.optimizeWrite.enabled"], "true");
        }
        const pipelineParameters = (plan: Plan) => jobOf(plan).tasks[0].notebookTask.baseParameters;
        assert.equal(pipelineParameters(dev).consumer_group, "$Default");
        assert.equal(pipelineParameters(prod).consumer_group, "databricks");
        // Twice what the namespace takes in per 5-second trigger: 1 unit in dev (the 10,000 floor), 2 in prod.
        assert.equal(pipelineParameters(dev).max_events_per_trigger, "10000");
        assert.equal(pipelineParameters(prod).max_events_per_trigger, "20000");
        const prodCatalog = prod.resources.find((r) => r.type === "databricks:index/catalog:Catalog")!;
        assert.equal(prodCatalog.inputs.forceDestroy, false);
    });

    it("keeps prod's catalog, schemas, checkpoints and their storage on destroy and lets dev's go, protecting nothing", function () {
        const dataTypes = [
            "databricks:index/catalog:Catalog",
            "databricks:index/schema:Schema",
            "databricks:index/volume:Volume",
            ...Object.values(chainTypes),
        ];
        for (const [stack, kept] of [
            ["dev", false],
            ["prod", true],
        ] as const) {
            const plan = plans.get(stack)!;
            // The stack's other resource group (Event Hubs) goes; the storage has a group of its own.
            const data = plan.resources.filter(
                (resource) => dataTypes.includes(resource.type) && !resource.urn.includes("EventHubsIngest$"),
            );
            assert.equal(data.length, 12, stack);
            for (const resource of data) {
                assert.equal(resource.retainOnDelete, kept, `${stack}: ${resource.urn}`);
            }
            const others = plan.resources.filter((resource) => !data.includes(resource));
            assert.ok(
                others.every((resource) => !resource.retainOnDelete),
                `${stack}: only data is kept`,
            );
            assert.ok(
                plan.resources.every((resource) => !resource.protect),
                `${stack}: nothing is protected`,
            );
        }
    });

    it("exports every output the tools rely on, secrets as secrets", function () {
        for (const [stack, plan] of plans) {
            for (const name of [
                "resourceGroupName",
                "eventHubsNamespace",
                "eventHubsFullyQualifiedNamespace",
                "eventHubName",
                "workspaceUrl",
                "jobId",
                "jobUrl",
                "catalogName",
                "checkpointVolumePath",
                "powerBi",
            ]) {
                assert.ok(plan.outputs[name] !== undefined, `${stack} lacks output ${name}`);
            }
            // There is no all-purpose cluster to name.
            assert.equal(plan.outputs.clusterId, undefined, `${stack}: clusterId`);
            for (const name of ["sendConnectionString", "listenConnectionString"]) {
                const output = plan.outputs[name] as Record<string, unknown>;
                assert.equal(output[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig, `${stack}.${name}`);
                assert.match(String(output.value), /;EntityPath=weather$/);
            }
        }
    });

    it("keeps key material out of every plain resource input and output", function () {
        for (const [stack, plan] of plans) {
            const keys = [plan.outputs.sendConnectionString, plan.outputs.listenConnectionString].map(
                (output) => /SharedAccessKey=([^;]+)/.exec(String((output as Record<string, unknown>).value))![1],
            );
            const everywhere = [
                ...plan.resources.flatMap((resource) => plainStrings(resource.inputs, resource.urn)),
                ...plainStrings(plan.outputs, "outputs"),
            ];
            for (const [where, text] of everywhere) {
                assert.ok(!/SharedAccessKey=/.test(text), `${stack}: key material in plain ${where}`);
                for (const key of keys) {
                    assert.ok(!text.includes(key), `${stack}: a shared access key in plain ${where}`);
                }
            }
            const printed = JSON.stringify(planToJson(plan));
            assert.ok(!printed.includes("SharedAccessKey"), `${stack}: the --json plan shows a key`);
            assert.ok(printed.includes('"[secret]"'), `${stack}: the --json plan masks secrets`);
        }
    });

    it("writes a .pbids document with one DirectQuery connection and no credentials", function () {
        for (const [stack, plan] of plans) {
            const powerBi = plan.outputs.powerBi as Record<string, string>;
            const document = JSON.parse(powerBi.pbids);
            assert.deepEqual(document, {
                version: "0.1",
                connections: [
                    {
                        details: {
                            protocol: "databricks-sql",
                            address: { host: powerBi.host, path: powerBi.httpPath },
                        },
                        options: { Catalog: powerBi.catalog, Database: "gold" },
                        mode: "DirectQuery",
                    },
                ],
            });
            assert.equal(`https://${powerBi.host}`, plan.outputs.workspaceUrl, stack);
            assert.equal(powerBi.table, "weather_summary");
            assert.ok(!/password|token|key/i.test(powerBi.pbids), `${stack}: credentials in the .pbids`);
        }
        // Every stack, dev included: Power BI never targets the streaming compute.
        for (const [stack, plan] of plans) {
            const powerBi = plan.outputs.powerBi as Record<string, string>;
            assert.equal(powerBi.httpPath, `/sql/1.0/warehouses/${String(plan.outputs.sqlWarehouseId)}`, stack);
        }
    });

    it("passes each notebook exactly the widgets it declares, in either layout", async function () {
        const layered = await planOfDevWith({ job: { mode: "continuous", streams: "layered", triggerSeconds: 10 } });
        assert.deepEqual(
            jobOf(layered).tasks.map((task) => task.taskKey),
            ["bronze", "silver", "gold"],
        );
        for (const [stack, plan] of [...plans, ["layered", layered] as const]) {
            for (const task of jobOf(plan).tasks) {
                const source = fs.readFileSync(path.join(root, "notebooks", `${task.taskKey}.py`), "utf8");
                const widgets = [
                    ...source.matchAll(/dbutils\.widgets\.(?:text|dropdown|combobox)\(\s*["']([\w]+)["']/g),
                ]
                    .map((match) => match[1])
                    .sort();
                assert.ok(widgets.length > 0, `notebooks/${task.taskKey}.py declares no widgets`);
                assert.deepEqual(
                    Object.keys(task.notebookTask.baseParameters).sort(),
                    widgets,
                    `${stack}: ${task.taskKey}`,
                );
            }
        }
    });

    it("declares widget defaults that are empty (and required) or what every stack passes", async function () {
        const layered = await planOfDevWith({ job: { streams: "layered" } });
        const everyPlan = [...plans, ["layered", layered] as const];
        for (const layer of ["pipeline", "bronze", "silver", "gold"]) {
            const source = fs.readFileSync(path.join(root, "notebooks", `${layer}.py`), "utf8");
            const defaults = [...source.matchAll(/dbutils\.widgets\.(?:text|dropdown)\(\s*"(\w+)",\s*"([^"]*)"/g)].map(
                (match) => [match[1], match[2]] as const,
            );
            assert.ok(defaults.length > 0, layer);
            for (const [widget, fallback] of defaults) {
                if (fallback === "") {
                    continue;
                }
                for (const [stack, plan] of everyPlan) {
                    const task = jobOf(plan).tasks.find((candidate) => candidate.taskKey === layer);
                    if (task === undefined) {
                        // This stack's layout does not run the notebook.
                        continue;
                    }
                    assert.equal(
                        task.notebookTask.baseParameters[widget],
                        fallback,
                        `${stack}: notebooks/${layer}.py widget ${widget} defaults to "${fallback}"`,
                    );
                }
            }
        }
    });
});

/** The dev stack with some `lakestream:` keys replaced, evaluated as the stack `variant`. */
async function planOfDevWith(changes: Record<string, unknown>): Promise<Plan> {
    const dev = parseYaml(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8")) as {
        config: Record<string, unknown>;
    };
    for (const [key, value] of Object.entries(changes)) {
        dev.config[`lakestream:${key}`] = value;
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-variant-")), "Pulumi.variant.yaml");
    fs.writeFileSync(file, stringifyYaml(dev));
    return runPlan({ stack: "variant", stackFile: file, mode: "update" });
}

function ofPlan(plan: Plan, type: string) {
    return plan.resources.filter((resource) => resource.type === type);
}

/** Principals of every grant in the plan, with the securable each is on. */
function grantsOf(plan: Plan): { on: string; principal: string; privileges: string[] }[] {
    return ofPlan(plan, "databricks:index/grants:Grants").flatMap((grants) => {
        const { grants: entries, ...securable } = grants.inputs as Record<string, unknown>;
        const on = Object.values(securable).map(String).join();
        return (entries as { principal: string; privileges: string[] }[]).map((entry) => ({ on, ...entry }));
    });
}

describe("the AI/BI dashboards", function () {
    it("puts both in the code folder on the Power BI warehouse, and none with lakestream:dashboard.enabled false", async function () {
        const plan = await planOfDevWith({});
        const [warehouse] = ofPlan(plan, "databricks:index/sqlEndpoint:SqlEndpoint");
        const dashboards = ofPlan(plan, "databricks:index/dashboard:Dashboard");
        assert.deepEqual(
            dashboards.map((dashboard) => [dashboard.inputs.parentPath, dashboard.inputs.embedCredentials]),
            [
                [plan.outputs.workspaceFolder, false],
                [plan.outputs.workspaceFolder, false],
            ],
        );
        for (const dashboard of dashboards) {
            assert.equal(dashboard.inputs.warehouseId, plan.outputs.sqlWarehouseId);
            assert.ok(
                dashboard.dependencies.includes(warehouse.urn),
                "the warehouse id comes from the stack's warehouse",
            );
        }
        assert.match(String(plan.outputs.dashboardUrl), /\/dashboardsv3\/[0-9a-f]{32}\/published$/);
        assert.match(String(plan.outputs.ownerDashboardUrl), /\/dashboardsv3\/[0-9a-f]{32}\/published$/);

        const without = await planOfDevWith({ dashboard: { enabled: false } });
        assert.deepEqual(ofPlan(without, "databricks:index/dashboard:Dashboard"), []);
        assert.equal("dashboardUrl" in without.outputs, false);
        assert.equal("ownerDashboardUrl" in without.outputs, false);
    });
});

describe("who runs the pipeline and who reads it", function () {
    const appId = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

    for (const [way, runAs, expected] of [
        ["nothing configured: the deploying identity", undefined, { userName: "deployer@example.com" }],
        ["a service principal", { servicePrincipal: appId }, { servicePrincipalName: appId }],
        ["a user", { user: "runner@example.com" }, { userName: "runner@example.com" }],
    ] as const) {
        it(`runs the job and its compute as one identity with ${way}`, async function () {
            const plan = await planOfDevWith(runAs === undefined ? {} : { runAs });
            const name = Object.values(expected)[0];
            assert.deepEqual(jobOf(plan).runAs, expected);
            assert.equal(jobOf(plan).jobClusters![0].newCluster.singleUserName, name);
            assert.deepEqual(plan.outputs.runAsIdentity, {
                kind: "servicePrincipalName" in expected ? "servicePrincipal" : "user",
                name,
            });
            // Besides the run-as identity, the owner (lakestream:owner) only reads, for the owners' dashboard.
            const owner = "data-platform@example.com";
            for (const grant of grantsOf(plan).filter((entry) => entry.principal !== owner)) {
                assert.equal(grant.principal, name, `only the run-as identity writes (${grant.on})`);
            }
            assert.deepEqual(
                grantsOf(plan).filter((entry) => entry.principal === owner),
                [
                    { on: "lakestream_variant", principal: owner, privileges: ["USE_CATALOG"] },
                    { on: "lakestream_variant.silver", principal: owner, privileges: ["USE_SCHEMA", "SELECT"] },
                    { on: "lakestream_variant.gold", principal: owner, privileges: ["USE_SCHEMA", "SELECT"] },
                ],
            );
            const [folder] = ofPlan(plan, "databricks:index/permissions:Permissions").filter(
                (permissions) => permissions.inputs.directoryPath !== undefined,
            );
            assert.deepEqual(folder.inputs.accessControls, [{ ...expected, permissionLevel: "CAN_MANAGE" }]);
            const acls = ofPlan(plan, "databricks:index/secretAcl:SecretAcl").map((acl) => acl.inputs);
            assert.deepEqual(
                acls,
                runAs === undefined ? [] : [{ scope: "lakestream-variant", principal: name, permission: "READ" }],
            );
        });
    }

    it("gives readers USE_CATALOG and gold only, and the warehouse, in every stack that has them", async function () {
        const prod = await runPlan({ stack: "prod", mode: "update" });
        const readerGrants = grantsOf(prod).filter((grant) => grant.principal === "analysts");
        assert.deepEqual(readerGrants, [
            { on: "lakestream_prod", principal: "analysts", privileges: ["USE_CATALOG"] },
            { on: "lakestream_prod.gold", principal: "analysts", privileges: ["USE_SCHEMA", "SELECT"] },
        ]);
        const [warehouse] = ofPlan(prod, "databricks:index/permissions:Permissions").filter(
            (permissions) => permissions.inputs.sqlEndpointId !== undefined,
        );
        assert.deepEqual(warehouse.inputs, {
            sqlEndpointId: prod.outputs.sqlWarehouseId,
            accessControls: [
                { groupName: "analysts", permissionLevel: "CAN_USE" },
                { userName: "data-platform@example.com", permissionLevel: "CAN_MANAGE" },
            ],
        });
    });

    it("lets the owner run the owners' dashboard: the warehouse and silver and gold to read, even as the deployer", async function () {
        // The deployer as owner: the provider refuses to set the calling user to CAN_USE (the stand-in too).
        const plan = await planOfDevWith({ owner: "deployer@example.com", runAs: { servicePrincipal: appId } });
        const [warehouse] = ofPlan(plan, "databricks:index/permissions:Permissions").filter(
            (permissions) => permissions.inputs.sqlEndpointId !== undefined,
        );
        assert.deepEqual(warehouse.inputs.accessControls, [
            { userName: "deployer@example.com", permissionLevel: "CAN_MANAGE" },
        ]);
        const reads = grantsOf(plan)
            .filter((grant) => grant.principal === "deployer@example.com")
            .map((grant) => grant.on);
        assert.deepEqual(reads, ["lakestream_variant", "lakestream_variant.silver", "lakestream_variant.gold"]);
        // A group owner; without dashboards the owner reads nothing but keeps the warehouse.
        const group = await planOfDevWith({
            owner: "data-platform",
            dashboard: { enabled: false },
            job: { notify: ["ops@example.com"] },
        });
        assert.deepEqual(
            grantsOf(group).filter((grant) => grant.principal === "data-platform"),
            [],
        );
        const [groupWarehouse] = ofPlan(group, "databricks:index/permissions:Permissions").filter(
            (permissions) => permissions.inputs.sqlEndpointId !== undefined,
        );
        assert.deepEqual(groupWarehouse.inputs.accessControls, [
            { groupName: "data-platform", permissionLevel: "CAN_MANAGE" },
        ]);
    });

    it("binds each stack's isolated catalog to its own workspace", async function () {
        for (const stack of ["dev", "prod"]) {
            const plan = await runPlan({ stack, mode: "update" });
            const [catalog] = ofPlan(plan, "databricks:index/catalog:Catalog");
            assert.equal(catalog.inputs.isolationMode, "ISOLATED", stack);
            const [binding] = ofPlan(plan, "databricks:index/workspaceBinding:WorkspaceBinding");
            const workspaceId = /adb-(\d+)\./.exec(String(plan.outputs.workspaceUrl))![1];
            assert.deepEqual(binding.inputs, {
                securableName: catalog.inputs.name,
                securableType: "catalog",
                workspaceId,
                bindingType: "BINDING_TYPE_READ_WRITE",
            });
        }
    });

    it("assigns the service principal and readers to a workspace it creates, and only checks an existing one", async function () {
        const created = await planOfDevWith({ runAs: { servicePrincipal: appId }, readers: ["analysts"] });
        assert.deepEqual(
            ofPlan(created, "databricks:index/permissionAssignment:PermissionAssignment").map((a) => a.inputs),
            [
                { servicePrincipalName: appId, permissions: ["USER"] },
                { groupName: "analysts", permissions: ["USER"] },
            ],
        );
        const existing = await planOfDevWith({
            runAs: { servicePrincipal: appId },
            readers: ["analysts"],
            databricks: { workspaceUrl: "https://adb-1234567890123456.7.azuredatabricks.net" },
        });
        assert.equal(ofPlan(existing, "databricks:index/permissionAssignment:PermissionAssignment").length, 0);
        assert.ok(grantsOf(existing).some((grant) => grant.principal === "analysts"));
    });
});

describe("npm run plan", function () {
    const plan = (...args: string[]) =>
        spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(root, "src/plan/cli.ts"), ...args], {
            encoding: "utf8",
            cwd: root,
        });

    it("prints one JSON document with masked secrets and exits 0", function () {
        const result = plan("--stack", "dev", "--json");
        assert.equal(result.status, 0, result.stderr);
        const document = JSON.parse(result.stdout);
        assert.deepEqual(Object.keys(document), ["stack", "mode", "resources", "outputs", "warnings"]);
        assert.equal(document.stack, "dev");
        assert.equal(document.mode, "first-deploy");
        assert.deepEqual(document.warnings, []);
        // Before the first deployment the key does not exist: the output is unknown, not an empty secret.
        assert.equal(document.outputs.sendConnectionString, "[unknown]");
        for (const resource of document.resources) {
            assert.deepEqual(
                Object.keys(resource).filter((k) => k !== "parent"),
                ["urn", "type", "name", "inputs"],
            );
        }
    });

    it("previews an existing stack with --mode update, where look-ups answer", function () {
        const result = plan("--stack", "dev", "--mode", "update", "--json");
        assert.equal(result.status, 0, result.stderr);
        const document = JSON.parse(result.stdout);
        assert.equal(document.mode, "update");
        const job = document.resources.find(
            (resource: { type: string }) => resource.type === "databricks:index/job:Job",
        );
        assert.equal(job.inputs.jobClusters[0].newCluster.singleUserName, "deployer@example.com");
        assert.equal(document.outputs.sendConnectionString, "[secret]");
    });

    it("exits 2 on an unknown --mode, naming the allowed ones", function () {
        const result = plan("--stack", "dev", "--mode", "preview");
        assert.equal(result.status, 2);
        assert.match(result.stderr, /--mode must be one of first-deploy, update \(got "preview"\)/);
    });

    it("exits 2 and lists the stacks for an unknown stack", function () {
        const result = plan("--stack", "staging");
        assert.equal(result.status, 2);
        assert.match(result.stderr, /unknown stack "staging": there is no Pulumi\.staging\.yaml \(stacks: dev, prod\)/);
    });

    it("exits 2 naming every bad key of an invalid stack file", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-plan-"));
        const file = path.join(dir, "Pulumi.broken.yaml");
        fs.writeFileSync(
            file,
            [
                "config:",
                "  azure-native:location: westeurope",
                "  lakestream:owner: someone@example.com",
                "  lakestream:environment: broken",
                "  lakestream:eventHubs: { sku: Basic, throughputUnits: 1, partitionCount: 64, retentionHours: 48 }",
                "  lakestream:databricks: {}",
                "  lakestream:catalog: {}",
                "  lakestream:cluster: { autoterminationMinutes: 10, workers: 0 }",
                "  lakestream:job: {}",
                "  lakestream:powerBi: {}",
                "  lakestream:runAs: {}",
                "  lakestream:cost: {}",
            ].join("\n"),
        );
        const result = plan("--stack-file", file);
        assert.equal(result.status, 2, result.stdout);
        assert.match(result.stderr, /invalid configuration for stack "broken" \(2 problems\)/);
        assert.match(
            result.stderr,
            /lakestream:eventHubs\.partitionCount must be an integer between 1 and 32 \(got 64\)/,
        );
        assert.match(
            result.stderr,
            /lakestream:eventHubs\.retentionHours must be at most 24 on the Basic tier \(got 48\)/,
        );
    });

    it("exits 2 when a key Pulumi.yaml declares without a default is missing", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-plan-"));
        const file = path.join(dir, "Pulumi.partial.yaml");
        fs.writeFileSync(file, "config:\n  azure-native:location: westeurope\n");
        const result = plan("--stack-file", file);
        assert.equal(result.status, 2);
        assert.match(result.stderr, /lakestream:owner is required \(declared in Pulumi\.yaml without a default\)/);
        assert.match(result.stderr, /lakestream:eventHubs is required/);
    });

    it("exits 2 on an unknown flag, naming it and the allowed ones", function () {
        const result = plan("--stak", "dev");
        assert.equal(result.status, 2);
        assert.match(result.stderr, /Unknown option '--stak'/);
        assert.match(result.stderr, /allowed flags: --stack, --stack-file, --mode, --json, --help/);
    });
});

describe("adopting kept data, and an existing location instead of the chain", function () {
    let dir: string;
    const prodSettings = fs.readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8");

    /** Plans prod with extra top-level settings, written the way `pulumi config set` writes them. */
    async function prodWith(mode: "first-deploy" | "update", extra: string[], catalog?: string[]): Promise<Plan> {
        let text = prodSettings.replace(/^config:\n/m, `config:\n${extra.map((line) => `  ${line}\n`).join("")}`);
        if (catalog !== undefined) {
            text = text.replace(
                / {2}lakestream:catalog:\n/,
                `  lakestream:catalog:\n${catalog.map((line) => `    ${line}\n`).join("")}`,
            );
        }
        const file = path.join(dir, "Pulumi.prod.yaml");
        fs.writeFileSync(file, text);
        return runPlan({ stack: "prod", stackFile: file, mode });
    }

    before(function () {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-adopt-"));
    });

    it("imports every kept piece of prod by the id its provider uses, once adoptData is set", async function () {
        const subscription = "12345678-1234-1234-1234-123456789abc";
        const plan = await prodWith("first-deploy", [
            'lakestream:adoptData: "true"',
            `azure-native:subscriptionId: ${subscription}`,
        ]);
        const imported = Object.fromEntries(
            plan.resources.filter((r) => r.importId !== undefined).map((r) => [r.name, r.importId]),
        );
        const account = plan.resources.find((r) => r.type === chainTypes.account)!.inputs.accountName as string;
        const group = `/subscriptions/${subscription}/resourceGroups/lakestream-prod-data`;
        const accountId = `${group}/providers/Microsoft.Storage/storageAccounts/${account}`;
        assert.equal(imported["lakestream-prod-rg"], group);
        assert.equal(imported["lakestream-prod-account"], accountId);
        assert.equal(
            imported["lakestream-prod-container"],
            `${accountId}/blobServices/default/containers/unity-catalog`,
        );
        assert.equal(
            imported["lakestream-prod-connector"],
            `${group}/providers/Microsoft.Databricks/accessConnectors/lakestream-prod-uc`,
        );
        assert.match(
            String(imported["lakestream-prod-blob-contributor"]),
            new RegExp(`^${accountId}/providers/Microsoft.Authorization/roleAssignments/[0-9a-f-]{36}$`),
        );
        assert.equal(imported["lakestream-prod-credential"], "lakestream_prod");
        assert.equal(imported["lakestream-prod-location"], "lakestream_prod");
        assert.equal(imported["lakestream-prod-catalog"], "lakestream_prod");
        for (const layer of ["bronze", "silver", "gold"]) {
            assert.equal(imported[`lakestream-prod-${layer}`], `lakestream_prod.${layer}`);
        }
        assert.equal(imported["lakestream-prod-checkpoints"], "lakestream_prod.bronze.checkpoints");
        assert.equal(Object.keys(imported).length, 12);
        // Adopted pieces exist, so even a first preview knows their outputs.
        const connector = plan.resources.find((r) => r.type === chainTypes.roleAssignment)!;
        assert.match(String(connector.inputs.principalId), /^[0-9a-f-]{36}$/);
    });

    it("adopts nothing without adoptData, so a first deployment creates", async function () {
        const plan = await prodWith("update", []);
        assert.deepEqual(
            plan.resources.filter((r) => r.importId !== undefined),
            [],
        );
    });

    it("creates no chain when the stack names an existing managed location", async function () {
        const root = "abfss://lake@existingaccount.dfs.core.windows.net/catalogs/lakestream_prod";
        const plan = await prodWith("update", [], [`storageRoot: ${root}`]);
        for (const type of Object.values(chainTypes)) {
            assert.ok(!plan.resources.some((r) => r.type === type && r.urn.includes("CatalogStorage")), `no ${type}`);
        }
        const catalog = plan.resources.find((r) => r.type === "databricks:index/catalog:Catalog")!;
        assert.equal(catalog.inputs.storageRoot, root);
        assert.equal(plan.outputs.storageAccountName, undefined);
        assert.deepEqual(plan.warnings, []);
    });

    it("puts the catalog under an existing external location found by name, unknown until the workspace exists", async function () {
        const update = await prodWith("update", [], ["externalLocation: shared_lake"]);
        assert.ok(!update.resources.some((r) => r.type === chainTypes.location));
        const catalog = update.resources.find((r) => r.type === "databricks:index/catalog:Catalog")!;
        assert.match(
            String(catalog.inputs.storageRoot),
            /^abfss:\/\/unity-catalog@existing[0-9a-f]{10}\.dfs\.core\.windows\.net\/lakestream_prod$/,
        );
        const first = await prodWith("first-deploy", [], ["externalLocation: shared_lake"]);
        const firstCatalog = first.resources.find((r) => r.type === "databricks:index/catalog:Catalog")!;
        assert.equal(firstCatalog.inputs.storageRoot, pulumi.runtime.unknownValue);
    });
});
