// Composition root of the lakestream platform: reads and validates the stack config once, then wires the components.
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import { parseStackConfig, rawConfigFromPulumi } from "./src/config";
import {
    BronzeLagAlert,
    CatalogStorage,
    DatabricksWorkspace,
    EventHubsIngest,
    MedallionCatalog,
    MedallionJob,
    PowerBiConnection,
    StackDashboards,
    StreamingCluster,
    WorkspaceAccess,
    answered,
    type RunAsIdentity,
} from "./components";

const stack = pulumi.getStack();
const config = parseStackConfig(stack, rawConfigFromPulumi(pulumi.runtime.allConfig()));
const prefix = `lakestream-${stack}`;

const ingest = new EventHubsIngest(prefix, {
    ...config.eventHubs,
    location: config.location,
    resourceGroupName: config.resourceGroupName,
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
// Look-ups through the workspace's provider wait for the workspace itself, so a first preview leaves them unknown.
const workspaceDependsOn = workspace.lookupDependsOn;

const access = new WorkspaceAccess(
    prefix,
    {
        runAs: config.runAs,
        readerGroups: config.readers,
        // A workspace the stack creates has no members but its creator; an existing one must already have the groups.
        membership: config.databricks.workspaceUrl === undefined ? "assign" : "check",
        workspaceDependsOn,
    },
    onWorkspace,
);
/** The one identity the job and every compute it uses run as; pass it to anything that runs pipeline code. */
const runAs: RunAsIdentity = access.runAs;
// Data a production stack keeps when destroyed, and adopts again on the next deployment.
const keepData = !config.ephemeral && !config.catalog.forceDestroy;
const storageSource = config.catalog.storage;
let catalogStorage: CatalogStorage | undefined;
let storageRoot: pulumi.Output<string> | undefined;
if (storageSource.kind === "create") {
    catalogStorage = new CatalogStorage(
        prefix,
        {
            location: config.location,
            resourceGroupName: config.resourceGroupName,
            storageAccountName: storageSource.storageAccountName,
            unityCatalogName: config.catalog.name,
            forceDestroy: config.catalog.forceDestroy,
            keepOnDestroy: keepData,
            adoptFromSubscription: config.adoptData ? config.subscriptionId : undefined,
            tags: config.tags,
        },
        onWorkspace,
    );
    storageRoot = pulumi.interpolate`${catalogStorage.url}${config.catalog.name}`;
} else if (storageSource.kind === "externalLocation") {
    // Through the workspace's provider, so it waits for the workspace: unknown in a first preview, not "nothing".
    const existing = databricks.getExternalLocationOutput(
        { name: storageSource.externalLocationName },
        { provider: workspace.provider, dependsOn: workspaceDependsOn },
    );
    const info = answered(existing.externalLocationInfo, `external location "${storageSource.externalLocationName}"`);
    storageRoot = info.apply((location) => {
        if (location.url === undefined) {
            throw new Error(`external location "${storageSource.externalLocationName}" has no URL`);
        }
        return `${location.url.replace(/\/+$/, "")}/${config.catalog.name}`;
    });
} else if (storageSource.kind === "storageRoot") {
    storageRoot = pulumi.output(storageSource.storageRoot);
}

const catalog = new MedallionCatalog(
    prefix,
    {
        catalogName: config.catalog.name,
        storageRoot,
        forceDestroy: config.catalog.forceDestroy,
        keepOnDestroy: keepData,
        adoptExisting: config.adoptData,
        runAs,
        readerGroups: access.readerGroups,
        grants: config.catalog.grants,
        workspaceId: workspace.workspaceId,
        owner: config.owner,
        // The owners' dashboard reads silver and gold with the viewer's own grants.
        ownerReads: config.dashboard.enabled ? ["silver", "gold"] : [],
    },
    onWorkspace,
);

// The all-purpose cluster is for working by hand; the job runs on its own job cluster unless job.compute says otherwise.
const cluster = config.interactiveCluster
    ? new StreamingCluster(prefix, { ...config.cluster, runAs, tags: config.tags, workspaceDependsOn }, onWorkspace)
    : undefined;

// Where the tasks run is this program's choice of cluster; every other job setting is the job's own.
const { compute, ...jobSettings } = config.job;
const job = new MedallionJob(
    prefix,
    {
        ...jobSettings,
        jobCluster: config.cluster,
        interactiveClusterId: compute === "interactive" ? cluster?.clusterId : undefined,
        workspaceUrl: workspace.workspaceUrl,
        notebooksDir: "notebooks",
        workspaceFolder: config.databricks.workspaceFolder,
        runAs,
        catalogName: catalog.catalogName,
        schemaNames: catalog.schemaNames,
        checkpointVolumePath: catalog.checkpointVolumePath,
        listenConnectionString: ingest.listenConnectionString,
        consumerGroup: ingest.consumerGroupName,
        tags: config.tags,
        workspaceDependsOn,
    },
    onWorkspace,
);

// A job that runs unattended gets an alert when events reach the hub and nothing reads them; a paused one reads
// nothing by design. With no one to mail (job.notify: []) there is no alert, and stack-bronze-lag-alert refuses it.
if (!config.job.paused && config.job.notify.length > 0) {
    new BronzeLagAlert(prefix, {
        namespaceId: ingest.namespaceId,
        resourceGroupName: ingest.resourceGroupName,
        mode: config.job.mode,
        schedule: config.job.mode === "availableNow" ? config.job.schedule : undefined,
        notify: config.job.notify,
        tags: config.tags,
    });
}

const powerBiConnection = new PowerBiConnection(
    prefix,
    {
        workspaceHost: workspace.host,
        catalogName: catalog.catalogName,
        goldSchema: catalog.schemaNames.gold,
        readerGroups: access.readerGroups,
        owner: config.owner,
        ...config.powerBi.sqlWarehouse,
        tags: config.tags,
    },
    onWorkspace,
);

// The AI/BI dashboards run on Power BI's warehouse (never the streaming compute) and live in the stack's code folder.
const dashboards = config.dashboard.enabled
    ? new StackDashboards(
          prefix,
          {
              workspaceUrl: workspace.workspaceUrl,
              parentPath: job.workspaceFolder,
              warehouseId: powerBiConnection.sqlWarehouseId,
              catalogName: catalog.catalogName,
              schemaNames: { silver: catalog.schemaNames.silver, gold: catalog.schemaNames.gold },
              readerGroups: access.readerGroups,
              runAs,
              owner: config.owner,
          },
          onWorkspace,
      )
    : undefined;

// One object, so that an output the stack does not have is absent rather than undefined (which the engine warns
// about and drops).
export = {
    resourceGroupName: ingest.resourceGroupName,
    eventHubsNamespace: ingest.namespaceName,
    eventHubsFullyQualifiedNamespace: ingest.fullyQualifiedNamespace,
    eventHubName: ingest.hubName,
    eventHubsConsumerGroup: ingest.consumerGroupName,
    sendConnectionString: ingest.sendConnectionString,
    listenConnectionString: ingest.listenConnectionString,
    workspaceUrl: workspace.workspaceUrl,
    // Only a stack with the all-purpose cluster has this output.
    ...(cluster !== undefined ? { clusterId: cluster.clusterId } : {}),
    jobId: job.jobId,
    jobUrl: job.jobUrl,
    catalogName: catalog.catalogName,
    checkpointVolumePath: catalog.checkpointVolumePath,
    workspaceFolder: job.workspaceFolder,
    runAsIdentity: { kind: runAs.kind, name: runAs.name },
    readers: config.readers,
    ...(storageRoot !== undefined ? { catalogStorageRoot: storageRoot } : {}),
    ...(catalogStorage !== undefined
        ? {
              storageAccountName: catalogStorage.storageAccountName,
              storageResourceGroupName: catalogStorage.resourceGroupName,
              externalLocationName: catalogStorage.externalLocationName,
          }
        : {}),
    ...(powerBiConnection.sqlWarehouseId !== undefined ? { sqlWarehouseId: powerBiConnection.sqlWarehouseId } : {}),
    ...(dashboards !== undefined
        ? { dashboardUrl: dashboards.dashboardUrl, ownerDashboardUrl: dashboards.ownerDashboardUrl }
        : {}),
    powerBi: {
        host: powerBiConnection.host,
        httpPath: powerBiConnection.httpPath,
        catalog: powerBiConnection.catalog,
        schema: powerBiConnection.schema,
        table: powerBiConnection.table,
        pbids: powerBiConnection.pbids,
    },
};
