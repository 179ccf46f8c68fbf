// Composition root of the lakestream platform: reads and validates the stack config once, then wires the components.
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, rawConfigFromPulumi } from "./src/config";
import {
    DatabricksWorkspace,
    EventHubsIngest,
    MedallionCatalog,
    MedallionJob,
    PowerBiConnection,
    StreamingCluster,
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

const catalog = new MedallionCatalog(
    prefix,
    {
        catalogName: config.catalog.name,
        storageRoot: config.catalog.storageRoot,
        forceDestroy: config.catalog.forceDestroy,
        keepOnDestroy: !config.ephemeral && !config.catalog.forceDestroy,
        grants: config.catalog.grants,
        owner: config.owner,
    },
    onWorkspace,
);

// The identity the pipeline's dedicated compute belongs to, resolved once: the configured user, else the deployer.
const runAsUserName: pulumi.Output<string> = config.cluster.singleUserName
    ? pulumi.output(config.cluster.singleUserName)
    : databricks.getCurrentUserOutput({}, { provider: workspace.provider }).userName;

// The all-purpose cluster is for working by hand; the job runs on its own job cluster unless job.compute says otherwise.
const cluster = config.interactiveCluster
    ? new StreamingCluster(
          prefix,
          {
              sparkVersion: config.cluster.sparkVersion,
              nodeType: config.cluster.nodeType,
              workers: config.cluster.workers,
              autoscale: config.cluster.autoscale,
              autoterminationMinutes: config.cluster.autoterminationMinutes,
              singleUserName: runAsUserName,
              tags: config.tags,
          },
          onWorkspace,
      )
    : undefined;

const job = new MedallionJob(
    prefix,
    {
        runAsUserName,
        jobCluster: {
            sparkVersion: config.cluster.sparkVersion,
            nodeType: config.cluster.nodeType,
            workers: config.cluster.workers,
            autoscale: config.cluster.autoscale,
        },
        interactiveClusterId: config.job.compute === "interactive" ? cluster?.clusterId : undefined,
        workspaceUrl: workspace.workspaceUrl,
        notebooksDir: "notebooks",
        workspaceFolder: `/Shared/lakestream/${stack}`,
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
        taskRetryMode: config.job.taskRetryMode,
        startingPosition: config.job.startingPosition,
        maxEventsPerTrigger: config.job.maxEventsPerTrigger,
        goldOutputMode: config.job.goldOutputMode,
        paused: config.job.paused,
        notify: config.job.notify,
        backlog: config.job.backlog,
        tags: config.tags,
    },
    onWorkspace,
);

const warehouse = config.powerBi.sqlWarehouse;
const powerBiConnection = new PowerBiConnection(
    prefix,
    {
        workspaceHost: workspace.host,
        workspaceId: workspace.workspaceId,
        clusterId: cluster?.clusterId,
        catalogName: catalog.catalogName,
        goldSchema: catalog.schemaNames.gold,
        sqlWarehouse:
            // Without the all-purpose cluster, a warehouse is the only compute Power BI can query.
            warehouse?.enabled === true || cluster === undefined
                ? {
                      clusterSize: warehouse?.clusterSize,
                      autoStopMinutes: warehouse?.autoStopMinutes,
                      tags: config.tags,
                  }
                : undefined,
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
// Only a stack with the all-purpose cluster has this output (the CLI drops an output whose value is undefined).
export const clusterId = cluster?.clusterId;
export const jobId = job.jobId;
export const jobUrl = job.jobUrl;
export const catalogName = catalog.catalogName;
export const checkpointVolumePath = catalog.checkpointVolumePath;
export const sqlWarehouseId = powerBiConnection.sqlWarehouseId;
export const powerBi = {
    host: powerBiConnection.host,
    httpPath: powerBiConnection.httpPath,
    catalog: powerBiConnection.catalog,
    schema: powerBiConnection.schema,
    table: powerBiConnection.table,
    pbids: powerBiConnection.pbids,
};
