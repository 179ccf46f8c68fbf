// Type tokens of the resources the policies inspect: matching on the token keeps the heavy provider SDKs out of the pack.

export const ResourceTypes = {
    resourceGroup: "azure-native:resources:ResourceGroup",
    eventHubsNamespace: "azure-native:eventhub:Namespace",
    eventHub: "azure-native:eventhub:EventHub",
    consumerGroup: "azure-native:eventhub:ConsumerGroup",
    eventHubAuthorizationRule: "azure-native:eventhub:EventHubAuthorizationRule",
    namespaceAuthorizationRule: "azure-native:eventhub:NamespaceAuthorizationRule",
    databricksWorkspace: "azure-native:databricks:Workspace",
    catalog: "databricks:index/catalog:Catalog",
    schema: "databricks:index/schema:Schema",
    cluster: "databricks:index/cluster:Cluster",
    library: "databricks:index/library:Library",
    secret: "databricks:index/secret:Secret",
    job: "databricks:index/job:Job",
    sqlEndpoint: "databricks:index/sqlEndpoint:SqlEndpoint",
    grants: "databricks:index/grants:Grants",
    grant: "databricks:index/grant:Grant",
    volume: "databricks:index/volume:Volume",
    notebook: "databricks:index/notebook:Notebook",
    workspaceFile: "databricks:index/workspaceFile:WorkspaceFile",
    directory: "databricks:index/directory:Directory",
    dashboard: "databricks:index/dashboard:Dashboard",
    /** The program's component that owns the Power BI connection and the warehouse it targets. */
    powerBiConnection: "lakestream:reporting:PowerBiConnection",
    storageAccount: "azure-native:storage:StorageAccount",
    metricAlert: "azure-native:monitor:MetricAlert",
    actionGroup: "azure-native:monitor:ActionGroup",
} as const;

/**
 * Azure resource types of the program that are tracked ARM resources and so accept tags (hubs, consumer groups and
 * authorization rules are sub-resources without tags).
 */
export const taggableAzureTypes: readonly string[] = [
    ResourceTypes.resourceGroup,
    ResourceTypes.eventHubsNamespace,
    ResourceTypes.databricksWorkspace,
    "azure-native:eventhub:Cluster",
    "azure-native:databricks:AccessConnector",
    "azure-native:storage:StorageAccount",
    "azure-native:keyvault:Vault",
    "azure-native:monitor:MetricAlert",
    "azure-native:monitor:ActionGroup",
];
