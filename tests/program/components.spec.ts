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
import { mockCall, mockSubscriptionId, newMockResource } from "../../src/plan/mockCloud";

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
                sku: "Basic",
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
                sku: "Standard",
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
                () => new components.EventHubsIngest("a", { location: "x", sku: "Basic", consumerGroup: "cg" }),
                /consumerGroup is not allowed on the Basic tier/,
            );
            assert.throws(
                () => new components.EventHubsIngest("b", { location: "x", partitionCount: 33 }),
                /partitionCount must be between 1 and 32 \(got 33\)/,
            );
            assert.throws(
                () => new components.EventHubsIngest("c", { location: "x", sku: "Basic", retentionHours: 48 }),
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

    describe("CatalogStorage", function () {
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

    describe("MedallionCatalog", function () {
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
    });

    describe("StreamingCluster", function () {
        it("builds a single-node, auto-terminating cluster dedicated to the deployer when it is the run-as identity", async function () {
            const cluster = new components.StreamingCluster("ls", {
                runAs: components.fixedRunAs("user", "deployer@example.com", true),
                tags: { owner: "o", environment: "dev" },
            });
            assert.equal(await valueOf(cluster.singleUserName), "deployer@example.com");
            await valueOf(cluster.clusterId);
            await settle();
            // The deployer created the cluster and manages it: no ACL to add, and Databricks refuses to lower its own.
            assert.deepEqual(typesAndNames(recorded), ["databricks:index/cluster:Cluster ls-cluster"]);
            const inputs = recorded[0].inputs;
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

        it("dedicates the cluster to a run-as service principal and lets it start the cluster, nothing more", async function () {
            const appId = "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c";
            const cluster = new components.StreamingCluster("ls", {
                autoscale: { minWorkers: 1, maxWorkers: 3 },
                nodeType: "Standard_DS3_v2",
                runAs: components.fixedRunAs("servicePrincipal", appId),
                autoterminationMinutes: 30,
            });
            const clusterId = await valueOf(cluster.clusterId);
            await settle();
            const [created] = ofType(recorded, "databricks:index/cluster:Cluster");
            assert.deepEqual(created.inputs.autoscale, { minWorkers: 1, maxWorkers: 3 });
            assert.equal(created.inputs.numWorkers, undefined);
            assert.equal(created.inputs.sparkConf, undefined);
            assert.equal(created.inputs.nodeTypeId, "Standard_DS3_v2");
            assert.equal(created.inputs.singleUserName, appId);
            assert.equal(created.inputs.autoterminationMinutes, 30);
            const [permissions] = ofType(recorded, "databricks:index/permissions:Permissions");
            assert.deepEqual(permissions.inputs, {
                clusterId,
                accessControls: [{ servicePrincipalName: appId, permissionLevel: "CAN_RESTART" }],
            });
        });

        it("names a run-as user by user name in the cluster's ACL", async function () {
            new components.StreamingCluster("ls", { runAs: components.fixedRunAs("user", "runner@example.com") });
            await settle();
            const [permissions] = ofType(recorded, "databricks:index/permissions:Permissions");
            assert.deepEqual(permissions.inputs.accessControls, [
                { userName: "runner@example.com", permissionLevel: "CAN_RESTART" },
            ]);
        });

        it("refuses auto-termination below Databricks' minimum of 10 minutes", function () {
            assert.throws(
                () =>
                    new components.StreamingCluster("ls", {
                        autoterminationMinutes: 0,
                        runAs: components.fixedRunAs("user", "runner@example.com"),
                    }),
                /autoterminationMinutes must be between 10 and 10000 \(got 0\)/,
            );
        });
    });

    describe("MedallionJob", function () {
        const appId = "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c";
        const jobArgs = (mode: "continuous" | "availableNow") => ({
            workspaceUrl: "https://adb-1.2.azuredatabricks.net",
            notebooksDir: "notebooks",
            workspaceFolder: "/lakestream/test/",
            runAs: components.fixedRunAs("servicePrincipal", appId),
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

        it("stores the Listen key as a secret and chains bronze, silver, gold on a schedule in the layered layout", async function () {
            const job = new components.MedallionJob("ls", {
                ...jobArgs("availableNow"),
                streams: "layered",
                timeoutSeconds: 1800,
            });
            assert.match(await valueOf(job.jobUrl), /^https:\/\/adb-1\.2\.azuredatabricks\.net\/jobs\/\d+$/);
            await settle();
            assert.equal(ofType(recorded, "databricks:index/secretScope:SecretScope").length, 1);
            const [secret] = ofType(recorded, "databricks:index/secret:Secret");
            assert.equal(secret.inputs.key, "eventhubs-listen-connection-string");
            assert.match(String(secretValue(secret.inputs.stringValue)), /SharedAccessKey=k/);
            const notebooks = ofType(recorded, "databricks:index/notebook:Notebook");
            assert.deepEqual(notebooks.map((n) => [n.inputs.path, n.inputs.source]).sort(), [
                ["/lakestream/test/bronze", "notebooks/bronze.py"],
                ["/lakestream/test/gold", "notebooks/gold.py"],
                ["/lakestream/test/silver", "notebooks/silver.py"],
            ]);
            const files = ofType(recorded, "databricks:index/workspaceFile:WorkspaceFile");
            assert.ok(files.length > 0, "the medallion module is uploaded");
            for (const file of files) {
                assert.match(String(file.inputs.path), /^\/lakestream\/test\/medallion\/[a-z_]+\.py$/);
            }
            const [job_] = ofType(recorded, "databricks:index/job:Job");
            const inputs = job_.inputs as unknown as JobInputs;
            assert.deepEqual(inputs.runAs, { servicePrincipalName: appId });
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
                trigger_seconds: "5",
            });
            assert.deepEqual(inputs.tasks[1].notebookTask.baseParameters, {
                catalog: "cat",
                checkpoint_volume: "/Volumes/cat/bronze/checkpoints",
                trigger: "availableNow",
                trigger_seconds: "5",
                bronze_schema: "bronze",
                silver_schema: "silver",
            });
            assert.deepEqual(inputs.tasks[2].notebookTask.baseParameters, {
                catalog: "cat",
                checkpoint_volume: "/Volumes/cat/bronze/checkpoints",
                trigger: "availableNow",
                trigger_seconds: "5",
                silver_schema: "silver",
                gold_schema: "gold",
                gold_output_mode: "update",
            });
            assert.deepEqual(Object.keys(job.notebookPaths), ["bronze", "silver", "gold"]);
            assert.equal(await valueOf(job.notebookPaths.gold), "/lakestream/test/gold");
        });

        it("runs one task, pipeline, in the single layout by default: one notebook, every widget once, the connector, no backlog rules", async function () {
            const job = new components.MedallionJob("ls", { ...jobArgs("availableNow"), triggerSeconds: 10 });
            await settle();
            assert.deepEqual(
                ofType(recorded, "databricks:index/notebook:Notebook").map((n) => [n.inputs.path, n.inputs.source]),
                [["/lakestream/test/pipeline", "notebooks/pipeline.py"]],
            );
            assert.deepEqual(Object.keys(job.notebookPaths), ["pipeline"]);
            assert.equal(await valueOf(job.notebookPaths.pipeline), "/lakestream/test/pipeline");
            const inputs = jobInputs();
            assert.deepEqual(
                inputs.tasks.map((t) => [t.taskKey, t.dependsOns, t.maxRetries, t.jobClusterKey]),
                [["pipeline", undefined, 1, "medallion"]],
            );
            const [pipeline] = inputs.tasks;
            assert.equal(pipeline.notebookTask.notebookPath, "/lakestream/test/pipeline");
            assert.deepEqual(pipeline.notebookTask.baseParameters, {
                catalog: "cat",
                bronze_schema: "bronze",
                silver_schema: "silver",
                gold_schema: "gold",
                checkpoint_volume: "/Volumes/cat/bronze/checkpoints",
                secret_scope: "ls",
                secret_key: "eventhubs-listen-connection-string",
                starting_position: "start",
                max_events_per_trigger: "2000",
                consumer_group: "$Default",
                trigger: "availableNow",
                trigger_seconds: "10",
                gold_output_mode: "update",
            });
            assert.deepEqual(pipeline.libraries, connector);
            // Its source is Event Hubs, which has no Delta backlog metric: the bronze lag alert watches it instead.
            assert.equal(pipeline.health, undefined);
            assert.equal(pipeline.emailNotifications, undefined);
            assert.deepEqual(inputs.emailNotifications, { onFailures: ["oncall@example.com"] });
        });

        it("runs the single stream side by side with nothing, with no retries of its own, in continuous mode", async function () {
            new components.MedallionJob("ls", { ...jobArgs("continuous"), streams: "single", triggerSeconds: 1 });
            await settle();
            const inputs = jobInputs();
            assert.deepEqual(inputs.continuous, { pauseStatus: "PAUSED", taskRetryMode: "ON_FAILURE" });
            assert.equal(inputs.tasks.length, 1);
            const [pipeline] = inputs.tasks;
            assert.equal(pipeline.dependsOns, undefined);
            assert.equal(pipeline.maxRetries, undefined);
            assert.equal(pipeline.notebookTask.baseParameters.trigger, "continuous");
            assert.equal(pipeline.notebookTask.baseParameters.trigger_seconds, "1");
        });

        it("refuses a trigger interval that is not a positive whole number of seconds", function () {
            for (const triggerSeconds of [0, -5, 2.5]) {
                assert.throws(
                    () => new components.MedallionJob("ls", { ...jobArgs("continuous"), triggerSeconds }),
                    new RegExp(`triggerSeconds must be a positive whole number of seconds \\(got ${triggerSeconds}\\)`),
                );
            }
        });

        it("puts the code in its own folder that only the run-as identity manages, and lets it read the secret scope", async function () {
            const job = new components.MedallionJob("ls", jobArgs("availableNow"));
            assert.equal(await valueOf(job.workspaceFolder), "/lakestream/test");
            await settle();
            const [directory] = ofType(recorded, "databricks:index/directory:Directory");
            assert.deepEqual(directory.inputs, { path: "/lakestream/test", deleteRecursive: true });
            const [permissions] = ofType(recorded, "databricks:index/permissions:Permissions");
            // Admins manage every folder anyway, and Databricks refuses an entry for them: the run-as is the only one.
            assert.deepEqual(permissions.inputs, {
                directoryPath: "/lakestream/test",
                accessControls: [{ servicePrincipalName: appId, permissionLevel: "CAN_MANAGE" }],
            });
            const [acl] = ofType(recorded, "databricks:index/secretAcl:SecretAcl");
            assert.deepEqual(acl.inputs, { scope: "ls", principal: appId, permission: "READ" });
        });

        it("runs as a named user, and leaves the secret scope to the deployer when it is the run-as identity", async function () {
            new components.MedallionJob("user", {
                ...jobArgs("availableNow"),
                runAs: components.fixedRunAs("user", "runner@example.com"),
            });
            new components.MedallionJob("deployer", {
                ...jobArgs("availableNow"),
                workspaceFolder: "/lakestream/other",
                runAs: components.fixedRunAs("user", "deployer@example.com", true),
            });
            await settle();
            const jobs = ofType(recorded, "databricks:index/job:Job").map((job) => job.inputs as unknown as JobInputs);
            assert.deepEqual(jobs.map((job) => JSON.stringify(job.runAs)).sort(), [
                '{"userName":"deployer@example.com"}',
                '{"userName":"runner@example.com"}',
            ]);
            // The scope's creator already has MANAGE; a READ entry for it would lower that.
            assert.deepEqual(
                ofType(recorded, "databricks:index/secretAcl:SecretAcl").map((acl) => acl.inputs.principal),
                ["runner@example.com"],
            );
            assert.deepEqual(
                ofType(recorded, "databricks:index/permissions:Permissions")
                    .map((permissions) => permissions.inputs.accessControls)
                    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
                [
                    [{ userName: "deployer@example.com", permissionLevel: "CAN_MANAGE" }],
                    [{ userName: "runner@example.com", permissionLevel: "CAN_MANAGE" }],
                ],
            );
        });

        it("refuses a workspace folder that is not an absolute path", function () {
            assert.throws(
                () =>
                    new components.MedallionJob("ls", {
                        ...jobArgs("availableNow"),
                        workspaceFolder: "lakestream/dev",
                    }),
                /workspaceFolder must be an absolute workspace path such as \/lakestream\/dev \(got "lakestream\/dev"\)/,
            );
        });

        it("runs the three tasks of a scheduled run on one single-node job cluster dedicated to the run-as identity", async function () {
            new components.MedallionJob("ls", { ...jobArgs("availableNow"), streams: "layered" });
            await settle();
            const inputs = jobInputs();
            assert.equal(inputs.jobClusters?.length, 1);
            const [jobCluster] = inputs.jobClusters!;
            assert.equal(jobCluster.jobClusterKey, "medallion");
            assert.deepEqual(jobCluster.newCluster, {
                sparkVersion: "15.4.x-scala2.12",
                nodeTypeId: "Standard_D4ds_v5",
                dataSecurityMode: "SINGLE_USER",
                singleUserName: appId,
                numWorkers: 0,
                sparkConf: {
                    "spark.databricks.cluster.profile": "singleNode",
                    "spark.master": "local[*]",
                    "spark.sql.shuffle.partitions": "4",
                    "spark.sql.streaming.stateStore.providerClass":
                        "com.databricks.sql.streaming.state.RocksDBStateStoreProvider",
                    "spark.databricks.delta.autoCompact.enabled": "auto",
                    "spark.databricks.delta.optimizeWrite.enabled": "true",
                },
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
            // Not single node: no single-node profile; one shuffle partition per core of the largest size; the
            // single stream keeps no window state, so no RocksDB.
            assert.deepEqual(cluster.sparkConf, {
                "spark.sql.shuffle.partitions": "8",
                "spark.databricks.delta.autoCompact.enabled": "auto",
                "spark.databricks.delta.optimizeWrite.enabled": "true",
            });
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
            new components.MedallionJob("ls", {
                ...jobArgs("continuous"),
                streams: "layered",
                backlog: { maxFiles: 50 },
            });
            await settle();
            const inputs = jobInputs();
            assert.deepEqual(inputs.emailNotifications, { onFailures: ["oncall@example.com"] });
            assert.deepEqual(
                inputs.tasks.map((task) => [task.taskKey, task.libraries]),
                [
                    ["bronze", connector],
                    ["silver", undefined],
                    ["gold", undefined],
                ],
            );
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
            new components.MedallionJob("layered", {
                ...jobArgs("availableNow"),
                streams: "layered",
                interactiveClusterId: "0101-abc",
            });
            new components.MedallionJob("single", {
                ...jobArgs("availableNow"),
                workspaceFolder: "/lakestream/single",
                interactiveClusterId: "0101-abc",
            });
            await settle();
            const jobs = ofType(recorded, "databricks:index/job:Job")
                .map((job) => job.inputs as unknown as JobInputs)
                .sort((a, b) => b.tasks.length - a.tasks.length);
            assert.deepEqual(
                jobs.map((inputs) => [
                    inputs.jobClusters,
                    inputs.tasks.map((task) => [task.taskKey, task.existingClusterId, task.jobClusterKey]),
                ]),
                [
                    [
                        undefined,
                        [
                            ["bronze", "0101-abc", undefined],
                            ["silver", "0101-abc", undefined],
                            ["gold", "0101-abc", undefined],
                        ],
                    ],
                    [undefined, [["pipeline", "0101-abc", undefined]]],
                ],
            );
        });

        it("uploads only the modules the layered notebooks import, not the local-only ones", async function () {
            new components.MedallionJob("ls", { ...jobArgs("availableNow"), streams: "layered" });
            await settle();
            const files = ofType(recorded, "databricks:index/workspaceFile:WorkspaceFile");
            assert.deepEqual(files.map((file) => [file.inputs.path, file.inputs.source]).sort(), [
                ["/lakestream/test/medallion/__init__.py", "notebooks/medallion/__init__.py"],
                ["/lakestream/test/medallion/bronze.py", "notebooks/medallion/bronze.py"],
                ["/lakestream/test/medallion/gold.py", "notebooks/medallion/gold.py"],
                ["/lakestream/test/medallion/idempotent.py", "notebooks/medallion/idempotent.py"],
                ["/lakestream/test/medallion/parallel.py", "notebooks/medallion/parallel.py"],
                ["/lakestream/test/medallion/schema.py", "notebooks/medallion/schema.py"],
                ["/lakestream/test/medallion/silver.py", "notebooks/medallion/silver.py"],
                ["/lakestream/test/medallion/streams.py", "notebooks/medallion/streams.py"],
                ["/lakestream/test/medallion/tables.py", "notebooks/medallion/tables.py"],
                ["/lakestream/test/medallion/widgets.py", "notebooks/medallion/widgets.py"],
            ]);
        });

        it("uploads only the modules the single-stream notebook imports, not the local-only ones", async function () {
            new components.MedallionJob("ls", jobArgs("availableNow"));
            await settle();
            const files = ofType(recorded, "databricks:index/workspaceFile:WorkspaceFile");
            assert.deepEqual(files.map((file) => file.inputs.path).sort(), [
                "/lakestream/test/medallion/__init__.py",
                "/lakestream/test/medallion/bronze.py",
                "/lakestream/test/medallion/gold.py",
                "/lakestream/test/medallion/idempotent.py",
                "/lakestream/test/medallion/parallel.py",
                "/lakestream/test/medallion/schema.py",
                "/lakestream/test/medallion/silver.py",
                "/lakestream/test/medallion/single_stream.py",
                "/lakestream/test/medallion/streams.py",
                "/lakestream/test/medallion/tables.py",
                "/lakestream/test/medallion/widgets.py",
            ]);
        });

        it("uploads only the notebooks of the chosen layout and the modules they import", async function () {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-layouts-"));
            fs.mkdirSync(path.join(dir, "medallion"));
            const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
            write("pipeline.py", "from medallion.everything import run\n");
            write("bronze.py", "from medallion.raw import run\n");
            write("silver.py", "from medallion.typed import run\n");
            write("gold.py", "from medallion.windows import run\n");
            for (const module of ["__init__", "everything", "raw", "typed", "windows"]) {
                write(`medallion/${module}.py`, "");
            }
            const uploaded = (folder: string) => {
                const under = (type: string) =>
                    ofType(recorded, type)
                        .map((resource) => String(resource.inputs.path))
                        .filter((file) => file.startsWith(`${folder}/`))
                        .map((file) => file.slice(folder.length + 1))
                        .sort();
                return {
                    notebooks: under("databricks:index/notebook:Notebook"),
                    files: under("databricks:index/workspaceFile:WorkspaceFile"),
                };
            };
            new components.MedallionJob("single", {
                ...jobArgs("availableNow"),
                notebooksDir: dir,
                workspaceFolder: "/s",
            });
            new components.MedallionJob("layered", {
                ...jobArgs("availableNow"),
                notebooksDir: dir,
                workspaceFolder: "/l",
                streams: "layered",
            });
            await settle();
            assert.deepEqual(uploaded("/s"), {
                notebooks: ["pipeline"],
                files: ["medallion/__init__.py", "medallion/everything.py"],
            });
            assert.deepEqual(uploaded("/l"), {
                notebooks: ["bronze", "gold", "silver"],
                files: ["medallion/__init__.py", "medallion/raw.py", "medallion/typed.py", "medallion/windows.py"],
            });
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

        describe("streamingSparkConf", function () {
            const fileSizes = {
                "spark.databricks.delta.autoCompact.enabled": "auto",
                "spark.databricks.delta.optimizeWrite.enabled": "true",
            };
            const rocksDb = {
                "spark.sql.streaming.stateStore.providerClass":
                    "com.databricks.sql.streaming.state.RocksDBStateStoreProvider",
            };

            it("gives one shuffle partition per core of the largest size: a single node counts as one 4-core machine", function () {
                for (const [size, partitions] of [
                    [{}, "4"],
                    [{ workers: 0 }, "4"],
                    [{ workers: 1 }, "4"],
                    [{ workers: 2 }, "8"],
                    [{ autoscale: { minWorkers: 1, maxWorkers: 3 } }, "12"],
                ] as const) {
                    assert.deepEqual(
                        components.streamingSparkConf({ streams: "single", ...size }),
                        { "spark.sql.shuffle.partitions": partitions, ...fileSizes },
                        JSON.stringify(size),
                    );
                }
            });

            it("keeps the layered gold's window state in RocksDB", function () {
                assert.deepEqual(components.streamingSparkConf({ streams: "layered", workers: 2 }), {
                    "spark.sql.shuffle.partitions": "8",
                    ...rocksDb,
                    ...fileSizes,
                });
            });

            it("sets the same values on the job cluster, next to the single-node profile, for workers 0, 2 and a range", async function () {
                const sizes = [{ workers: 0 }, { workers: 2 }, { autoscale: { minWorkers: 1, maxWorkers: 4 } }];
                sizes.forEach((jobCluster, index) => {
                    new components.MedallionJob(`ls${index}`, {
                        ...jobArgs("continuous"),
                        workspaceFolder: `/lakestream/t${index}`,
                        streams: "layered",
                        jobCluster,
                    });
                });
                await settle();
                const confs = ofType(recorded, "databricks:index/job:Job").map(
                    (job) => (job.inputs as unknown as JobInputs).jobClusters![0].newCluster.sparkConf,
                );
                assert.deepEqual(confs, [
                    {
                        "spark.databricks.cluster.profile": "singleNode",
                        "spark.master": "local[*]",
                        "spark.sql.shuffle.partitions": "4",
                        ...rocksDb,
                        ...fileSizes,
                    },
                    { "spark.sql.shuffle.partitions": "8", ...rocksDb, ...fileSizes },
                    { "spark.sql.shuffle.partitions": "16", ...rocksDb, ...fileSizes },
                ]);
            });
        });
    });

    describe("PowerBiConnection", function () {
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
});
