// Makes Power BI connect through a SQL warehouse that stops by itself, never through the streaming compute.
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { stackPropsOf } from "../lib/keptInputs";
import { asNumber, isUnknown, known, PreviewGaps, Unknown } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        connectionType: {
            type: "string",
            default: ResourceTypes.powerBiConnection,
            description: "Type token of the component that owns the Power BI connection and its DirectQuery target.",
        },
    },
};

export const powerBiTargetsSqlWarehouse: StackValidationPolicy = {
    name: "databricks-power-bi-targets-sql-warehouse",
    description: "Power BI's DirectQuery target is a Databricks SQL warehouse with auto-stop, never a cluster.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateStack: (args, reportViolation) => {
        const { connectionType } = settingsOf<{ connectionType: string }>(args, configSchema);
        const gaps = new PreviewGaps();
        for (const connection of args.resources.filter((resource) => resource.type === connectionType)) {
            const children = args.resources.filter((resource) => resource.parent?.urn === connection.urn);
            const warehouses = children.filter((child) => child.type === ResourceTypes.sqlEndpoint);
            const clusters = children.filter((child) => child.type === ResourceTypes.cluster);
            if (warehouses.length === 0) {
                reportViolation(
                    `Found Power BI connection ${connection.name} without a SQL warehouse; allowed: a serverless SQL ` +
                        `warehouse with auto-stop (dedicated streaming compute serves no reader).`,
                    connection.urn,
                );
            }
            for (const cluster of clusters) {
                reportViolation(
                    `Found cluster ${cluster.name} under Power BI connection ${connection.name}; allowed: a SQL warehouse.`,
                    cluster.urn,
                );
            }
            for (const warehouse of warehouses) {
                const { props, source } = stackPropsOf(warehouse, args);
                const minutes = source === "none" ? Unknown : known(() => asNumber(props.autoStopMins));
                if (isUnknown(minutes)) {
                    gaps.add(`autoStopMins of warehouse ${warehouse.name}`);
                }
                // Absent is the service default of 120 minutes: it does stop, and the auto-stop policy bounds it.
                if (!isUnknown(minutes) && minutes !== undefined && minutes <= 0) {
                    reportViolation(
                        `Found Power BI's warehouse ${warehouse.name} with autoStopMins ${minutes} (never stops); ` +
                            `allowed: a warehouse with auto-stop.`,
                        warehouse.urn,
                    );
                }
            }
        }
        gaps.throwIfAny();
    },
};
