// Makes every job name the identity it runs as, so a redeploy by someone else never changes who runs the pipeline.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asString, cannotCheckDuringPreview, isRecord, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        allowUser: {
            type: "boolean",
            default: false,
            description:
                "Accept a user as the run-as identity (a development stack run by the engineer who deploys it); " +
                "otherwise only a service principal is accepted.",
        },
    },
};

export const jobRunAs: ResourceValidationPolicy = {
    name: "databricks-job-run-as",
    description: "Databricks jobs name their run-as identity, a service principal unless the stack allows a user.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.job) {
            return;
        }
        const { allowUser } = settingsOf<{ allowUser: boolean }>(args, configSchema);
        const allowed = allowUser ? "runAs.servicePrincipalName or runAs.userName" : "runAs.servicePrincipalName";
        // A first deploy that runs the job as its deployer learns the deployer's name from the workspace, which does
        // not exist yet: the rule says it could not check rather than passing or failing the job.
        const unknownRunAs = (what: string) =>
            cannotCheckDuringPreview(
                `${what} of job ${args.name} is unknown until the update runs (the workspace it is read from does ` +
                    `not exist yet); allowed: ${allowed}.`,
            );
        const runAs = known(() => args.props.runAs as unknown);
        if (isUnknown(runAs)) {
            throw unknownRunAs("runAs");
        }
        const read = (key: string) => known(() => (isRecord(runAs) ? asString(runAs[key]) : undefined));
        const servicePrincipal = read("servicePrincipalName");
        const user = read("userName");
        const group = read("groupName");
        const pending = Object.entries({ servicePrincipalName: servicePrincipal, userName: user, groupName: group })
            .filter(([, value]) => isUnknown(value))
            .map(([key]) => `runAs.${key}`);
        if (isUnknown(servicePrincipal) || isUnknown(user) || isUnknown(group)) {
            // A group is never allowed, whatever the unknown names turn out to be.
            if (typeof group === "string" && group.trim() !== "") {
                reportViolation(`Found runAs.groupName "${group}"; allowed: ${allowed}.`);
                return;
            }
            throw unknownRunAs(pending.join(" and "));
        }
        const named = [servicePrincipal, user, group].filter((value) => value !== undefined && value.trim() !== "");
        if (named.length === 0) {
            reportViolation(
                `Found no runAs: the job would run as whoever created it, not the identity its compute is dedicated ` +
                    `to; allowed: ${allowed}.`,
            );
        } else if (named.length > 1) {
            reportViolation(`Found runAs naming ${named.length} identities; name exactly one: ${allowed}.`);
        } else if (group !== undefined) {
            reportViolation(`Found runAs.groupName "${group}"; allowed: ${allowed}.`);
        } else if (user !== undefined && !allowUser) {
            reportViolation(
                `Found runAs.userName "${user}"; allowed: ${allowed} (a user may leave or lose access; set ` +
                    `allowUser for a stack run by its deploying engineer).`,
            );
        }
    },
};
