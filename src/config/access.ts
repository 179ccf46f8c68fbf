// The `lakestream:runAs` and `lakestream:readers` keys: who the job runs as, and which groups read gold.
import { z } from "zod";
import { guidPattern, type CrossFieldProblem, type CrossFieldRule } from "./fields";

export const runAsSchema = z
    .object({
        servicePrincipal: z
            .string()
            .regex(guidPattern, {
                error: "must be the service principal's application id, a GUID such as 8d23ae77-912e-4a19-81e4-b9c3f5cc9349",
            })
            .optional(),
        user: z
            .string()
            .regex(/^[^@\s]+@[^@\s]+$/, { error: "must be a user name: the e-mail address the user signs in with" })
            .optional(),
    })
    .strict();

export const readersSchema = z.array(z.string().min(1).max(255)).default([]);

/** `lakestream:runAs`: a service principal by application id, or a user by user name. */
export type RunAsConfig = { servicePrincipal: string } | { user: string };

/** The validated `runAs` object (at most one key, checked below) as a tagged value; {} is the deploying identity. */
export function toRunAs(runAs: z.output<typeof runAsSchema> | undefined): RunAsConfig | undefined {
    if (runAs?.servicePrincipal !== undefined) {
        return { servicePrincipal: runAs.servicePrincipal.toLowerCase() };
    }
    if (runAs?.user !== undefined) {
        return { user: runAs.user };
    }
    return undefined;
}

function oneIdentity(raw: Record<string, unknown>) {
    const runAs = raw.runAs;
    if (runAs === null || typeof runAs !== "object" || Array.isArray(runAs)) {
        return [];
    }
    const named = ["servicePrincipal", "user"].filter((key) => (runAs as Record<string, unknown>)[key] !== undefined);
    return named.length > 1
        ? [
              {
                  path: ["runAs"],
                  message:
                      "must name one identity: {servicePrincipal: <application id>} (recommended), {user: <user name>}, or {} for the identity that deploys",
              },
          ]
        : [];
}

/** Workspace-local system groups: grants need account-level groups, and these two exist in every workspace only. */
const workspaceSystemGroups = ["users", "admins"];

function accountLevelReadersOnce(raw: Record<string, unknown>) {
    const problems: CrossFieldProblem[] = [];
    if (!Array.isArray(raw.readers)) {
        return problems;
    }
    const seen = new Set<string>();
    raw.readers.forEach((group, index) => {
        if (typeof group !== "string") {
            return;
        }
        if (workspaceSystemGroups.includes(group.toLowerCase())) {
            problems.push({
                path: ["readers", index],
                message: `is a workspace-local system group; list account-level groups (grants need them)`,
            });
        }
        if (seen.has(group.toLowerCase())) {
            problems.push({ path: ["readers", index], message: "is listed twice" });
        }
        seen.add(group.toLowerCase());
    });
    return problems;
}

export const accessRules: CrossFieldRule[] = [oneIdentity, accountLevelReadersOnce];
