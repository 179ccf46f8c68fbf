// RunAsIdentity: the one identity the job and its compute run as, and how each Databricks API names it.
import * as pulumi from "@pulumi/pulumi";

/** "servicePrincipal": `name` is an application id; "user": `name` is a user name. */
export type RunAsKind = "servicePrincipal" | "user";

/** The resolved run-as identity every component that runs or grants for the pipeline takes. */
export interface RunAsIdentity {
    /** Whether the identity is a service principal or a user. */
    kind: pulumi.Output<RunAsKind>;
    /** Application id or user name: the principal of grants and ACLs and the single user of dedicated compute. */
    name: pulumi.Output<string>;
    /**
     * True when nothing was configured and the identity is whoever deploys. That identity created the objects and
     * already manages them, and Databricks refuses to lower its own permissions, so components skip the ACLs that
     * would only restate (or lower) what it has.
     */
    isDeployer: boolean;
}

/** A fixed identity, for tests and callers that resolved it themselves. */
export function fixedRunAs(kind: RunAsKind, name: string, isDeployer = false): RunAsIdentity {
    return { kind: pulumi.output(kind), name: pulumi.output(name), isDeployer };
}

/** The job's `runAs` block: Databricks takes a service principal by application id, a user by user name. */
export function jobRunAs(identity: RunAsIdentity): pulumi.Output<{ servicePrincipalName?: string; userName?: string }> {
    return pulumi
        .all([identity.kind, identity.name])
        .apply(([kind, name]) => (kind === "servicePrincipal" ? { servicePrincipalName: name } : { userName: name }));
}

/** One `accessControls` entry of databricks.Permissions for the identity at the given level. */
export function accessControlFor(
    identity: RunAsIdentity,
    permissionLevel: string,
): pulumi.Output<{ servicePrincipalName?: string; userName?: string; permissionLevel: string }> {
    return jobRunAs(identity).apply((principal) => ({ ...principal, permissionLevel }));
}

/** An ACL entry of databricks.Permissions for a configured name: a user when it is an e-mail address, a group otherwise. */
export function namedPrincipalEntry(
    name: string,
    permissionLevel: string,
): { userName: string; permissionLevel: string } | { groupName: string; permissionLevel: string } {
    return name.includes("@") ? { userName: name, permissionLevel } : { groupName: name, permissionLevel };
}
