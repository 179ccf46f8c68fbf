// Makes sure someone hears when a job run fails: a stream that stops silently leaves Power BI showing stale data.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { elementsOf, isRecord, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

/** -1 when the list is unknown during preview, else the number of entries of `block.onFailures`. */
function failureRecipients(read: () => unknown): number {
    const block = known(read);
    if (isUnknown(block)) {
        return -1;
    }
    if (!isRecord(block)) {
        return 0;
    }
    const recipients = elementsOf(() => block.onFailures);
    return isUnknown(recipients) ? -1 : recipients.length;
}

export const jobFailureNotification: ResourceValidationPolicy = {
    name: "databricks-job-failure-notification",
    description: "Databricks jobs notify at least one e-mail address or destination when a run fails.",
    configSchema: { properties: {} },
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.job) {
            return;
        }
        const emails = failureRecipients(() => args.props.emailNotifications);
        const webhooks = failureRecipients(() => args.props.webhookNotifications);
        if (emails === -1 || webhooks === -1) {
            return;
        }
        if (emails + webhooks === 0) {
            reportViolation(
                "Found no failure notification (emailNotifications.onFailures and webhookNotifications.onFailures " +
                    "are empty); allowed: at least one recipient, set with lakestream:job.notify.",
            );
        }
    },
};
