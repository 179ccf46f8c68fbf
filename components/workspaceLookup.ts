// Look-ups through the workspace's Databricks provider: what they wait for, and what a preview may answer.
import * as pulumi from "@pulumi/pulumi";

/**
 * Invoke options of a look-up through the workspace's provider. The look-up waits for the resources the workspace is
 * made of: until they exist their ids are unknown, and the SDK then makes the answer unknown instead of sending the
 * look-up. Depending on the provider would not do: the engine gives a provider it creates in a preview an id the SDK
 * takes as known, and answers a look-up through it with an empty map.
 */
export function workspaceLookupOptions(
    parent: pulumi.Resource,
    workspaceDependsOn: pulumi.CustomResource[] | undefined,
): pulumi.InvokeOutputOptions {
    return { parent, dependsOn: workspaceDependsOn ?? [] };
}

/**
 * A field of a look-up's answer that the answer must have. In a preview an answer without it is the engine's empty
 * map from a provider it could not configure, so the field stays unknown rather than passing on as a known
 * `undefined`; outside a preview the provider answered without it, which is an error that names the field.
 */
export function answered<T>(value: pulumi.Output<T | undefined>, what: string): pulumi.Output<T> {
    return value.apply((present): T => {
        if (present !== undefined && present !== null) {
            return present;
        }
        if (pulumi.runtime.isDryRun()) {
            // An apply that returns the SDK's unknown makes its output unknown.
            return pulumi.unknown as unknown as T;
        }
        throw new Error(`the look-up of ${what} answered without it`);
    });
}
