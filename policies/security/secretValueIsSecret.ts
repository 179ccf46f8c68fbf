// Makes sure a value put into a Databricks secret scope is itself kept secret by Pulumi, in state and in outputs.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ResourceTypes } from "../lib/types";

export const secretValueIsSecret: ResourceValidationPolicy = {
    name: "security-secret-value-is-secret",
    description: "Databricks secrets keep their stringValue a Pulumi secret, never plain text in the state.",
    configSchema: { properties: {} },
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.secret) {
            return;
        }
        // The analyzer unwraps secret inputs before a policy sees them; what remains visible is the engine's record
        // that the output is secret, which the SDK sets when (and only when) the value was marked secret.
        const secretOutputs = args.opts.additionalSecretOutputs ?? [];
        if (!secretOutputs.includes("stringValue")) {
            reportViolation(
                `Found stringValue not declared secret (additionalSecretOutputs: [${secretOutputs.join(", ")}]); ` +
                    `pass it as pulumi.secret(...) so the state and outputs keep it encrypted.`,
            );
        }
    },
};
