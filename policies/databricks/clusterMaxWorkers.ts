// Caps the size of every cluster the stack declares, fixed or autoscaling, all-purpose or job cluster.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { clusterSpecsOf } from "../lib/clusters";
import { settingsOf } from "../lib/config";
import { asNumber, isRecord, isUnknown } from "../lib/read";

const configSchema: PolicyConfigSchema = {
    properties: {
        maxWorkers: {
            type: "integer",
            minimum: 0,
            maximum: 1000,
            default: 0,
            description: "Most workers a cluster may have; 0 allows single-node clusters only.",
        },
    },
};

export const clusterMaxWorkers: ResourceValidationPolicy = {
    name: "databricks-cluster-max-workers",
    description: "Databricks clusters have at most the allowed number of workers, autoscaling included.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        const { maxWorkers } = settingsOf<{ maxWorkers: number }>(args, configSchema);
        for (const spec of clusterSpecsOf(args.type, args.props)) {
            const fixed = spec.read((s) => asNumber(s.numWorkers));
            if (!isUnknown(fixed) && fixed !== undefined && fixed > maxWorkers) {
                reportViolation(`Found ${spec.where} with numWorkers ${fixed}; at most ${maxWorkers} allowed.`);
            }
            const autoscale = spec.read((s) => (isRecord(s.autoscale) ? asNumber(s.autoscale.maxWorkers) : null));
            if (isUnknown(autoscale) || autoscale === null) {
                continue;
            }
            if (autoscale === undefined || autoscale > maxWorkers) {
                const found = autoscale === undefined ? "no autoscale.maxWorkers" : `autoscale.maxWorkers ${autoscale}`;
                reportViolation(`Found ${spec.where} with ${found}; at most ${maxWorkers} workers allowed.`);
            }
        }
    },
};
