// Allows one run of a job at a time: two streaming runs on the same checkpoints would fight over them.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asNumber, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

export const jobSingleConcurrentRun: ResourceValidationPolicy = {
    name: "cleanup-job-single-concurrent-run",
    description: "Databricks jobs allow exactly one concurrent run.",
    configSchema: { properties: {} },
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.job) {
            return;
        }
        const runs = known(() => asNumber(args.props.maxConcurrentRuns));
        // Absent is the Databricks default of 1.
        if (!isUnknown(runs) && runs !== undefined && runs !== 1) {
            reportViolation(`Found maxConcurrentRuns ${runs}; allowed: 1.`);
        }
    },
};
