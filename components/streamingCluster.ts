// StreamingCluster: the optional all-purpose cluster for working on the pipeline by hand (dedicated, auto-terminating).
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import { accessControlFor, type RunAsIdentity } from "./runAs";
import { answered, workspaceLookupOptions } from "./workspaceLookup";

/** Maven coordinates of the Event Hubs Spark connector; it exists for Scala 2.12 only. */
export const eventHubsConnectorCoordinates = "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22";

/** How the pipeline's streams are laid out: one stream writing every layer, or one stream per layer. */
export type StreamLayout = "single" | "layered";

/** Cores of the default node type (the smallest general-purpose type with 4 cores and a local disk). */
const defaultNodeCores = 4;

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
export function streamingSparkConf(args: {
    streams: StreamLayout;
    workers?: number;
    autoscale?: { minWorkers: number; maxWorkers: number };
}): Record<string, string> {
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
    autoscale: { minWorkers: number; maxWorkers: number } | undefined,
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

/** The runtime a cluster gets when the stack names none: the newest LTS image the Event Hubs connector supports. */
export const defaultSparkVersion = "15.4.x-scala2.12";

export interface StreamingClusterArgs {
    /** Databricks runtime; must be an LTS image with Scala 2.12. Defaults to "15.4.x-scala2.12". */
    sparkVersion?: pulumi.Input<string>;
    /** Azure VM size of driver and workers. Defaults to the smallest general-purpose type with 4 cores and a local disk. */
    nodeType?: pulumi.Input<string>;
    /** Fixed worker count; 0 runs a single node. Defaults to 0. */
    workers?: number;
    /** Autoscaling range, instead of a fixed worker count. Defaults to none. */
    autoscale?: { minWorkers: number; maxWorkers: number };
    /** Minutes of inactivity before the cluster stops. Defaults to 10. */
    autoterminationMinutes?: number;
    /** The identity the cluster is dedicated to (the job's run-as identity); dedicated compute serves no one else. */
    runAs: RunAsIdentity;
    /** Custom tags, applied to the cluster's VMs too. Defaults to none. */
    tags?: Record<string, string>;
    /**
     * What a look-up through the workspace's provider waits for (DatabricksWorkspace.lookupDependsOn): the Azure
     * workspace when the stack creates it. Defaults to none, right for an existing workspace.
     */
    workspaceDependsOn?: pulumi.CustomResource[];
}

export class StreamingCluster extends pulumi.ComponentResource {
    /** Id of the cluster. */
    public readonly clusterId: pulumi.Output<string>;
    /** User the cluster is dedicated to. */
    public readonly singleUserName: pulumi.Output<string>;

    constructor(name: string, args: StreamingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:compute:StreamingCluster", name, {}, opts);

        const autoterminationMinutes = args.autoterminationMinutes ?? 10;
        const workers = args.workers ?? 0;
        if (autoterminationMinutes < 10) {
            // Databricks accepts 10 to 10000; 0 would disable auto-termination, which the seed's cost warning is about.
            throw new pulumi.ResourceError(
                `autoterminationMinutes must be between 10 and 10000 (got ${autoterminationMinutes})`,
                this,
            );
        }
        if (args.autoscale !== undefined && args.workers !== undefined) {
            throw new pulumi.ResourceError("workers and autoscale are exclusive", this);
        }

        // Before the workspace exists the node type is unknown: the look-up waits for the workspace, not its provider.
        const nodeType =
            args.nodeType ??
            answered(
                databricks.getNodeTypeOutput(
                    { localDisk: true, minCores: 4, category: "General Purpose" },
                    workspaceLookupOptions(this, args.workspaceDependsOn),
                ).id,
                "the default node type's id",
            );
        const singleUserName = args.runAs.name;

        const cluster = new databricks.Cluster(
            `${name}-cluster`,
            {
                clusterName: name,
                sparkVersion: args.sparkVersion ?? defaultSparkVersion,
                nodeTypeId: nodeType,
                autoterminationMinutes,
                // Standard (shared) access mode blocks EventHubsUtils.encrypt, which the bronze stream needs.
                dataSecurityMode: "SINGLE_USER",
                singleUserName,
                ...clusterShape(workers, args.autoscale, args.tags),
                libraries: [{ maven: { coordinates: eventHubsConnectorCoordinates } }],
            },
            { parent: this },
        );

        let usable: pulumi.Output<string> = cluster.id;
        if (!args.runAs.isDeployer) {
            // A job is checked against compute ACLs as its run-as identity, and a scheduled run must start the
            // auto-terminated cluster: CAN_RESTART. The deployer created the cluster and manages it already (and
            // Databricks refuses to lower that), so there is nothing to add when it is the run-as identity.
            const permissions = new databricks.Permissions(
                `${name}-cluster-permissions`,
                { clusterId: cluster.id, accessControls: [accessControlFor(args.runAs, "CAN_RESTART")] },
                { parent: this },
            );
            // The id is handed out once the run-as identity may use the cluster, so a job never starts before that.
            usable = pulumi.all([cluster.id, permissions.id]).apply(([id]) => id);
        }

        this.clusterId = usable;
        this.singleUserName = pulumi.output(singleUserName);
        this.registerOutputs({ clusterId: this.clusterId, singleUserName: this.singleUserName });
    }
}
