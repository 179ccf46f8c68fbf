// EventHubsIngest: the namespace, hub and authorization rules under the Pulumi mock runtime.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as components from "../../../components";
import { ofType, recordEachTest, settle, typesAndNames, valueOf, type RecordedResource } from "../harness";

describe("EventHubsIngest", function () {
    let recorded: RecordedResource[] = [];
    recordEachTest((resources) => (recorded = resources));

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

    it("ignores the namespace's capacity only when auto-inflate may raise it", async function () {
        // A transformation on the component sees each child's options as the program sets them.
        const ignoredBy = (autoInflate: boolean) => {
            const ignored: Record<string, string[] | undefined> = {};
            new components.EventHubsIngest(
                `ai-${autoInflate}`,
                { location: "westeurope", sku: "Standard", throughputUnits: 2, autoInflate, maximumThroughputUnits: 4 },
                {
                    transformations: [
                        (args) => {
                            ignored[args.type] = args.opts.ignoreChanges;
                            return undefined;
                        },
                    ],
                },
            );
            return ignored;
        };
        const inflating = ignoredBy(true);
        assert.deepEqual(inflating["azure-native:eventhub:Namespace"], ["sku.capacity"]);
        assert.equal(inflating["azure-native:eventhub:EventHub"], undefined);
        assert.equal(ignoredBy(false)["azure-native:eventhub:Namespace"], undefined);
        await settle();
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
