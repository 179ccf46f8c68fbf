// Makes a SQL warehouse, if the stack has one, stop by itself soon after the last query.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asNumber, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        maxAutoStopMinutes: {
            type: "integer",
            minimum: 10,
            default: 10,
            description: "Longest idle time, in minutes, before a SQL warehouse stops.",
        },
    },
};

export const sqlWarehouseAutoStop: ResourceValidationPolicy = {
    name: "databricks-sql-warehouse-auto-stop",
    description: "Databricks SQL warehouses auto-stop after at most the allowed idle minutes.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.sqlEndpoint) {
            return;
        }
        const { maxAutoStopMinutes } = settingsOf<{ maxAutoStopMinutes: number }>(args, configSchema);
        const minutes = known(() => asNumber(args.props.autoStopMins));
        if (isUnknown(minutes)) {
            return;
        }
        // Absent means the service default (120 minutes); 0 means never stop; the API refuses 1 to 9.
        if (minutes === undefined || minutes < 10 || minutes > maxAutoStopMinutes) {
            const found =
                minutes === undefined
                    ? "no autoStopMins (the service default is 120)"
                    : minutes === 0
                      ? `autoStopMins ${minutes} (never stops)`
                      : minutes < 10
                        ? `autoStopMins ${minutes} (the API accepts 0 or at least 10)`
                        : `autoStopMins ${minutes}`;
            reportViolation(`Found ${found}; allowed: 10 to ${maxAutoStopMinutes} minutes.`);
        }
    },
};
