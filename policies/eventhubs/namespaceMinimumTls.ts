// Refuses Event Hubs namespaces that accept clients on TLS older than the minimum version.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asString, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        minimumTlsVersion: {
            type: "string",
            enum: ["1.2", "1.3"],
            default: "1.2",
            description: "Lowest TLS version a namespace may accept.",
        },
    },
};

export const namespaceMinimumTls: ResourceValidationPolicy = {
    name: "eventhubs-namespace-minimum-tls",
    description: "Event Hubs namespaces set minimumTlsVersion to the required TLS version or newer.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.eventHubsNamespace) {
            return;
        }
        const { minimumTlsVersion } = settingsOf<{ minimumTlsVersion: string }>(args, configSchema);
        const version = known(() => asString(args.props.minimumTlsVersion));
        if (isUnknown(version)) {
            return;
        }
        // Set it explicitly: the service default has changed over time and differs for existing namespaces.
        if (version === undefined || Number(version) < Number(minimumTlsVersion)) {
            const found = version === undefined ? "no minimumTlsVersion" : `minimumTlsVersion "${version}"`;
            reportViolation(`Found ${found}; TLS ${minimumTlsVersion} or newer is required.`);
        }
    },
};
