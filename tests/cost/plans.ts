// Small hand-built plans for the cost specs: resources as the estimate reads them, each builder changing one thing.
import type { CostResource } from "../../policies/lib/cost/estimate";

export const stack = "unit";
const urnOf = (type: string, name: string) => `urn:pulumi:${stack}::lakestream::${type}::${name}`;

export function resource(
    type: string,
    name: string,
    props: Record<string, unknown>,
    dependencies: string[] = [],
): CostResource {
    return { urn: urnOf(type, name), type, name, props, dependencies };
}

export const namespace = (sku: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    resource("azure-native:eventhub:Namespace", "ns", { sku, ...extra });

export const catalog = () => resource("databricks:index/catalog:Catalog", "catalog", { name: "lakestream_unit" });

export const cluster = (props: Record<string, unknown> = {}, name = "cluster") =>
    resource("databricks:index/cluster:Cluster", name, {
        sparkVersion: "15.4.x-scala2.12",
        nodeTypeId: "Standard_DS3_v2",
        numWorkers: 0,
        autoterminationMinutes: 10,
        ...props,
    });

/** A job whose three tasks run on an existing cluster (the program's shape before job clusters). */
export const jobOnCluster = (on: CostResource, trigger: Record<string, unknown>) =>
    resource(
        "databricks:index/job:Job",
        "job",
        {
            tasks: ["bronze", "silver", "gold"].map((taskKey) => ({
                taskKey,
                existingClusterId: "1125-000000-abcdefgh",
            })),
            ...trigger,
        },
        [on.urn],
    );

/** A job on job clusters: `shared` puts the three tasks on one jobClusters entry, else each task has its own. */
export const jobOnJobClusters = (trigger: Record<string, unknown>, spec: Record<string, unknown>, shared: boolean) =>
    resource("databricks:index/job:Job", "job", {
        jobClusters: shared ? [{ jobClusterKey: "streams", newCluster: spec }] : undefined,
        tasks: ["bronze", "silver", "gold"].map((taskKey) =>
            shared ? { taskKey, jobClusterKey: "streams" } : { taskKey, newCluster: spec },
        ),
        ...trigger,
    });

export const warehouse = (props: Record<string, unknown>) =>
    resource("databricks:index/sqlEndpoint:SqlEndpoint", "warehouse", {
        enableServerlessCompute: true,
        warehouseType: "PRO",
        minNumClusters: 1,
        maxNumClusters: 1,
        ...props,
    });

/** A metric alert rule with `conditions` conditions on one resource, as the bronze lag alert is. */
export const metricAlert = (conditions: number, props: Record<string, unknown> = {}) =>
    resource("azure-native:monitor:MetricAlert", "alert", {
        scopes: ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/ns"],
        enabled: true,
        criteria: { allOf: Array.from({ length: conditions }, (_, index) => ({ name: `c${index}` })) },
        ...props,
    });
