// WorkspaceAccess: resolves who the pipeline runs as and makes sure it and the reader groups belong to the workspace.
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import type { RunAsIdentity, RunAsKind } from "./runAs";
import { answered, workspaceLookupOptions } from "./workspaceLookup";

export interface WorkspaceAccessArgs {
    /** The identity the job and its compute run as. Defaults to the identity that deploys the stack. */
    runAs?: { servicePrincipal: string } | { user: string };
    /** Account-level groups that read gold and use the SQL warehouse. Defaults to none. */
    readerGroups?: string[];
    /**
     * "assign": the stack created the workspace, so the run-as service principal and the reader groups are assigned
     * to it here; "check": the workspace already exists, and each reader group must already be visible to it.
     * Defaults to "check".
     */
    membership?: "assign" | "check";
    /**
     * What a look-up through the workspace's provider waits for (DatabricksWorkspace.lookupDependsOn): the Azure
     * workspace when the stack creates it. Defaults to none, right for an existing workspace.
     */
    workspaceDependsOn?: pulumi.CustomResource[];
}

/** What the deploy stops with when a reader group is not in the workspace: what to do, not only what failed. */
export function readerGroupHowTo(group: string, reason: string): string {
    return (
        `reader group "${group}" is not visible to the workspace (${reason}). Reader groups must be account-level ` +
        `groups assigned to the workspace: create it in the account console (User management > Groups > Add group) ` +
        `or provision it from Microsoft Entra ID, then assign it to this workspace (workspace Settings > Identity and ` +
        `access > Groups > Add group, or account console > Workspaces > <workspace> > Permissions > Add permissions, ` +
        `as User). A workspace-local group is not enough: Unity Catalog grants need the account-level one.`
    );
}

export class WorkspaceAccess extends pulumi.ComponentResource {
    /** The identity the job and its compute run as, resolved. */
    public readonly runAs: RunAsIdentity;
    /** Each reader group, resolved once it is known to be in the workspace. */
    public readonly readerGroups: pulumi.Output<string>[];

    constructor(name: string, args: WorkspaceAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:identity:WorkspaceAccess", name, {}, opts);

        const membership = args.membership ?? "check";
        const groups = args.readerGroups ?? [];

        if (args.runAs === undefined) {
            // Through the workspace's provider: before the workspace exists the answer is unknown, not empty.
            const me = databricks.getCurrentUserOutput({}, workspaceLookupOptions(this, args.workspaceDependsOn));
            this.runAs = {
                // The provider names a service principal servicePrincipals/<application id>, a user users/<name>.
                kind: answered(me.aclPrincipalId, "the deploying identity's aclPrincipalId").apply((id): RunAsKind =>
                    id.startsWith("servicePrincipals/") ? "servicePrincipal" : "user",
                ),
                name: answered(me.userName, "the deploying identity's userName"),
                isDeployer: true,
            };
        } else if ("servicePrincipal" in args.runAs) {
            const applicationId = args.runAs.servicePrincipal;
            if (membership === "assign") {
                // A job may only run as an active principal of its workspace; a new workspace has none but its creator.
                const assignment = new databricks.PermissionAssignment(
                    `${name}-run-as`,
                    { servicePrincipalName: applicationId, permissions: ["USER"] },
                    { parent: this },
                );
                // Read back from the assignment, so everything that names the principal waits for it.
                this.runAs = {
                    kind: pulumi.output<RunAsKind>("servicePrincipal"),
                    name: assignment.servicePrincipalName.apply((assigned) => assigned ?? applicationId),
                    isDeployer: false,
                };
            } else {
                this.runAs = {
                    kind: pulumi.output<RunAsKind>("servicePrincipal"),
                    name: pulumi.output(applicationId),
                    isDeployer: false,
                };
            }
        } else {
            this.runAs = {
                kind: pulumi.output<RunAsKind>("user"),
                name: pulumi.output(args.runAs.user),
                isDeployer: false,
            };
        }

        if (membership === "assign") {
            const used = new Set<string>();
            const assigned = groups.map((group, index) => {
                // "Field Ops" and "field-ops" are two groups but one slug: the second gets its position appended.
                const base = slug(group) || "group";
                const unique = used.has(base) ? `${base}-${index}` : base;
                used.add(unique);
                return new databricks.PermissionAssignment(
                    `${name}-reader-${unique}`,
                    { groupName: group, permissions: ["USER"] },
                    { parent: this },
                ).groupName.apply((assignedName) => assignedName ?? group);
            });
            this.readerGroups = assigned;
        } else {
            // A plain look-up, for its error: it waits for the ids of the workspace's resources by hand, since the SDK
            // makes only an output-form look-up unknown while what it depends on does not exist yet.
            const ready = pulumi.all((args.workspaceDependsOn ?? []).map((resource) => resource.id));
            const visible = groups.map((group) =>
                ready.apply(() =>
                    databricks.getGroup({ displayName: group }, { parent: this }).then(
                        () => group,
                        (error: unknown) => {
                            throw new pulumi.ResourceError(
                                readerGroupHowTo(group, error instanceof Error ? error.message : String(error)),
                                this,
                            );
                        },
                    ),
                ),
            );
            this.readerGroups = visible;
        }

        this.registerOutputs({
            runAsKind: this.runAs.kind,
            runAsName: this.runAs.name,
            readerGroups: pulumi.all(this.readerGroups),
        });
    }
}

/** A group name as part of a resource name: lower case, dashes for anything else. */
function slug(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "");
}
