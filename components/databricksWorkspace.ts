// DatabricksWorkspace: an existing workspace by URL, or a new premium one, and the provider every Databricks resource uses.
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azureDatabricks from "@pulumi/azure-native/databricks";
import { requireMetastore } from "./metastorePreflight";
import { workspaceLookupOptions } from "./workspaceLookup";

export interface DatabricksWorkspaceArgs {
    /** URL of an existing workspace (`https://adb-<id>.<n>.azuredatabricks.net`). Defaults to creating a workspace. */
    workspaceUrl?: string;
    /** Azure region of a new workspace. Required when creating one. */
    location?: pulumi.Input<string>;
    /** Resource group of a new workspace. Required when creating one. */
    resourceGroupName?: pulumi.Input<string>;
    /** Name of a new workspace. Defaults to an auto-generated name. */
    workspaceName?: string;
    /** Name of the resource group Databricks manages for a new workspace. Defaults to `<component>-managed`. */
    managedResourceGroupName?: string;
    /** Tags for a new workspace. Defaults to none. */
    tags?: Record<string, string>;
}

export class DatabricksWorkspace extends pulumi.ComponentResource {
    /** Workspace URL with scheme, without a trailing slash. */
    public readonly workspaceUrl: pulumi.Output<string>;
    /** Workspace host name (no scheme), as ODBC/JDBC clients such as Power BI want it. */
    public readonly host: pulumi.Output<string>;
    /** Numeric workspace (organisation) id, part of a cluster's HTTP path. */
    public readonly workspaceId: pulumi.Output<string>;
    /** Provider for every Databricks resource of the stack. */
    public readonly provider: databricks.Provider;
    /**
     * What a look-up through `provider` must depend on: the Azure workspace when the component creates it (its id is
     * unknown until it exists, which keeps the look-up's answer unknown until then), nothing for an existing one.
     */
    public readonly lookupDependsOn: pulumi.CustomResource[];
    /** Id of the workspace's Unity Catalog metastore; the deployment fails, saying what to do, when it has none. */
    public readonly metastoreId: pulumi.Output<string>;

    constructor(name: string, args: DatabricksWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:databricks:DatabricksWorkspace", name, {}, opts);

        let providerArgs: { host: pulumi.Input<string>; azureWorkspaceResourceId?: pulumi.Input<string> };

        if (args.workspaceUrl !== undefined) {
            const url = args.workspaceUrl.replace(/\/+$/, "");
            // Azure workspace URLs carry the workspace id: adb-<workspaceId>.<shard>.azuredatabricks.net.
            const id = /^https:\/\/adb-(\d+)\./.exec(url)?.[1];
            if (id === undefined) {
                throw new pulumi.ResourceError(
                    `workspaceUrl must look like https://adb-<workspaceId>.<n>.azuredatabricks.net (got "${args.workspaceUrl}")`,
                    this,
                );
            }
            this.workspaceUrl = pulumi.output(url);
            this.workspaceId = pulumi.output(id);
            providerArgs = { host: url };
            this.lookupDependsOn = [];
        } else {
            if (args.location === undefined || args.resourceGroupName === undefined) {
                throw new pulumi.ResourceError(
                    "location and resourceGroupName are required to create a workspace",
                    this,
                );
            }
            const client = authorization.getClientConfigOutput({ parent: this });
            const managedGroup = args.managedResourceGroupName ?? `${name}-managed`;
            const workspace = new azureDatabricks.Workspace(
                `${name}-ws`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: args.location,
                    workspaceName: args.workspaceName,
                    // Premium is the tier with Unity Catalog and single-user access mode.
                    sku: { name: "premium" },
                    // Hybrid = classic compute in the customer subscription, needed for the all-purpose cluster.
                    computeMode: "Hybrid",
                    managedResourceGroupId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/resourceGroups/${managedGroup}`,
                    tags: args.tags,
                },
                { parent: this },
            );
            this.workspaceUrl = pulumi.interpolate`https://${workspace.workspaceUrl}`;
            this.workspaceId = workspace.workspaceId;
            providerArgs = { host: this.workspaceUrl, azureWorkspaceResourceId: workspace.id };
            this.lookupDependsOn = [workspace];
        }

        // Preflight: every Unity Catalog resource and workspace permission fails without a metastore, with a provider
        // error that does not say why. The metastore is read through a provider of its own (the stack's provider
        // cannot be used to decide whether the stack's provider may be used), and the stack's provider waits for the
        // answer: nothing on the workspace is created until the workspace is known to have a metastore.
        const checkProvider = new databricks.Provider(`${name}-metastore-check`, providerArgs, { parent: this });
        this.metastoreId = requireMetastore(
            databricks.getCurrentMetastoreOutput(
                {},
                { provider: checkProvider, ...workspaceLookupOptions(this, this.lookupDependsOn) },
            ),
            this.workspaceUrl,
            this,
        );
        this.provider = new databricks.Provider(
            `${name}-provider`,
            {
                ...providerArgs,
                host: pulumi.all([providerArgs.host, this.metastoreId]).apply(([host]) => host),
            },
            { parent: this },
        );
        this.host = this.workspaceUrl.apply((url) => url.replace(/^https:\/\//, ""));
        this.registerOutputs({
            workspaceUrl: this.workspaceUrl,
            host: this.host,
            workspaceId: this.workspaceId,
            metastoreId: this.metastoreId,
        });
    }
}
