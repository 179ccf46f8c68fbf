// The `lakestream:powerBi` section: the serverless SQL warehouse Power BI queries gold through.
import { z } from "zod";
import { warehouseDefaults } from "../../components/powerBiConnection";
import { record, type CrossFieldRule } from "./fields";

export const powerBiSchema = z
    .object({
        sqlWarehouse: z
            .object({
                clusterSize: z
                    .enum(["2X-Small", "X-Small", "Small", "Medium", "Large"])
                    .default(warehouseDefaults.clusterSize),
                // The SQL Warehouses API: 0 (never stop) or at least 10 minutes, and no maximum.
                autoStopMinutes: z.number().int().min(0).default(warehouseDefaults.autoStopMinutes),
            })
            .strict()
            .prefault({}),
    })
    .strict();

function autoStopNeverOrTen(raw: Record<string, unknown>) {
    const minutes = record(record(raw.powerBi).sqlWarehouse).autoStopMinutes;
    return typeof minutes === "number" && minutes > 0 && minutes < 10
        ? [
              {
                  path: ["powerBi", "sqlWarehouse", "autoStopMinutes"],
                  message: "must be 0 (never stop) or at least 10: the SQL warehouses API refuses 1 to 9",
              },
          ]
        : [];
}

export const powerBiRules: CrossFieldRule[] = [autoStopNeverOrTen];
