// Finds keys and tokens passed in plain text (job or notebook parameters, Spark conf, notebook source) instead of a secret scope.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { isUnknown, known, stringLeaves } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        patterns: {
            type: "array",
            items: { type: "string" },
            default: [
                "SharedAccessKey=[^;\\s]+",
                "SharedAccessSignature sr=",
                "AccountKey=[^;\\s]+",
                "\\bdapi[0-9a-f]{32}\\b",
                "-----BEGIN [A-Z ]*PRIVATE KEY-----",
            ],
            description: "Regular expressions that match key material in a property value.",
        },
    },
};

/** Source text that Databricks resources carry base64-encoded: a key pasted into a notebook counts too. */
const base64Content = new Set(["contentBase64"]);

export const noKeyMaterialInPlainText: ResourceValidationPolicy = {
    name: "security-no-key-material-in-plain-text",
    description: "No Databricks resource other than a secret carries key material such as SAS keys or tokens.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        if (!args.type.startsWith("databricks:") || args.type === ResourceTypes.secret) {
            return;
        }
        const { patterns } = settingsOf<{ patterns: string[] }>(args, configSchema);
        const expressions = patterns.map((pattern) => new RegExp(pattern));
        const props = known(() => args.props as unknown);
        if (isUnknown(props)) {
            return;
        }
        for (const leaf of stringLeaves(props)) {
            const key = leaf.path.split(".").pop() ?? "";
            const text = base64Content.has(key) ? Buffer.from(leaf.value, "base64").toString("utf8") : leaf.value;
            const match = expressions.find((expression) => expression.test(text));
            if (match) {
                // Never echo the value itself: the message ends up in CI logs.
                reportViolation(
                    `Found key material at ${leaf.path} (matches /${match.source}/); keep it in a secret scope and ` +
                        `pass only the scope and key names.`,
                );
            }
        }
    },
};
