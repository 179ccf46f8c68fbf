// Each component's children: exact types, counts, names and key inputs, under the Pulumi mock runtime.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import * as components from "../../components";
import {
    ofType,
    recordResources,
    secretValue,
    settle,
    typesAndNames,
    valueOf,
    type JobInputs,
    type RecordedResource,
} from "./harness";

describe("components", function () {
    let recorded: RecordedResource[];

    beforeEach(async function () {
        // Components do nothing at import time, so a static import is safe; the mocks must be fresh per test.
        recorded = await recordResources();
    });

    describe("EventHubsIngest", function () {
        it("creates a group, a Basic namespace with TLS 1.2, the hub and two single-right rules, and no consumer group", async function () {
            const ingest = new components.EventHubsIngest("ls", {
                location: "westeurope",
                tier: "Basic",
                throughputUnits: 1,
                partitionCount: 4,
                retentionHours: 24,
                hubName: "weather",
                tags: { owner: "o", environment: "dev" },
            });
            const listen = await valueOf(ingest.listenConnectionString);
            await settle();
            assert.deepEqual(
                typesAndNames(recorded),
                [
                    "azure-native:resources:ResourceGroup ls-rg",
                    "azure-native:eventhub:Namespace ls-ns",
                    "azure-native:eventhub:EventHub ls-hub",
                    "azure-native:eventhub:EventHubAuthorizationRule ls-listen",
                    "azure-native:eventhub:EventHubAuthorizationRule ls-send",
                ].sort(),
            );
            const [namespace] = ofType(recorded, "azure-native:eventhub:Namespace");
            assert.deepEqual(namespace.inputs.sku, { name: "Basic", tier: "Basic", capacity: 1 });
            assert.equal(namespace.inputs.minimumTlsVersion, "1.2");
            assert.equal(namespace.inputs.isAutoInflateEnabled, undefined);
            assert.deepEqual(namespace.inputs.tags, { owner: "o", environment: "dev" });
            const [hub] = ofType(recorded, "azure-native:eventhub:EventHub");
            assert.equal(hub.inputs.partitionCount, 4);
            assert.deepEqual(hub.inputs.retentionDescription, { cleanupPolicy: "Delete", retentionTimeInHours: 24 });
            const rules = ofType(recorded, "azure-native:eventhub:EventHubAuthorizationRule");
            assert.deepEqual(rules.map((rule) => [rule.inputs.authorizationRuleName, rule.inputs.rights]).sort(), [
                ["databricks-listen", ["Listen"]],
                ["producer-send", ["Send"]],
            ]);
            assert.match(listen, /SharedAccessKeyName=databricks-listen;.*EntityPath=weather$/);
            assert.equal(await pulumi.isSecret(ingest.listenConnectionString), true);
            assert.equal(await pulumi.isSecret(ingest.sendConnectionString), true);
            assert.equal(await valueOf(ingest.consumerGroupName), "$Default");
        });

        it("uses an existing resource group and adds a dedicated consumer group and auto-inflate on Standard", async function () {
            const ingest = new components.EventHubsIngest("ls", {
                location: "westeurope",
                resourceGroupName: "existing-rg",
                tier: "Standard",
                throughputUnits: 2,
                autoInflate: true,
                maximumThroughputUnits: 4,
                consumerGroup: "databricks",
            });
            assert.equal(await valueOf(ingest.consumerGroupName), "databricks");
            await settle();
            assert.equal(ofType(recorded, "azure-native:resources:ResourceGroup").length, 0);
            const [namespace] = ofType(recorded, "azure-native:eventhub:Namespace");
            assert.equal(namespace.inputs.resourceGroupName, "existing-rg");
            assert.equal(namespace.inputs.isAutoInflateEnabled, true);
            assert.equal(namespace.inputs.maximumThroughputUnits, 4);
            const [group] = ofType(recorded, "azure-native:eventhub:ConsumerGroup");
            assert.equal(group.inputs.consumerGroupName, "databricks");
        });

        it("refuses a consumer group on Basic and partitions outside 1-32", function () {
            assert.throws(
                () => new components.EventHubsIngest("a", { location: "x", tier: "Basic", consumerGroup: "cg" }),
                /consumerGroup is not allowed on the Basic tier/,
            );
            assert.throws(
                () => new components.EventHubsIngest("b", { location: "x", partitionCount: 33 }),
                /partitionCount must be between 1 and 32 \(got 33\)/,
            );
            assert.throws(
                () => new components.EventHubsIngest("c", { location: "x", tier: "Basic", retentionHours: 48 }),
                /retentionHours must be between 1 and 24 on the Basic tier \(got 48\)/,
            );
        });
    });

    describe("DatabricksWorkspace", function () {
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

    describe("MedallionCatalog", function () {
        it("creates the catalog, three schemas, a managed checkpoint volume and the grants", async function () {
            const catalog = new components.MedallionCatalog("ls", {
                catalogName: "lakestream_dev",
                forceDestroy: true,
                storageRoot: "abfss://c@a.dfs.core.windows.net/x",
                grants: [{ principal: "analysts", privileges: ["USE_CATALOG", "SELECT"] }],
            });
            assert.equal(await valueOf(catalog.checkpointVolumePath), "/Volumes/lakestream_dev/bronze/checkpoints");
            await settle();
            assert.deepEqual(
                typesAndNames(recorded),
                [
                    "databricks:index/catalog:Catalog ls-catalog",
                    "databricks:index/schema:Schema ls-bronze",
                    "databricks:index/schema:Schema ls-silver",
                    "databricks:index/schema:Schema ls-gold",
                    "databricks:index/volume:Volume ls-checkpoints",
                    "databricks:index/grants:Grants ls-grants",
                ].sort(),
            );
            const [catalogResource] = ofType(recorded, "databricks:index/catalog:Catalog");
            assert.equal(catalogResource.inputs.forceDestroy, true);
            assert.equal(catalogResource.inputs.storageRoot, "abfss://c@a.dfs.core.windows.net/x");
            for (const schema of ofType(recorded, "databricks:index/schema:Schema")) {
                assert.equal(schema.inputs.forceDestroy, true);
                assert.equal(schema.inputs.catalogName, "lakestream_dev");
            }
            const [volume] = ofType(recorded, "databricks:index/volume:Volume");
            assert.equal(volume.inputs.volumeType, "MANAGED");
            const [grants] = ofType(recorded, "databricks:index/grants:Grants");
            assert.deepEqual(grants.inputs.grants, [{ principal: "analysts", privileges: ["USE_CATALOG", "SELECT"] }]);
        });

        it("refuses to both force-destroy and keep the data", function () {
            assert.throws(
                () =>
                    new components.MedallionCatalog("ls", {
                        catalogName: "c",
                        forceDestroy: true,
                        keepOnDestroy: true,
                    }),
                /forceDestroy and keepOnDestroy contradict each other/,
            );
        });

        it("keeps data on destroy by default and creates no grants when none are asked", async function () {
            new components.MedallionCatalog("ls", { catalogName: "c" });
            await settle();
            assert.equal(ofType(recorded, "databricks:index/catalog:Catalog")[0].inputs.forceDestroy, false);
            assert.equal(ofType(recorded, "databricks:index/grants:Grants").length, 0);
        });
    });

    describe("StreamingCluster", function () {
        it("builds a single-node, single-user, auto-terminating cluster with the Event Hubs connector", async function () {
            const cluster = new components.StreamingCluster("ls", { tags: { owner: "o", environment: "dev" } });
            assert.equal(await valueOf(cluster.singleUserName), "deployer@example.com");
            await valueOf(cluster.clusterId);
            await settle();
            const clusters = ofType(recorded, "databricks:index/cluster:Cluster");
            assert.equal(clusters.length, 1);
            const inputs = clusters[0].inputs;
            assert.equal(inputs.sparkVersion, "15.4.x-scala2.12");
            assert.equal(inputs.nodeTypeId, "Standard_D4ds_v5");
            assert.equal(inputs.numWorkers, 0);
            assert.equal(inputs.autoterminationMinutes, 10);
            assert.equal(inputs.dataSecurityMode, "SINGLE_USER");
            assert.equal(inputs.singleUserName, "deployer@example.com");
            assert.deepEqual(inputs.sparkConf, {
                "spark.databricks.cluster.profile": "singleNode",
                "spark.master": "local[*]",
            });
            assert.deepEqual(inputs.customTags, { owner: "o", environment: "dev", ResourceClass: "SingleNode" });
            assert.deepEqual(inputs.libraries, [
                { maven: { coordinates: "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22" } },
            ]);
        });

        it("autoscales without the single-node profile when given a range", async function () {
            new components.StreamingCluster("ls", {
                autoscale: { minWorkers: 1, maxWorkers: 3 },
                nodeType: "Standard_DS3_v2",
                singleUserName: "someone@example.com",
                autoterminationMinutes: 30,
            });
            await settle();
            const [cluster] = ofType(recorded, "databricks:index/cluster:Cluster");
            assert.deepEqual(cluster.inputs.autoscale, { minWorkers: 1, maxWorkers: 3 });
            assert.equal(cluster.inputs.numWorkers, undefined);
            assert.equal(cluster.inputs.sparkConf, undefined);
            assert.equal(cluster.inputs.nodeTypeId, "Standard_DS3_v2");
            assert.equal(cluster.inputs.singleUserName, "someone@example.com");
            assert.equal(cluster.inputs.autoterminationMinutes, 30);
        });

        it("refuses auto-termination below Databricks' minimum of 10 minutes", function () {
            assert.throws(
                () => new components.StreamingCluster("ls", { autoterminationMinutes: 0 }),
                /autoterminationMinutes must be between 10 and 10000 \(got 0\)/,
            );
        });
    });

    describe("MedallionJob", function () {
        const jobArgs = (mode: "continuous" | "availableNow") => ({
            runAsUserName: "runner@example.com",
            workspaceUrl: "https://adb-1.2.azuredatabricks.net",
            notebooksDir: "notebooks",
            workspaceFolder: "/Shared/lakestream/test/",
            catalogName: "cat",
            schemaNames: { bronze: "bronze", silver: "silver", gold: "gold" },
            checkpointVolumePath: "/Volumes/cat/bronze/checkpoints",
            listenConnectionString: pulumi.secret(
                "Endpoint=sb://n/;SharedAccessKeyName=l;SharedAccessKey=k;EntityPath=h",
            ),
            mode,
            maxEventsPerTrigger: 2000,
            notify: ["oncall@example.com"],
            tags: { owner: "o", environment: "test" },
        });
        const jobInputs = () => ofType(recorded, "databricks:index/job:Job")[0].inputs as unknown as JobInputs;
        const connector = [{ maven: { coordinates: "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22" } }];

        it("stores the Listen key as a secret and chains bronze, silver, gold on a schedule in availableNow mode", async function () {
            const job = new components.MedallionJob("ls", { ...jobArgs("availableNow"), timeoutSeconds: 1800 });
            assert.match(await valueOf(job.jobUrl), /^https:\/\/adb-1\.2\.azuredatabricks\.net\/jobs\/\d+$/);
            await settle();
            assert.equal(ofType(recorded, "databricks:index/secretScope:SecretScope").length, 1);
            const [secret] = ofType(recorded, "databricks:index/secret:Secret");
            assert.equal(secret.inputs.key, "eventhubs-listen-connection-string");
            assert.match(String(secretValue(secret.inputs.stringValue)), /SharedAccessKey=k/);
            const notebooks = ofType(recorded, "databricks:index/notebook:Notebook");
            assert.deepEqual(notebooks.map((n) => [n.inputs.path, n.inputs.source]).sort(), [
                ["/Shared/lakestream/test/bronze", "notebooks/bronze.py"],
                ["/Shared/lakestream/test/gold", "notebooks/gold.py"],
                ["/Shared/lakestream/test/silver", "notebooks/silver.py"],
            ]);
            const inputs = jobInputs();
            assert.equal(inputs.maxConcurrentRuns, 1);
            assert.equal(inputs.timeoutSeconds, 1800);
            assert.equal(inputs.continuous, undefined);
            assert.equal(inputs.controlRunState, undefined);
            // Created paused unless told otherwise: nothing runs, nothing costs, until someone unpauses it.
            assert.deepEqual(inputs.schedule, {
                quartzCronExpression: "0 0/15 * * * ?",
                timezoneId: "UTC",
                pauseStatus: "PAUSED",
            });
            assert.deepEqual(
                inputs.tasks.map((t) => [t.taskKey, t.dependsOns?.map((d) => d.taskKey) ?? [], t.maxRetries]),
                [
                    ["bronze", [], 1],
                    ["silver", ["bronze"], 1],
                    ["gold", ["silver"], 1],
                ],
            );
            const bronze = inputs.tasks[0];
            assert.deepEqual(bronze.notebookTask.baseParameters, {
                catalog: "cat",
                checkpoint_volume: "/Volumes/cat/bronze/checkpoints",
                trigger: "availableNow",
                bronze_schema: "bronze",
                secret_scope: "ls",
                secret_key: "eventhubs-listen-connection-string",
                starting_position: "start",
                max_events_per_trigger: "2000",
                consumer_group: "$Default",
            });
            assert.equal(inputs.tasks[2].notebookTask.baseParameters.gold_output_mode, "update");
        });

        it("runs the three tasks of a scheduled run on one single-node job cluster dedicated to the run-as identity", async function () {
            new components.MedallionJob("ls", jobArgs("availableNow"));
            await settle();
            const inputs = jobInputs();
            assert.equal(inputs.jobClusters?.length, 1);
            const [jobCluster] = inputs.jobClusters!;
            assert.equal(jobCluster.jobClusterKey, "medallion");
            assert.deepEqual(jobCluster.newCluster, {
                sparkVersion: "15.4.x-scala2.12",
                nodeTypeId: "Standard_D4ds_v5",
                dataSecurityMode: "SINGLE_USER",
                singleUserName: "runner@example.com",
                numWorkers: 0,
                sparkConf: { "spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]" },
                customTags: { owner: "o", environment: "test", ResourceClass: "SingleNode" },
            });
            assert.deepEqual(
                inputs.tasks.map((task) => [task.taskKey, task.jobClusterKey, task.existingClusterId, task.libraries]),
                [
                    ["bronze", "medallion", undefined, connector],
                    ["silver", "medallion", undefined, undefined],
                    ["gold", "medallion", undefined, undefined],
                ],
            );
            assert.equal(ofType(recorded, "databricks:index/cluster:Cluster").length, 0);
        });

        it("sizes the job cluster from its arguments: runtime, node type and an autoscaling range", async function () {
            new components.MedallionJob("ls", {
                ...jobArgs("continuous"),
                jobCluster: {
                    sparkVersion: "16.4.x-scala2.12",
                    nodeType: "Standard_DS3_v2",
                    autoscale: { minWorkers: 1, maxWorkers: 2 },
                },
            });
            await settle();
            const cluster = jobInputs().jobClusters![0].newCluster;
            assert.equal(cluster.sparkVersion, "16.4.x-scala2.12");
            assert.equal(cluster.nodeTypeId, "Standard_DS3_v2");
            assert.deepEqual(cluster.autoscale, { minWorkers: 1, maxWorkers: 2 });
            assert.equal(cluster.numWorkers, undefined);
            assert.equal(cluster.sparkConf, undefined);
            assert.deepEqual(cluster.customTags, { owner: "o", environment: "test" });
        });

        it("refuses both a worker count and an autoscaling range for the job cluster", function () {
            assert.throws(
                () =>
                    new components.MedallionJob("ls", {
                        ...jobArgs("availableNow"),
                        jobCluster: { workers: 1, autoscale: { minWorkers: 1, maxWorkers: 2 } },
                    }),
                /jobCluster.workers and jobCluster.autoscale are exclusive/,
            );
        });

        it("runs three streams side by side that retry failed tasks, restart on deploy and have no timeout, in continuous mode", async function () {
            new components.MedallionJob("ls", { ...jobArgs("continuous"), paused: false, timeoutSeconds: 1800 });
            await settle();
            const inputs = jobInputs();
            assert.deepEqual(inputs.continuous, { pauseStatus: "UNPAUSED", taskRetryMode: "ON_FAILURE" });
            assert.equal(inputs.controlRunState, true);
            assert.equal(inputs.timeoutSeconds, undefined);
            assert.equal(inputs.schedule, undefined);
            assert.equal(inputs.jobClusters?.length, 1);
            for (const task of inputs.tasks) {
                assert.equal(task.dependsOns, undefined);
                assert.equal(task.maxRetries, undefined);
                assert.equal(task.jobClusterKey, "medallion");
                assert.equal(task.notebookTask.baseParameters.trigger, "continuous");
            }
        });

        it("leaves a failed continuous task stopped only when asked to", async function () {
            new components.MedallionJob("ls", { ...jobArgs("continuous"), taskRetryMode: "NEVER" });
            await settle();
            assert.deepEqual(jobInputs().continuous, { pauseStatus: "PAUSED", taskRetryMode: "NEVER" });
        });

        it("notifies on failure and watches the backlog of the streams that read Delta", async function () {
            new components.MedallionJob("ls", { ...jobArgs("continuous"), backlog: { maxFiles: 50 } });
            await settle();
            const inputs = jobInputs();
            assert.deepEqual(inputs.emailNotifications, { onFailures: ["oncall@example.com"] });
            assert.deepEqual(inputs.notificationSettings, {
                noAlertForCanceledRuns: true,
                noAlertForSkippedRuns: true,
            });
            const [bronze, silver, gold] = inputs.tasks;
            // The Event Hubs source has no backlog metric in Databricks.
            assert.equal(bronze.health, undefined);
            for (const task of [silver, gold]) {
                assert.deepEqual(task.health, {
                    rules: [
                        { metric: "STREAMING_BACKLOG_FILES", op: "GREATER_THAN", value: 50 },
                        { metric: "STREAMING_BACKLOG_BYTES", op: "GREATER_THAN", value: 1024 ** 3 },
                    ],
                });
                assert.deepEqual(task.emailNotifications, { onStreamingBacklogExceededs: ["oncall@example.com"] });
            }
        });

        it("sends no notification block when nobody is to be told", async function () {
            new components.MedallionJob("ls", { ...jobArgs("availableNow"), notify: [] });
            await settle();
            const inputs = jobInputs();
            assert.equal(inputs.emailNotifications, undefined);
            assert.ok(inputs.tasks.every((task) => task.emailNotifications === undefined));
        });

        it("runs the tasks on the all-purpose cluster only when given one", async function () {
            new components.MedallionJob("ls", { ...jobArgs("availableNow"), interactiveClusterId: "0101-abc" });
            await settle();
            const inputs = jobInputs();
            assert.equal(inputs.jobClusters, undefined);
            assert.deepEqual(
                inputs.tasks.map((task) => [task.existingClusterId, task.jobClusterKey]),
                [
                    ["0101-abc", undefined],
                    ["0101-abc", undefined],
                    ["0101-abc", undefined],
                ],
            );
        });

        it("uploads only the modules the notebooks import, not the local-only ones", async function () {
            new components.MedallionJob("ls", jobArgs("availableNow"));
            await settle();
            const files = ofType(recorded, "databricks:index/workspaceFile:WorkspaceFile");
            assert.deepEqual(files.map((file) => [file.inputs.path, file.inputs.source]).sort(), [
                ["/Shared/lakestream/test/medallion/__init__.py", "notebooks/medallion/__init__.py"],
                ["/Shared/lakestream/test/medallion/bronze.py", "notebooks/medallion/bronze.py"],
                ["/Shared/lakestream/test/medallion/gold.py", "notebooks/medallion/gold.py"],
                ["/Shared/lakestream/test/medallion/schema.py", "notebooks/medallion/schema.py"],
                ["/Shared/lakestream/test/medallion/silver.py", "notebooks/medallion/silver.py"],
                ["/Shared/lakestream/test/medallion/streams.py", "notebooks/medallion/streams.py"],
                ["/Shared/lakestream/test/medallion/tables.py", "notebooks/medallion/tables.py"],
            ]);
        });

        it("follows imports between modules and ignores modules nobody imports", function () {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-modules-"));
            fs.mkdirSync(path.join(dir, "medallion"));
            const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
            write("bronze.py", "from medallion.a import x\nimport json\n");
            write("medallion/__init__.py", "");
            write("medallion/a.py", "from medallion.b import y\n");
            write("medallion/b.py", "import medallion.c\n");
            write("medallion/c.py", "");
            write("medallion/local.py", "from medallion.a import x\n");
            assert.deepEqual(components.runtimeModuleFiles(dir, ["bronze.py"]), [
                "__init__.py",
                "a.py",
                "b.py",
                "c.py",
            ]);
        });
    });

    describe("PowerBiConnection", function () {
        const base = {
            workspaceHost: "adb-1.2.azuredatabricks.net",
            workspaceId: "1",
            clusterId: "0101-000000-abc",
            catalogName: "cat",
            goldSchema: "gold",
        };

        it("points DirectQuery at the cluster's HTTP path when there is no warehouse", async function () {
            const connection = new components.PowerBiConnection("ls", base);
            assert.equal(await valueOf(connection.httpPath), "sql/protocolv1/o/1/0101-000000-abc");
            await settle();
            assert.equal(recorded.length, 0);
        });

        it("creates a serverless warehouse with auto-stop and points DirectQuery at it", async function () {
            const connection = new components.PowerBiConnection("ls", {
                ...base,
                sqlWarehouse: { autoStopMinutes: 5, tags: { owner: "o" } },
            });
            const httpPath = await valueOf(connection.httpPath);
            await settle();
            const [warehouse] = ofType(recorded, "databricks:index/sqlEndpoint:SqlEndpoint");
            assert.equal(warehouse.inputs.autoStopMins, 5);
            assert.equal(warehouse.inputs.enableServerlessCompute, true);
            assert.deepEqual(warehouse.inputs.tags, { customTags: [{ key: "owner", value: "o" }] });
            assert.match(httpPath, /^\/sql\/1\.0\/warehouses\/[0-9a-f]{16}$/);
            assert.equal(await valueOf(connection.sqlWarehouseId), httpPath.split("/").pop());
        });

        it("refuses to have neither a warehouse nor a cluster to query", function () {
            assert.throws(
                () => new components.PowerBiConnection("ls", { ...base, clusterId: undefined }),
                /Power BI needs a SQL warehouse or a cluster to query \(got neither\)/,
            );
        });
    });
});
