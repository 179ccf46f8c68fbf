// The dedicated cluster spec shared by the job cluster and the interactive cluster: runtime, node type, shape, Spark conf.
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import { answered, workspaceLookupOptions } from "./workspaceLookup";

/** Maven coordinates of the Event Hubs Spark connector; it exists for Scala 2.12 only. */
export const eventHubsConnectorCoordinates = "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22";

/** How the pipeline's streams are laid out: one stream writing every layer, or one stream per layer. */
export type StreamLayout = "single" | "layered";

/** The runtime a cluster gets when the stack names none: the newest LTS image the Event Hubs connector supports. */
export const defaultSparkVersion = "15.4.x-scala2.12";

/** Cores of the default node type (the smallest general-purpose type with 4 cores and a local disk). */
const defaultNodeCores = 4;

/** An autoscaling range of workers. */
export interface AutoscaleRange {
    minWorkers: number;
    maxWorkers: number;
}

/** How many workers a cluster has: a fixed count (0 runs a single node) or an autoscaling range, never both. */
export interface ClusterSize {
    /** Fixed worker count; 0 runs a single node. Defaults to 0. */
    workers?: number;
    /** Autoscaling range, instead of a fixed worker count. Defaults to none. */
    autoscale?: AutoscaleRange;
}

/** The runtime, node type and size of a dedicated cluster as a stack chooses them. */
export interface ClusterSettings extends ClusterSize {
    /** Databricks runtime; an LTS image with Scala 2.12 for the connector. Defaults to "15.4.x-scala2.12". */
    sparkVersion?: pulumi.Input<string>;
    /** Azure VM size of driver and workers. Defaults to the smallest general-purpose type with 4 cores and a local disk. */
    nodeType?: pulumi.Input<string>;
}

/**
 * Spark settings of a cluster that runs the pipeline's streams, fixed before the first run:
 * - `spark.sql.shuffle.partitions`: one per core, 4 × max(1, workers or autoscale.maxWorkers) on the default 4-core
 *   node. Spark's default of 200 makes every micro-batch of gold's aggregation run 200 tasks on 4 cores, and a
 *   stateful stream keeps the number in its checkpoint for good: changing it later needs a new checkpoint (Apache
 *   Spark Structured Streaming guide, "Additional information"; Databricks, "What is stateful streaming?" recommends
 *   1-2 times the cluster's cores).
 * - layered only, `spark.sql.streaming.stateStore.providerClass`: Databricks' RocksDB state store, which keeps
 *   gold's window state off the JVM heap (Databricks, "Configure RocksDB state store on Databricks"; the default
 *   from runtime 17.3, which the Scala 2.12 connector cannot use). The provider is fixed in the checkpoint too.
 * - `spark.databricks.delta.autoCompact.enabled` = `auto` and `spark.databricks.delta.optimizeWrite.enabled` =
 *   `true`: a commit every few seconds otherwise leaves many small files for the SQL warehouse to read (Databricks,
 *   "Control data file size"; these session settings take precedence over table properties, "Delta table properties
 *   reference").
 */
export function streamingSparkConf(args: { streams: StreamLayout } & ClusterSize): Record<string, string> {
    const workers = Math.max(1, args.autoscale?.maxWorkers ?? args.workers ?? 0);
    return {
        "spark.sql.shuffle.partitions": String(defaultNodeCores * workers),
        ...(args.streams === "layered"
            ? {
                  "spark.sql.streaming.stateStore.providerClass":
                      "com.databricks.sql.streaming.state.RocksDBStateStoreProvider",
              }
            : {}),
        "spark.databricks.delta.autoCompact.enabled": "auto",
        "spark.databricks.delta.optimizeWrite.enabled": "true",
    };
}

/** The cluster settings that depend on its size: single node for 0 workers, else a fixed count or a range. */
export function clusterShape(
    workers: number | undefined,
    autoscale: AutoscaleRange | undefined,
    tags: Record<string, string> | undefined,
) {
    const singleNode = autoscale === undefined && (workers ?? 0) === 0;
    return {
        numWorkers: autoscale === undefined ? (workers ?? 0) : undefined,
        autoscale,
        sparkConf: singleNode
            ? { "spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]" }
            : undefined,
        customTags: { ...tags, ...(singleNode ? { ResourceClass: "SingleNode" } : {}) },
    };
}

/**
 * The id of the default node type, looked up through the workspace's provider. Before the workspace exists it is
 * unknown, never undefined: the look-up waits for the workspace (workspaceLookupOptions), not its provider.
 */
export function defaultNodeType(
    parent: pulumi.Resource,
    workspaceDependsOn: pulumi.CustomResource[] | undefined,
): pulumi.Output<string> {
    return answered(
        databricks.getNodeTypeOutput(
            { localDisk: true, minCores: 4, category: "General Purpose" },
            workspaceLookupOptions(parent, workspaceDependsOn),
        ).id,
        "the default node type's id",
    );
}

/** What a dedicated cluster is made of, whoever runs it. */
export interface DedicatedClusterArgs extends ClusterSize {
    /** Databricks runtime. Defaults to defaultSparkVersion. */
    sparkVersion?: pulumi.Input<string>;
    /** Azure VM size of driver and workers, already resolved (a configured type or defaultNodeType). */
    nodeTypeId: pulumi.Input<string>;
    /** The one user (or service principal's application id) the cluster serves. */
    singleUserName: pulumi.Input<string>;
    /** Custom tags, applied to the cluster's VMs too. Defaults to none. */
    tags?: Record<string, string>;
}

/**
 * The runtime, node type, access mode and shape of a cluster dedicated to one identity. `extra` lands between the
 * node type and the access mode, where each caller has always put its own settings.
 */
export function dedicatedClusterSpec<Extra extends object>(args: DedicatedClusterArgs, extra: Extra) {
    return {
        sparkVersion: args.sparkVersion ?? defaultSparkVersion,
        nodeTypeId: args.nodeTypeId,
        ...extra,
        // Dedicated access mode: standard (shared) mode blocks EventHubsUtils.encrypt, which the bronze stream needs.
        dataSecurityMode: "SINGLE_USER",
        singleUserName: args.singleUserName,
        ...clusterShape(args.workers, args.autoscale, args.tags),
    };
}

/**
 * The spec of a job cluster that runs the streams of `streams`: the dedicated spec, with the streaming Spark conf set
 * next to the single-node profile before the first run, since the shuffle partitions and the state store provider
 * are fixed in a stateful stream's checkpoint.
 */
export function streamingJobClusterSpec(args: DedicatedClusterArgs & { streams: StreamLayout }) {
    const spec = dedicatedClusterSpec(args, {});
    return {
        ...spec,
        sparkConf: {
            ...spec.sparkConf,
            ...streamingSparkConf({ streams: args.streams, workers: args.workers, autoscale: args.autoscale }),
        },
    };
}
