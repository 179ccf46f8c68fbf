// StreamingCluster: the optional all-purpose cluster for working on the pipeline by hand (dedicated, auto-terminating).
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import { accessControlFor, type RunAsIdentity } from "./runAs";

/** Maven coordinates of the Event Hubs Spark connector; it exists for Scala 2.12 only. */
export const eventHubsConnectorCoordinates = "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22";

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

        // A look-up through a provider whose workspace does not exist yet gets an empty answer from the engine, which
        // would reach the cluster as "no node type" and "no user"; depending on the provider makes it unknown instead.
        const provider = this.getProvider("databricks::");
        const lookup: pulumi.InvokeOutputOptions = {
            parent: this,
            dependsOn: provider !== undefined ? [provider] : [],
        };
        const nodeType =
            args.nodeType ??
            databricks.getNodeTypeOutput({ localDisk: true, minCores: 4, category: "General Purpose" }, lookup).id;
        const singleUserName = args.runAs.name;

        const cluster = new databricks.Cluster(
            `${name}-cluster`,
            {
                clusterName: name,
                sparkVersion: args.sparkVersion ?? "15.4.x-scala2.12",
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
