// StackDashboards: the readers' AI/BI dashboard over gold and the owners' one over silver and quarantine too.
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import { dashboardTables, serializedDashboard, type DashboardKind } from "./dashboardPlan";
import { jobRunAs, namedPrincipalEntry, type RunAsIdentity } from "./runAs";

export interface StackDashboardsArgs {
    /** Workspace URL with scheme, for the dashboards' links. */
    workspaceUrl: pulumi.Input<string>;
    /** The stack's code folder (an existing workspace directory): the dashboards are saved beside the notebooks. */
    parentPath: pulumi.Input<string>;
    /** The stack's serverless SQL warehouse: every dataset query runs there. */
    warehouseId: pulumi.Input<string>;
    catalogName: pulumi.Input<string>;
    schemaNames: { silver: pulumi.Input<string>; gold: pulumi.Input<string> };
    /** Groups that read gold: CAN_RUN on the readers' dashboard, nothing on the owners' one. */
    readerGroups: pulumi.Input<string>[];
    /** The run-as identity: CAN_MANAGE on the owners' dashboard. */
    runAs: RunAsIdentity;
    /** `lakestream:owner`: a user name (an e-mail address) or a group; CAN_MANAGE on the owners' dashboard. */
    owner: string;
    /** Prefix of the dashboards' display names. Defaults to the component's name. */
    displayNamePrefix?: string;
}

/** Databricks' dashboard link: the published version, which viewers without edit rights see. */
function publishedUrl(workspaceUrl: pulumi.Input<string>, id: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`${pulumi.output(workspaceUrl).apply((url) => url.replace(/\/+$/, ""))}/dashboardsv3/${id}/published`;
}

type AccessControl = { userName?: string; groupName?: string; servicePrincipalName?: string; permissionLevel: string };

export class StackDashboards extends pulumi.ComponentResource {
    /** Link to the readers' published dashboard. */
    public readonly dashboardUrl: pulumi.Output<string>;
    /** Link to the owners' published dashboard. */
    public readonly ownerDashboardUrl: pulumi.Output<string>;
    public readonly dashboardId: pulumi.Output<string>;
    public readonly ownerDashboardId: pulumi.Output<string>;

    constructor(name: string, args: StackDashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:reporting:StackDashboards", name, {}, opts);
        if (args.owner.trim() === "") {
            throw new pulumi.ResourceError("owner must name a user (an e-mail address) or a group", this);
        }
        const prefix = args.displayNamePrefix ?? name;
        const tables = pulumi
            .all([args.catalogName, args.schemaNames.silver, args.schemaNames.gold])
            .apply(([catalog, silver, gold]) => dashboardTables(catalog, { silver, gold }));

        const dashboard = (kind: DashboardKind, title: string) =>
            new databricks.Dashboard(
                `${name}-${kind}`,
                {
                    displayName: `${prefix} ${title}`,
                    parentPath: args.parentPath,
                    warehouseId: args.warehouseId,
                    serializedDashboard: tables.apply((names) => serializedDashboard(kind, names)),
                    // The provider publishes with embedded credentials unless told otherwise: every viewer's query
                    // would then run as the publisher (the deployer), past the readers' gold-only grants.
                    embedCredentials: false,
                },
                { parent: this },
            );
        const readers = dashboard("readers", "weather");
        const owners = dashboard("owners", "pipeline");

        // Lakeview dashboards take CAN_READ, CAN_RUN, CAN_EDIT and CAN_MANAGE (databricks.Permissions, "Dashboard
        // usage"). CAN_RUN lets a reader refresh too; with credentials not embedded, each query runs as the reader.
        const readerGroups = args.readerGroups;
        if (readerGroups.length > 0) {
            new databricks.Permissions(
                `${name}-readers-permissions`,
                {
                    dashboardId: readers.id,
                    accessControls: readerGroups.map((groupName) => ({ groupName, permissionLevel: "CAN_RUN" })),
                },
                { parent: this },
            );
        }
        // The deployer created the dashboard and manages it already; Databricks refuses to lower its own level, so
        // it gets no entry. Otherwise the run-as identity and the owner manage it (one entry when they are the same).
        const ownerControls = pulumi.all([jobRunAs(args.runAs), args.runAs.name]).apply(([principal, runAsName]) => {
            const entries: AccessControl[] = [];
            if (!args.runAs.isDeployer) {
                entries.push({ ...principal, permissionLevel: "CAN_MANAGE" });
            }
            if (args.runAs.isDeployer || runAsName !== args.owner) {
                entries.push(namedPrincipalEntry(args.owner, "CAN_MANAGE"));
            }
            return entries;
        });
        new databricks.Permissions(
            `${name}-owners-permissions`,
            { dashboardId: owners.id, accessControls: ownerControls },
            { parent: this },
        );

        this.dashboardId = readers.id;
        this.ownerDashboardId = owners.id;
        this.dashboardUrl = publishedUrl(args.workspaceUrl, readers.id);
        this.ownerDashboardUrl = publishedUrl(args.workspaceUrl, owners.id);
        this.registerOutputs({
            dashboardId: this.dashboardId,
            ownerDashboardId: this.ownerDashboardId,
            dashboardUrl: this.dashboardUrl,
            ownerDashboardUrl: this.ownerDashboardUrl,
        });
    }
}
