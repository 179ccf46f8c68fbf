// Keeps the SAS rules handed to producers and consumers least-privilege: one right each, never Manage.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asString, elementsOf, isUnknown } from "../lib/read";
import { ResourceTypes } from "../lib/types";

export const authorizationRuleLeastPrivilege: ResourceValidationPolicy = {
    name: "eventhubs-authorization-rule-least-privilege",
    description: "Event hub authorization rules grant Listen or Send alone, never Manage.",
    configSchema: { properties: {} },
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.eventHubAuthorizationRule) {
            return;
        }
        const elements = elementsOf(() => args.props.rights);
        if (isUnknown(elements) || elements.some(isUnknown)) {
            return;
        }
        const rights = elements.map((right) => asString(right) ?? String(right));
        const found = `rights [${rights.join(", ")}]`;
        if (rights.includes("Manage")) {
            reportViolation(`Found ${found}; a rule handed to a client may not include Manage: use Listen or Send.`);
        } else if (rights.includes("Listen") && rights.includes("Send")) {
            reportViolation(`Found ${found}; Listen and Send go in separate rules, one per client role.`);
        } else if (rights.length === 0) {
            reportViolation(`Found ${found}; a rule grants exactly one of Listen or Send.`);
        }
    },
};
