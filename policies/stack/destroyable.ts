// Keeps an ephemeral stack destroyable: `pulumi destroy` refuses to delete protected resources.
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { ephemeralProperty, settingsOf } from "../lib/config";
import { stackOfUrn } from "../lib/urn";

const configSchema: PolicyConfigSchema = { properties: { ephemeral: ephemeralProperty } };

export const destroyable: StackValidationPolicy = {
    name: "stack-destroyable",
    description: "An ephemeral stack has no protected resource, so `pulumi destroy` leaves nothing behind.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const { ephemeral } = settingsOf<{ ephemeral: boolean }>(args, configSchema);
        if (!ephemeral) {
            return;
        }
        for (const resource of args.resources.filter((candidate) => candidate.opts.protect)) {
            reportViolation(
                `Found ${resource.type} ${resource.name} protected in ephemeral stack "${stackOfUrn(resource.urn)}"; ` +
                    `remove protect so destroy can delete it.`,
                resource.urn,
            );
        }
    },
};
