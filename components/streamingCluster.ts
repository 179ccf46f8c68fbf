// StreamingCluster: the optional all-purpose cluster for working on the pipeline by hand (dedicated, auto-terminating).
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import {
    dedicatedClusterSpec,
    type ClusterSettings,
    defaultNodeType,
    eventHubsConnectorCoordinates,
} from "./clusterSpec";
import { accessControlFor, type RunAsIdentity } from "./runAs";

export interface StreamingClusterArgs extends ClusterSettings {
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

        const singleUserName = args.runAs.name;
        const cluster = new databricks.Cluster(
            `${name}-cluster`,
            {
                clusterName: name,
                ...dedicatedClusterSpec(
                    {
                        sparkVersion: args.sparkVersion,
                        nodeTypeId: args.nodeType ?? defaultNodeType(this, args.workspaceDependsOn),
                        singleUserName,
                        workers,
                        autoscale: args.autoscale,
                        tags: args.tags,
                    },
                    { autoterminationMinutes },
                ),
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
