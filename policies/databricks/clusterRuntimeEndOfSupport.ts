// Warns ahead of time when a cluster's Databricks runtime is about to leave support, while there is time to move.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { clusterSpecsOf } from "../lib/clusters";
import { settingsOf } from "../lib/config";
import { asString, isUnknown } from "../lib/read";

const dayMs = 24 * 60 * 60 * 1000;

const configSchema: PolicyConfigSchema = {
    properties: {
        endOfSupport: {
            type: "object",
            additionalProperties: { type: "string" },
            // Databricks Runtime release notes, "versions and compatibility": end-of-support dates of the LTS
            // runtimes with a Scala 2.12 image.
            default: {
                "14.3.x-scala2.12": "2027-02-01",
                "15.4.x-scala2.12": "2027-08-19",
                "16.4.x-scala2.12": "2028-05-09",
            },
            description: "End-of-support date (YYYY-MM-DD) of each Databricks runtime key.",
        },
        warnDays: {
            type: "integer",
            minimum: 0,
            default: 90,
            description: "How many days before the end of support to start warning.",
        },
    },
};

export const clusterRuntimeEndOfSupport: ResourceValidationPolicy = {
    name: "databricks-cluster-runtime-end-of-support",
    description: "Databricks clusters run a runtime that stays in support for the warning period.",
    configSchema,
    enforcementLevel: "advisory",
    severity: "low",
    validateResource: (args, reportViolation) => {
        const { endOfSupport, warnDays } = settingsOf<{ endOfSupport: Record<string, string>; warnDays: number }>(
            args,
            configSchema,
        );
        for (const spec of clusterSpecsOf(args.type, args.props)) {
            const version = spec.read((s) => asString(s.sparkVersion));
            // A runtime with no date is not judged here; databricks-cluster-allowed-runtime keeps to the list.
            if (isUnknown(version) || version === undefined || endOfSupport[version] === undefined) {
                continue;
            }
            const ends = Date.parse(`${endOfSupport[version]}T00:00:00Z`);
            if (Number.isNaN(ends)) {
                reportViolation(
                    `Found end of support "${endOfSupport[version]}" for "${version}"; write it as YYYY-MM-DD.`,
                );
                continue;
            }
            const daysLeft = Math.ceil((ends - Date.now()) / dayMs);
            if (daysLeft > warnDays) {
                continue;
            }
            const when =
                daysLeft <= 0
                    ? `whose support ended on ${endOfSupport[version]}`
                    : `whose support ends on ${endOfSupport[version]}, in ${daysLeft} days`;
            reportViolation(
                `Found ${spec.where} with sparkVersion "${version}", ${when}; move to a newer LTS runtime with a ` +
                    `Scala 2.12 image (in support: ${Object.keys(endOfSupport)
                        .filter((key) => Date.parse(`${endOfSupport[key]}T00:00:00Z`) - Date.now() > warnDays * dayMs)
                        .join(", ")}).`,
            );
        }
    },
};
