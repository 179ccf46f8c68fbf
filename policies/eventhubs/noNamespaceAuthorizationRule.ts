// Refuses namespace-wide SAS rules, whose keys open every hub of the namespace to whoever holds them.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asString, elementsOf, isUnknown } from "../lib/read";
import { ResourceTypes } from "../lib/types";

export const noNamespaceAuthorizationRule: ResourceValidationPolicy = {
    name: "eventhubs-no-namespace-authorization-rule",
    description: "Clients get keys from hub-level authorization rules, never from namespace-level ones.",
    configSchema: { properties: {} },
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.namespaceAuthorizationRule) {
            return;
        }
        const elements = elementsOf(() => args.props.rights);
        const rights = isUnknown(elements)
            ? "unknown rights"
            : `rights [${elements.map((right) => (isUnknown(right) ? "?" : (asString(right) ?? "?"))).join(", ")}]`;
        reportViolation(
            `Found a namespace-level authorization rule with ${rights}; declare an EventHubAuthorizationRule on ` +
                `the hub instead, with Listen or Send only.`,
        );
    },
};
