// The metastore preflight: the workspace's Unity Catalog metastore, read before anything uses it, or a clear refusal.
import * as pulumi from "@pulumi/pulumi";
import type * as databricks from "@pulumi/databricks";

/**
 * The id `databricks.getCurrentMetastore` answers for a workspace without a metastore: the provider catches the
 * metastore summary API's "No metastore assigned for the current workspace" and returns this id with no
 * `metastoreInfo` (terraform-provider-databricks catalog/data_current_metastore.go).
 */
export const noMetastoreId = "no_metastore";

/** What to do when the workspace has no metastore: who can fix it, and what a workspace admin may do afterwards. */
export function noMetastoreMessage(workspace: string): string {
    return (
        `workspace ${workspace} has no Unity Catalog metastore, and every catalog, schema, volume, grant and ` +
        "workspace permission of this stack needs one. A workspace admin cannot create or assign a metastore: ask a " +
        "Databricks account admin to assign the region's metastore to this workspace (account console, Catalog, the " +
        "metastore, Workspaces), or to create one for the region first (one metastore per region), then run " +
        "`pulumi up` again. Accounts created after 9 November 2023 have Unity Catalog enabled automatically: new " +
        "workspaces get the region's metastore, whose workspace admins may create catalogs, storage credentials and " +
        "external locations but are not metastore admins (they cannot grant privileges on the metastore itself), and " +
        "which has no root storage, so the catalog needs the managed location this stack gives it " +
        '(Databricks docs: "Admin privileges in Unity Catalog", "Enable a workspace for Unity Catalog").'
    );
}

/**
 * The metastore id from the answer of `getCurrentMetastore`, failing the deployment with `noMetastoreMessage` when
 * the workspace has none. In a preview an answer without an id is the engine's empty map from a provider it could
 * not configure (a workspace not created yet): the id then stays unknown instead of failing.
 */
export function requireMetastore(
    answer: pulumi.Output<databricks.GetCurrentMetastoreResult>,
    workspace: pulumi.Input<string>,
    reportedBy?: pulumi.Resource,
): pulumi.Output<string> {
    return pulumi.all([answer, workspace]).apply(([result, url]): string => {
        const id = (result as Partial<databricks.GetCurrentMetastoreResult> | undefined)?.id;
        if (id === noMetastoreId) {
            throw new pulumi.ResourceError(noMetastoreMessage(url), reportedBy);
        }
        if (id !== undefined && id !== "") {
            return id;
        }
        if (pulumi.runtime.isDryRun()) {
            return pulumi.unknown as unknown as string;
        }
        throw new pulumi.ResourceError(
            `the look-up of workspace ${url}'s Unity Catalog metastore answered without an id`,
            reportedBy,
        );
    });
}
