// Pins clusters to LTS runtimes with a Scala 2.12 image, the only ones the Event Hubs Spark connector runs on.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { clusterSpecsOf } from "../lib/clusters";
import { settingsOf } from "../lib/config";
import { asString, isUnknown } from "../lib/read";

const configSchema: PolicyConfigSchema = {
    properties: {
        allowedSparkVersions: {
            type: "array",
            items: { type: "string" },
            minItems: 1,
            default: ["15.4.x-scala2.12", "16.4.x-scala2.12"],
            description: "Databricks runtime keys a cluster may run.",
        },
    },
};

export const clusterAllowedRuntime: ResourceValidationPolicy = {
    name: "databricks-cluster-allowed-runtime",
    description: "Databricks clusters run a runtime from the allow-list of LTS Scala 2.12 images.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        const { allowedSparkVersions } = settingsOf<{ allowedSparkVersions: string[] }>(args, configSchema);
        for (const spec of clusterSpecsOf(args.type, args.props)) {
            const version = spec.read((s) => asString(s.sparkVersion));
            if (isUnknown(version)) {
                continue;
            }
            if (version === undefined || !allowedSparkVersions.includes(version)) {
                const found = version === undefined ? "no sparkVersion" : `sparkVersion "${version}"`;
                reportViolation(`Found ${spec.where} with ${found}; allowed: ${allowedSparkVersions.join(", ")}.`);
            }
        }
    },
};
