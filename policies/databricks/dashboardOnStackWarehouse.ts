// Makes every AI/BI dashboard run its queries on a SQL warehouse of the stack, never on the streaming compute.
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { stackPropsOf } from "../lib/keptInputs";
import { asString, isUnknown, known, PreviewGaps, Unknown } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        computeTypes: {
            type: "array",
            items: { type: "string" },
            default: [ResourceTypes.cluster],
            description: "Type tokens of streaming compute a dashboard must never run on.",
        },
    },
};

/**
 * The warehouse a dashboard runs on is its `warehouseId`. On a first deploy that id is unknown, so the rule reads where
 * it comes from: the resources the dashboard depends on. A dashboard that depends on a warehouse of the stack and on
 * no cluster takes its id from that warehouse; one that depends on a cluster and no warehouse cannot; one with a
 * literal id and no warehouse of the stack among its dependencies names a warehouse the stack does not manage.
 */
export const dashboardOnStackWarehouse: StackValidationPolicy = {
    name: "databricks-dashboard-on-stack-warehouse",
    description:
        "AI/BI dashboards run on a SQL warehouse of the stack (which stops by itself), never on the streaming compute.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateStack: (args, reportViolation) => {
        const { computeTypes } = settingsOf<{ computeTypes: string[] }>(args, configSchema);
        const gaps = new PreviewGaps();
        const advice = "allowed: the stack's own serverless SQL warehouse (warehouseId of a databricks.SqlEndpoint).";
        for (const dashboard of args.resources.filter((resource) => resource.type === ResourceTypes.dashboard)) {
            const { props, source } = stackPropsOf(dashboard, args);
            const id = source === "none" ? Unknown : known(() => asString(props.warehouseId));
            const warehouses = dashboard.dependencies.filter(
                (dependency) => dependency.type === ResourceTypes.sqlEndpoint,
            );
            const clusters = dashboard.dependencies.filter((dependency) => computeTypes.includes(dependency.type));
            if (id === undefined || id === "") {
                reportViolation(`Found dashboard ${dashboard.name} without a warehouseId; ${advice}`, dashboard.urn);
            } else if (warehouses.length === 0 && clusters.length > 0) {
                const names = clusters.map((cluster) => cluster.name).join(", ");
                reportViolation(
                    `Found dashboard ${dashboard.name} on compute of cluster ${names}, not on a SQL warehouse; ${advice}`,
                    dashboard.urn,
                );
            } else if (warehouses.length === 0 && !isUnknown(id)) {
                reportViolation(
                    `Found dashboard ${dashboard.name} on warehouse ${id}, which is not a SQL warehouse of this stack; ${advice}`,
                    dashboard.urn,
                );
            } else if (warehouses.length === 0 || (clusters.length > 0 && isUnknown(id))) {
                // Unknown, and either from nothing the stack declares or from a warehouse and a cluster alike.
                gaps.add(`which compute the warehouseId of dashboard ${dashboard.name} names`);
            }
        }
        gaps.throwIfAny();
    },
};
