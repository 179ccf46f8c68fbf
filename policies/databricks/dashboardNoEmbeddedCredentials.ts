// Refuses dashboards published with embedded credentials, where every viewer's query runs as the publisher.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { cannotCheckDuringPreview, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        forbidEmbeddedCredentials: {
            type: "boolean",
            default: false,
            description:
                "Refuse AI/BI dashboards whose embedCredentials is true or left out (the provider's default is true).",
        },
    },
};

export const dashboardNoEmbeddedCredentials: ResourceValidationPolicy = {
    name: "databricks-dashboard-no-embedded-credentials",
    description:
        "AI/BI dashboards run each viewer's queries with the viewer's own grants (embedCredentials: false), when the " +
        "stack forbids embedded credentials.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.dashboard) {
            return;
        }
        const { forbidEmbeddedCredentials } = settingsOf<{ forbidEmbeddedCredentials: boolean }>(args, configSchema);
        if (!forbidEmbeddedCredentials) {
            return;
        }
        // An input of the program, known on a first deploy; unknown only if computed from another resource.
        const embed = known(() => args.props.embedCredentials);
        const advice =
            "allowed: embedCredentials: false, so that each viewer's query runs with the viewer's own grants.";
        if (isUnknown(embed)) {
            // Never passed silently, never failed on a value the preview cannot see: the library reports it as advisory.
            throw cannotCheckDuringPreview(
                `not checked, unknown until the update runs: embedCredentials of dashboard ${args.name}`,
            );
        } else if (embed === undefined) {
            reportViolation(
                `Found dashboard ${args.name} without embedCredentials, which the provider publishes as true ` +
                    `(every viewer's query runs as the publisher); ${advice}`,
            );
        } else if (embed !== false) {
            reportViolation(`Found dashboard ${args.name} with embedCredentials ${JSON.stringify(embed)}; ${advice}`);
        }
    },
};
