// EventHubsIngest: the Event Hubs namespace, hub and least-privilege access rules that events enter the pipeline by.
import * as pulumi from "@pulumi/pulumi";
import * as eventhub from "@pulumi/azure-native/eventhub";
import * as resources from "@pulumi/azure-native/resources";

export type EventHubsTier = "Basic" | "Standard" | "Premium";

export interface EventHubsIngestArgs {
    /** Azure region of the namespace and of the resource group it creates. */
    location: pulumi.Input<string>;
    /** Name of an existing resource group to deploy into. Defaults to a new group named from the component. */
    resourceGroupName?: pulumi.Input<string>;
    /** Namespace tier; the tier cannot be changed in place. Defaults to "Basic". */
    sku?: EventHubsTier;
    /** Throughput units (processing units on Premium) of the namespace. Defaults to 1. */
    throughputUnits?: number;
    /** Partitions of the hub, 1 to 32; fixed once created on Basic and Standard. Defaults to 2. */
    partitionCount?: number;
    /** Hours an event is kept, at most 24 on Basic. Defaults to 24. */
    retentionHours?: number;
    /** Name of the hub inside the namespace. Defaults to "weather". */
    hubName?: string;
    /** Let the namespace add throughput units under load (Standard only). Defaults to false. */
    autoInflate?: boolean;
    /** Ceiling for auto-inflate, required with it. Defaults to none. */
    maximumThroughputUnits?: number;
    /** A dedicated consumer group for Databricks (not on Basic, which only has $Default). Defaults to none. */
    consumerGroup?: string;
    /** Tags for every Azure resource. Defaults to none. */
    tags?: Record<string, string>;
}

/** Longest retention each tier allows, in hours (Basic 1 day, Standard 7 days, Premium 90 days). */
export const maxRetentionHoursByTier = { Basic: 24, Standard: 168, Premium: 2160 } as const;

/** The hub a stack gets when it names none. */
export const defaultHubName = "weather";

export class EventHubsIngest extends pulumi.ComponentResource {
    /** Resource group holding the namespace. */
    public readonly resourceGroupName: pulumi.Output<string>;
    /** Name of the Event Hubs namespace (Azure adds a random suffix to keep it globally unique). */
    public readonly namespaceName: pulumi.Output<string>;
    /** ARM id of the namespace, what Azure Monitor alerts on its metrics are scoped to. */
    public readonly namespaceId: pulumi.Output<string>;
    /** Host name clients connect to: `<namespace>.servicebus.windows.net`. */
    public readonly fullyQualifiedNamespace: pulumi.Output<string>;
    /** Name of the hub. */
    public readonly hubName: pulumi.Output<string>;
    /** Consumer group the streaming job reads through. */
    public readonly consumerGroupName: pulumi.Output<string>;
    /** Listen-only connection string of the hub, with EntityPath; a secret. */
    public readonly listenConnectionString: pulumi.Output<string>;
    /** Send-only connection string of the hub, with EntityPath; a secret. */
    public readonly sendConnectionString: pulumi.Output<string>;

