// Composition root of the lakestream platform: reads and validates the stack config once, then wires the components.
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, rawConfigFromPulumi } from "./src/config";
import {
    DatabricksWorkspace,
    EventHubsIngest,
    MedallionCatalog,
    MedallionJob,
    PowerBiConnection,
    StreamingCluster,
    WorkspaceAccess,
    type RunAsIdentity,
} from "./components";

const stack = pulumi.getStack();
const config = parseStackConfig(stack, rawConfigFromPulumi(pulumi.runtime.allConfig()));
const prefix = `lakestream-${stack}`;

const ingest = new EventHubsIngest(prefix, {
    location: config.location,
    resourceGroupName: config.resourceGroupName,
    tier: config.eventHubs.sku,
    throughputUnits: config.eventHubs.throughputUnits,
    partitionCount: config.eventHubs.partitionCount,
    retentionHours: config.eventHubs.retentionHours,
    hubName: config.eventHubs.hubName,
    autoInflate: config.eventHubs.autoInflate,
    maximumThroughputUnits: config.eventHubs.maximumThroughputUnits,
    consumerGroup: config.eventHubs.consumerGroup,
    tags: config.tags,
});

const workspace = new DatabricksWorkspace(prefix, {
    workspaceUrl: config.databricks.workspaceUrl,
    location: config.location,
    resourceGroupName: ingest.resourceGroupName,
    workspaceName: config.databricks.workspaceName,
    managedResourceGroupName: config.databricks.managedResourceGroupName,
    tags: config.tags,
});
const onWorkspace = { providers: { databricks: workspace.provider } };

const access = new WorkspaceAccess(
    prefix,
    {
        runAs: config.runAs,
        readerGroups: config.readers,
        // A workspace the stack creates has no members but its creator; an existing one must already have the groups.
        membership: config.databricks.workspaceUrl === undefined ? "assign" : "check",
    },
    onWorkspace,
);
/** The one identity the job and every compute it uses run as; pass it to anything that runs pipeline code. */
const runAs: RunAsIdentity = access.runAs;

const catalog = new MedallionCatalog(
    prefix,
    {
        catalogName: config.catalog.name,
        storageRoot: config.catalog.storageRoot,
        forceDestroy: config.catalog.forceDestroy,
        keepOnDestroy: !config.ephemeral && !config.catalog.forceDestroy,
        runAs,
        readerGroups: access.readerGroups,
        grants: config.catalog.grants,
        workspaceId: workspace.workspaceId,
        owner: config.owner,
    },
    onWorkspace,
);

const cluster = new StreamingCluster(
    prefix,
    {
        sparkVersion: config.cluster.sparkVersion,
        nodeType: config.cluster.nodeType,
        workers: config.cluster.workers,
        autoscale: config.cluster.autoscale,
        autoterminationMinutes: config.cluster.autoterminationMinutes,
        runAs,
        tags: config.tags,
    },
    onWorkspace,
);

const job = new MedallionJob(
    prefix,
    {
        clusterId: cluster.clusterId,
        workspaceUrl: workspace.workspaceUrl,
        notebooksDir: "notebooks",
        workspaceFolder: config.databricks.workspaceFolder,
        runAs,
        catalogName: catalog.catalogName,
        schemaNames: catalog.schemaNames,
        checkpointVolumePath: catalog.checkpointVolumePath,
        listenConnectionString: ingest.listenConnectionString,
        consumerGroup: ingest.consumerGroupName,
        mode: config.job.mode,
        schedule: config.job.schedule,
        timezone: config.job.timezone,
        timeoutSeconds: config.job.timeoutSeconds,
        maxRetries: config.job.maxRetries,
        startingPosition: config.job.startingPosition,
        maxEventsPerTrigger: config.job.maxEventsPerTrigger,
        goldOutputMode: config.job.goldOutputMode,
        paused: config.job.paused,
        tags: config.tags,
    },
    onWorkspace,
);

const powerBiConnection = new PowerBiConnection(
    prefix,
    {
        workspaceHost: workspace.host,
        catalogName: catalog.catalogName,
        goldSchema: catalog.schemaNames.gold,
        readerGroups: access.readerGroups,
        clusterSize: config.powerBi.sqlWarehouse.clusterSize,
        autoStopMinutes: config.powerBi.sqlWarehouse.autoStopMinutes,
        tags: config.tags,
    },
    onWorkspace,
);

export const resourceGroupName = ingest.resourceGroupName;
export const eventHubsNamespace = ingest.namespaceName;
export const eventHubsFullyQualifiedNamespace = ingest.fullyQualifiedNamespace;
export const eventHubName = ingest.hubName;
export const eventHubsConsumerGroup = ingest.consumerGroupName;
export const sendConnectionString = ingest.sendConnectionString;
export const listenConnectionString = ingest.listenConnectionString;
export const workspaceUrl = workspace.workspaceUrl;
export const clusterId = cluster.clusterId;
export const jobId = job.jobId;
export const jobUrl = job.jobUrl;
export const catalogName = catalog.catalogName;
export const checkpointVolumePath = catalog.checkpointVolumePath;
export const workspaceFolder = job.workspaceFolder;
export const runAsIdentity = { kind: runAs.kind, name: runAs.name };
export const readers = config.readers;
export const sqlWarehouseId = powerBiConnection.sqlWarehouseId;
export const powerBi = {
    host: powerBiConnection.host,
    httpPath: powerBiConnection.httpPath,
    catalog: powerBiConnection.catalog,
    schema: powerBiConnection.schema,
    table: powerBiConnection.table,
    pbids: powerBiConnection.pbids,
};
