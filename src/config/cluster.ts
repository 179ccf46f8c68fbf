// The `lakestream:cluster` section: the compute of the job cluster and of the all-purpose cluster, and its runtimes.
import { z } from "zod";
import { defaultSparkVersion } from "../../components/clusterSpec";
import { intBetween, record, type CrossFieldRule } from "./fields";

/**
 * Databricks LTS runtimes with a Scala 2.12 image that are in support, with the day support ends (Databricks Runtime
 * release notes, "versions and compatibility"). The Event Hubs Spark connector exists only for Scala 2.12, and 17.3 LTS
 * and later are Scala 2.13 only; 12.2 LTS (ended 2026-03-01) and 13.3 LTS (ended 2026-08-22) are out of support.
 */
export const sparkVersionEndOfSupport = {
    "14.3.x-scala2.12": "2027-02-01",
    "15.4.x-scala2.12": "2027-08-19",
    "16.4.x-scala2.12": "2028-05-09",
} as const;

type SparkVersion = keyof typeof sparkVersionEndOfSupport;

export const supportedSparkVersions = Object.keys(sparkVersionEndOfSupport) as SparkVersion[];

export const clusterSchema = z
    .object({
        autoterminationMinutes: intBetween(10, 10000),
        workers: intBetween(0, 100).optional(),
        autoscale: z
            .object({ minWorkers: intBetween(1, 100), maxWorkers: intBetween(1, 100) })
            .strict()
            .optional(),
        sparkVersion: z.enum(supportedSparkVersions as [SparkVersion]).default(defaultSparkVersion),
        nodeType: z
            .string()
            .regex(/^Standard_[A-Za-z0-9_]+$/, { error: "must be an Azure VM size such as Standard_DS3_v2" })
            .optional(),
    })
    .strict();

function workersOrAutoscale(raw: Record<string, unknown>) {
    const cluster = record(raw.cluster);
    return cluster.autoscale !== undefined && cluster.workers !== undefined
        ? [
              {
                  path: ["cluster", "autoscale"],
                  message: "and cluster.workers are exclusive: give a fixed worker count or an autoscale range",
              },
          ]
        : [];
}

function autoscaleRangeUpright(raw: Record<string, unknown>) {
    const autoscale = record(record(raw.cluster).autoscale);
    return typeof autoscale.minWorkers === "number" &&
        typeof autoscale.maxWorkers === "number" &&
        autoscale.maxWorkers < autoscale.minWorkers
        ? [
              {
                  path: ["cluster", "autoscale", "maxWorkers"],
                  message: `must be at least minWorkers (${autoscale.minWorkers})`,
              },
          ]
        : [];
}

export const clusterRules: CrossFieldRule[] = [workersOrAutoscale, autoscaleRangeUpright];