    constructor(name: string, args: EventHubsIngestArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:ingest:EventHubsIngest", name, {}, opts);

        const tier = args.sku ?? "Basic";
        const throughputUnits = args.throughputUnits ?? 1;
        const partitionCount = args.partitionCount ?? 2;
        const retentionHours = args.retentionHours ?? 24;
        const autoInflate = args.autoInflate ?? false;
        if (!Number.isInteger(partitionCount) || partitionCount < 1 || partitionCount > 32) {
            throw new pulumi.ResourceError(`partitionCount must be between 1 and 32 (got ${partitionCount})`, this);
        }
        if (retentionHours < 1 || retentionHours > maxRetentionHoursByTier[tier]) {
            throw new pulumi.ResourceError(
                `retentionHours must be between 1 and ${maxRetentionHoursByTier[tier]} on the ${tier} tier (got ${retentionHours})`,
                this,
            );
        }
        if (tier === "Basic" && args.consumerGroup !== undefined) {
            throw new pulumi.ResourceError(
                `consumerGroup is not allowed on the Basic tier, which has only $Default (got "${args.consumerGroup}")`,
                this,
            );
        }
        if (autoInflate && tier !== "Standard") {
            throw new pulumi.ResourceError(
                `autoInflate is only available on the Standard tier (tier is ${tier})`,
                this,
            );
        }

        const resourceGroupName =
            args.resourceGroupName !== undefined
                ? pulumi.output(args.resourceGroupName)
                : new resources.ResourceGroup(
                      `${name}-rg`,
                      { location: args.location, tags: args.tags },
                      { parent: this },
                  ).name;

        const namespace = new eventhub.Namespace(
            `${name}-ns`,
            {
                resourceGroupName,
                location: args.location,
                sku: { name: tier, tier, capacity: throughputUnits },
                minimumTlsVersion: "1.2",
                // Auto-inflate and its ceiling exist on Standard only; the API rejects them elsewhere.
                isAutoInflateEnabled: tier === "Standard" ? autoInflate : undefined,
                maximumThroughputUnits: autoInflate ? args.maximumThroughputUnits : undefined,
                tags: args.tags,
            },
            {
                parent: this,
                // Auto-inflate raises sku.capacity under load and never lowers it; without this, the next `up` would
                // see the raised capacity as drift and shrink the namespace back to throughputUnits while it is busy.
                ignoreChanges: autoInflate ? ["sku.capacity"] : undefined,
            },
        );

        const hub = new eventhub.EventHub(
            `${name}-hub`,
            {
                resourceGroupName,
                namespaceName: namespace.name,
                eventHubName: args.hubName ?? defaultHubName,
                partitionCount,
                retentionDescription: { cleanupPolicy: "Delete", retentionTimeInHours: retentionHours },
            },
            { parent: this },
        );

        // Hub-scoped rules: a leaked key reaches one hub with one right, never the namespace's RootManageSharedAccessKey.
        const listenRule = new eventhub.EventHubAuthorizationRule(
            `${name}-listen`,
            {
                resourceGroupName,
                namespaceName: namespace.name,
                eventHubName: hub.name,
                authorizationRuleName: "databricks-listen",
                rights: ["Listen"],
            },
            { parent: this },
        );
        const sendRule = new eventhub.EventHubAuthorizationRule(
            `${name}-send`,
            {
                resourceGroupName,
                namespaceName: namespace.name,
                eventHubName: hub.name,
                authorizationRuleName: "producer-send",
                rights: ["Send"],
            },
            { parent: this },
        );

        const consumerGroup =
            args.consumerGroup !== undefined
                ? new eventhub.ConsumerGroup(
                      `${name}-cg`,
                      {
                          resourceGroupName,
                          namespaceName: namespace.name,
                          eventHubName: hub.name,
                          consumerGroupName: args.consumerGroup,
                      },
                      { parent: this },
                  ).name
                : pulumi.output("$Default");

        const connectionStringOf = (rule: eventhub.EventHubAuthorizationRule) =>
            pulumi.secret(
                eventhub.listEventHubKeysOutput(
                    {
                        resourceGroupName,
                        namespaceName: namespace.name,
                        eventHubName: hub.name,
                        authorizationRuleName: rule.name,
                    },
                    { parent: this },
                ).primaryConnectionString,
            );

        this.resourceGroupName = resourceGroupName;
        this.namespaceName = namespace.name;
        this.namespaceId = namespace.id;
        this.fullyQualifiedNamespace = pulumi.interpolate`${namespace.name}.servicebus.windows.net`;
        this.hubName = hub.name;
        this.consumerGroupName = consumerGroup;
        this.listenConnectionString = connectionStringOf(listenRule);
        this.sendConnectionString = connectionStringOf(sendRule);
        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            namespaceName: this.namespaceName,
            namespaceId: this.namespaceId,
            fullyQualifiedNamespace: this.fullyQualifiedNamespace,
            hubName: this.hubName,
            consumerGroupName: this.consumerGroupName,
            listenConnectionString: this.listenConnectionString,
            sendConnectionString: this.sendConnectionString,
        });
    }
}
