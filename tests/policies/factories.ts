// Happy-path resources of a lakestream stack in the engine's wire form; each test changes one thing in one place.
import type { AnalyzedResource } from "../../src/gate/analyzer";
import { wireSecret, wireUnknown } from "../../src/gate/analyzer";

export const project = "lakestream";
export { wireSecret, wireUnknown };

/** Options of a factory: the stack, replacements for inputs (shallow) and engine-side options. */
export interface Change {
    stack?: string;
    name?: string;
    inputs?: Record<string, unknown>;
    protect?: boolean;
    dependencies?: string[];
    additionalSecretOutputs?: string[];
}

const componentType = "lakestream:pipeline:Pipeline";

export function stackUrn(stack = "dev"): string {
    return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

export function componentUrn(stack = "dev"): string {
    return `urn:pulumi:${stack}::${project}::${componentType}::pipeline`;
}

function resource(type: string, defaultName: string, inputs: Record<string, unknown>, change: Change = {}) {
    const stack = change.stack ?? "dev";
    const name = change.name ?? defaultName;
    const custom = !type.startsWith("lakestream:") && type !== "pulumi:pulumi:Stack";
    const result: AnalyzedResource = {
        urn: `urn:pulumi:${stack}::${project}::${componentType}$${type}::${name}`,
        type,
        name,
        parent: componentUrn(stack),
        custom,
        protect: change.protect ?? false,
        dependencies: change.dependencies ?? [],
        inputs: { ...inputs, ...change.inputs },
        additionalSecretOutputs: change.additionalSecretOutputs,
    };
    return result;
}

const tags = { owner: "data-platform@example.com", environment: "dev" };

export function resourceGroup(change?: Change): AnalyzedResource {
    return resource("azure-native:resources:ResourceGroup", "rg", { location: "westeurope", tags }, change);
}

export function namespace(change?: Change): AnalyzedResource {
    return resource(
        "azure-native:eventhub:Namespace",
        "ehns",
        {
            resourceGroupName: "rg-lakestream-dev",
            location: "westeurope",
            sku: { name: "Basic", tier: "Basic", capacity: 1 },
            isAutoInflateEnabled: false,
            minimumTlsVersion: "1.2",
            tags,
        },
        change,
    );
}

export function eventHub(change?: Change): AnalyzedResource {
    return resource(
        "azure-native:eventhub:EventHub",
        "weather",
        {
            resourceGroupName: "rg-lakestream-dev",
            namespaceName: "ehns-lakestream-dev",
            eventHubName: "weather",
            partitionCount: 2,
            retentionDescription: { retentionTimeInHours: 24, cleanupPolicy: "Delete" },
        },
        { dependencies: [namespace({ stack: change?.stack }).urn], ...change },
    );
}

export function consumerGroup(change?: Change): AnalyzedResource {
    return resource(
        "azure-native:eventhub:ConsumerGroup",
        "spark",
        { resourceGroupName: "rg-lakestream-dev", namespaceName: "ehns-lakestream-dev", eventHubName: "weather" },
        { dependencies: [namespace({ stack: change?.stack }).urn, eventHub({ stack: change?.stack }).urn], ...change },
    );
}

export function hubRule(rights: unknown, change?: Change): AnalyzedResource {
    return resource(
        "azure-native:eventhub:EventHubAuthorizationRule",
        "weather-listen",
        {
            resourceGroupName: "rg-lakestream-dev",
            namespaceName: "ehns-lakestream-dev",
            eventHubName: "weather",
            rights,
        },
        { dependencies: [eventHub({ stack: change?.stack }).urn], ...change },
    );
}

export function namespaceRule(change?: Change): AnalyzedResource {
    return resource(
        "azure-native:eventhub:NamespaceAuthorizationRule",
        "ehns-producer",
        { resourceGroupName: "rg-lakestream-dev", namespaceName: "ehns-lakestream-dev", rights: ["Send"] },
        change,
    );
}

export const connectorCoordinates = "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22";

export function cluster(change?: Change): AnalyzedResource {
    return resource(
        "databricks:index/cluster:Cluster",
        "streaming",
        {
            clusterName: "lakestream-dev-streaming",
            sparkVersion: "15.4.x-scala2.12",
            nodeTypeId: "Standard_DS3_v2",
            numWorkers: 0,
            autoterminationMinutes: 10,
            dataSecurityMode: "SINGLE_USER",
            singleUserName: runAsApplicationId,
            sparkConf: { "spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]" },
            customTags: { ResourceClass: "SingleNode", ...tags },
            libraries: [{ maven: { coordinates: connectorCoordinates } }],
        },
        change,
    );
}

export function library(change?: Change): AnalyzedResource {
    return resource(
        "databricks:index/library:Library",
        "eventhubs-connector",
        { clusterId: wireUnknown, maven: { coordinates: connectorCoordinates } },
        { dependencies: [cluster({ stack: change?.stack }).urn], ...change },
    );
}

export function sqlEndpoint(change?: Change): AnalyzedResource {
    return resource(
        "databricks:index/sqlEndpoint:SqlEndpoint",
        "powerbi",
        {
            name: "lakestream-dev",
            clusterSize: "2X-Small",
            autoStopMins: 10,
            enableServerlessCompute: true,
            warehouseType: "PRO",
        },
        change,
    );
}

const powerBiType = "lakestream:reporting:PowerBiConnection";

/** The program's Power BI component; its children are found by their parent URN. */
export function powerBiConnection(stack = "dev"): AnalyzedResource {
    return {
        urn: `urn:pulumi:${stack}::${project}::${componentType}$${powerBiType}::powerbi`,
        type: powerBiType,
        name: "powerbi",
        parent: componentUrn(stack),
        custom: false,
        protect: false,
        dependencies: [],
        inputs: {},
    };
}

/** A resource placed under the Power BI component, as the program parents the warehouse. */
export function underPowerBi(child: AnalyzedResource, stack = "dev"): AnalyzedResource {
    const parent = powerBiConnection(stack);
    return {
        ...child,
        urn: child.urn.replace(`::${componentType}$`, `::${componentType}$${powerBiType}$`),
        parent: parent.urn,
    };
}

/** The run-as service principal of the happy-path job. */
export const runAsApplicationId = "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c";

/** An authoritative Grants on one securable (`on` is e.g. { schema: "lakestream_dev.gold" }). */
export function grants(
    on: Record<string, unknown>,
    entries: { principal: unknown; privileges: unknown }[],
    change?: Change,
): AnalyzedResource {
    return resource("databricks:index/grants:Grants", "gold-grants", { ...on, grants: entries }, change);
}

export function catalog(change?: Change): AnalyzedResource {
    return resource(
        "databricks:index/catalog:Catalog",
        "catalog",
        {
            name: "lakestream_dev",
            forceDestroy: true,
            storageRoot: "abfss://unity-catalog@lsdev3f5b819ed9.dfs.core.windows.net/lakestream_dev",
        },
        change,
    );
}

export function schema(change?: Change): AnalyzedResource {
    return resource(
        "databricks:index/schema:Schema",
        "bronze",
        { catalogName: "lakestream_dev", name: "bronze", forceDestroy: true },
        { dependencies: [catalog({ stack: change?.stack }).urn], ...change },
    );
}

export function secret(change?: Change): AnalyzedResource {
    return resource(
        "databricks:index/secret:Secret",
        "listen-connection-string",
        {
            scope: "lakestream-dev",
            key: "eventhubs-listen",
            stringValue: wireSecret(
                "Endpoint=sb://ehns-lakestream-dev.servicebus.windows.net/;SharedAccessKeyName=weather-listen;" +
                    "SharedAccessKey=c2VjcmV0LWtleS1tYXRlcmlhbA==;EntityPath=weather",
            ),
        },
        { additionalSecretOutputs: ["stringValue"], ...change },
    );
}

/** The job's shared job cluster as the program declares it for a single-node dev stack. */
const jobCluster = {
    jobClusterKey: "medallion",
    newCluster: {
        sparkVersion: "15.4.x-scala2.12",
        nodeTypeId: "Standard_D4ds_v5",
        numWorkers: 0,
        dataSecurityMode: "SINGLE_USER",
        singleUserName: "data-platform@example.com",
        sparkConf: {
            "spark.databricks.cluster.profile": "singleNode",
            "spark.master": "local[*]",
            "spark.sql.shuffle.partitions": "4",
            "spark.databricks.delta.autoCompact.enabled": "auto",
            "spark.databricks.delta.optimizeWrite.enabled": "true",
        },
        customTags: { ...tags, ResourceClass: "SingleNode" },
    },
};

const taskParameters = {
    catalog: "lakestream_dev",
    checkpoint_volume: "/Volumes/lakestream_dev/bronze/checkpoints",
    trigger: "availableNow",
    trigger_seconds: "5",
};

const eventHubsParameters = {
    secret_scope: "lakestream-dev",
    secret_key: "eventhubs-listen",
    starting_position: "start",
    max_events_per_trigger: "10000",
    consumer_group: "$Default",
};

/** The scheduled job of the single-stream layout: one task that reads Event Hubs and writes every layer. */
export function job(change?: Change): AnalyzedResource {
    return resource(
        "databricks:index/job:Job",
        "medallion",
        {
            name: "lakestream-dev-medallion",
            runAs: { servicePrincipalName: runAsApplicationId },
            maxConcurrentRuns: 1,
            timeoutSeconds: 3600,
            jobClusters: [jobCluster],
            tasks: [
                {
                    taskKey: "pipeline",
                    jobClusterKey: "medallion",
                    libraries: [{ maven: { coordinates: connectorCoordinates } }],
                    notebookTask: {
                        notebookPath: "/lakestream/dev/pipeline",
                        baseParameters: {
                            ...taskParameters,
                            bronze_schema: "bronze",
                            silver_schema: "silver",
                            gold_schema: "gold",
                            ...eventHubsParameters,
                            gold_output_mode: "update",
                        },
                    },
                    timeoutSeconds: 3600,
                    maxRetries: 0,
                },
            ],
            emailNotifications: { onFailures: ["data-platform@example.com"] },
        },
        change,
    );
}

/** The scheduled job of the layered layout: bronze, silver and gold in sequence, backlog rules on the Delta readers. */
export function layeredJob(change?: Change): AnalyzedResource {
    const backlog = {
        health: {
            rules: [
                { metric: "STREAMING_BACKLOG_FILES", op: "GREATER_THAN", value: 200 },
                { metric: "STREAMING_BACKLOG_BYTES", op: "GREATER_THAN", value: 1024 ** 3 },
            ],
        },
        emailNotifications: { onStreamingBacklogExceededs: ["data-platform@example.com"] },
    };
    const task = (taskKey: string, parameters: Record<string, string>, after?: string) => ({
        taskKey,
        jobClusterKey: "medallion",
        notebookTask: {
            notebookPath: `/lakestream/dev/${taskKey}`,
            baseParameters: { ...taskParameters, ...parameters },
        },
        timeoutSeconds: 3600,
        maxRetries: 0,
        dependsOns: after === undefined ? undefined : [{ taskKey: after }],
    });
    return job({
        ...change,
        inputs: {
            jobClusters: [
                {
                    ...jobCluster,
                    newCluster: {
                        ...jobCluster.newCluster,
                        sparkConf: {
                            ...jobCluster.newCluster.sparkConf,
                            "spark.sql.streaming.stateStore.providerClass":
                                "com.databricks.sql.streaming.state.RocksDBStateStoreProvider",
                        },
                    },
                },
            ],
            tasks: [
                {
                    ...task("bronze", { bronze_schema: "bronze", ...eventHubsParameters }),
                    libraries: [{ maven: { coordinates: connectorCoordinates } }],
                },
                { ...task("silver", { bronze_schema: "bronze", silver_schema: "silver" }, "bronze"), ...backlog },
                {
                    ...task(
                        "gold",
                        { silver_schema: "silver", gold_schema: "gold", gold_output_mode: "update" },
                        "silver",
                    ),
                    ...backlog,
                },
            ],
            ...change?.inputs,
        },
    });
}

/** A continuous job, as the program declares it for a streaming stack, of either layout. */
export function continuousJob(change?: Change, streams: "single" | "layered" = "single"): AnalyzedResource {
    const scheduled = streams === "single" ? job() : layeredJob();
    return job({
        ...change,
        inputs: {
            timeoutSeconds: undefined,
            continuous: { pauseStatus: "PAUSED", taskRetryMode: "ON_FAILURE" },
            controlRunState: true,
            jobClusters: scheduled.inputs.jobClusters,
            // Continuous jobs allow neither retries nor dependencies; the streams start together.
            tasks: (scheduled.inputs.tasks as Record<string, unknown>[]).map((task) => {
                const parameters = (task.notebookTask as { baseParameters: Record<string, string> }).baseParameters;
                return {
                    ...task,
                    notebookTask: {
                        ...(task.notebookTask as object),
                        baseParameters: { ...parameters, trigger: "continuous" },
                    },
                    timeoutSeconds: undefined,
                    maxRetries: undefined,
                    dependsOns: undefined,
                };
            }),
            ...change?.inputs,
        },
    });
}

export function databricksProvider(change?: Change): AnalyzedResource {
    return resource(
        "pulumi:providers:databricks",
        "workspace",
        { host: "https://adb-1234567890123456.7.azuredatabricks.net", version: "1.110.0" },
        change,
    );
}

/** A whole compliant dev stack, in registration order. */
export function compliantStack(stack = "dev"): AnalyzedResource[] {
    const root: AnalyzedResource = {
        urn: stackUrn(stack),
        type: "pulumi:pulumi:Stack",
        name: `${project}-${stack}`,
        custom: false,
        protect: false,
        dependencies: [],
        inputs: {},
    };
    const component: AnalyzedResource = {
        urn: componentUrn(stack),
        type: componentType,
        name: "pipeline",
        parent: root.urn,
        custom: false,
        protect: false,
        dependencies: [],
        inputs: {},
    };
    const change = { stack };
    return [
        root,
        component,
        resourceGroup(change),
        namespace(change),
        eventHub(change),
        hubRule(["Listen"], change),
        hubRule(["Send"], { ...change, name: "weather-send" }),
        databricksProvider(change),
        catalog(change),
        schema(change),
        secret(change),
        cluster(change),
        job(change),
        powerBiConnection(stack),
        underPowerBi(sqlEndpoint(change), stack),
        grants({ schema: "lakestream_dev.gold" }, [
            { principal: runAsApplicationId, privileges: ["USE_SCHEMA", "CREATE_TABLE", "MODIFY", "SELECT"] },
            { principal: "analysts", privileges: ["USE_SCHEMA", "SELECT"] },
        ]),
    ];
}

/** The action group the bronze lag alert mails through. */
export function actionGroup(change?: Change): AnalyzedResource {
    return resource(
        "azure-native:monitor:ActionGroup",
        "oncall",
        {
            resourceGroupName: "rg-lakestream-dev",
            location: "global",
            groupShortName: "lakestream",
            enabled: true,
            emailReceivers: [{ name: "notify-1", emailAddress: "data-platform@example.com" }],
            tags,
        },
        change,
    );
}

/** The bronze lag alert on `on` (a namespace), mailed through `through` (an action group), as the program makes it. */
export function lagAlert(on: AnalyzedResource, through: AnalyzedResource, change?: Change): AnalyzedResource {
    const criterion = (name: string, metricName: string, operator: string, threshold: number) => ({
        criterionType: "StaticThresholdCriterion",
        name,
        metricNamespace: "Microsoft.EventHub/namespaces",
        metricName,
        operator,
        threshold,
        timeAggregation: "Total",
    });
    return resource(
        "azure-native:monitor:MetricAlert",
        "bronze-lag",
        {
            resourceGroupName: "rg-lakestream-dev",
            location: "global",
            severity: 2,
            enabled: true,
            scopes: [wireUnknown],
            windowSize: "PT30M",
            evaluationFrequency: "PT5M",
            criteria: {
                odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                allOf: [
                    criterion("received", "IncomingMessages", "GreaterThan", 0),
                    criterion("none-delivered", "OutgoingMessages", "LessThan", 1),
                ],
            },
            actions: [{ actionGroupId: wireUnknown }],
            tags,
        },
        { dependencies: [on.urn, through.urn], ...change },
    );
}

/** Replaces, in a stack, the resource with the same URN. */
export function replaced(resources: AnalyzedResource[], ...replacements: AnalyzedResource[]): AnalyzedResource[] {
    return resources.map((existing) => replacements.find((r) => r.urn === existing.urn) ?? existing);
}

/**
 * The resources as a first preview hands them to AnalyzeStack when the stack creates its Databricks workspace: every
 * resource of the Databricks provider (whose configuration is unknown) has no outputs; others' outputs are their
 * inputs. Analyze still gets every resource's inputs.
 */
export function firstDeploy(resources: AnalyzedResource[]): AnalyzedResource[] {
    return resources.map((resource) =>
        resource.type.startsWith("databricks:") ? { ...resource, outputs: {} } : resource,
    );
}

/** The readers' AI/BI dashboard on the Power BI warehouse, from which its warehouseId comes. */
export function dashboard(change?: Change): AnalyzedResource {
    return resource(
        "databricks:index/dashboard:Dashboard",
        "readers",
        {
            displayName: "lakestream-dev weather",
            parentPath: "/lakestream/dev",
            warehouseId: "49acb221351a4e65",
            serializedDashboard: '{"datasets":[],"pages":[]}',
            embedCredentials: false,
        },
        { dependencies: [sqlEndpoint({ stack: change?.stack }).urn], ...change },
    );
}
