// Keeps everyone but the job's run-as identity out of bronze, silver and the quarantine: others read gold only, the owner reads.
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { propsOf, stackPropsOf, type StackRun } from "../lib/keptInputs";
import { asString, elementsOf, isRecord, isUnknown, known, PreviewGaps, Unknown, type MaybeUnknown } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        goldSchema: {
            type: "string",
            default: "gold",
            description: "Name of the schema readers may see.",
        },
        catalogPrivileges: {
            type: "array",
            items: { type: "string" },
            default: ["USE_CATALOG"],
            description: "Privileges others may hold on the catalog itself (USE_CATALOG is needed to reach gold).",
        },
        goldPrivileges: {
            type: "array",
            items: { type: "string" },
            default: ["USE_SCHEMA", "SELECT"],
            description: "Privileges others may hold on the gold schema and the tables in it.",
        },
        ownerPrivileges: {
            type: "array",
            items: { type: "string" },
            default: ["USE_SCHEMA", "SELECT"],
            description:
                "Privileges the stack's owner (the catalog's `owner` property, `lakestream:owner`) may hold on any " +
                "schema: reading, for the owners' dashboard; writing stays the run-as identity's.",
        },
        exemptPrincipals: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Principals this stack lets reach further than gold (a documented exception).",
        },
    },
};

interface Settings {
    goldSchema: string;
    catalogPrivileges: string[];
    goldPrivileges: string[];
    ownerPrivileges: string[];
    exemptPrincipals: string[];
}

/** Securable kinds whose grants can reach data, as the Grants and Grant resources name them. */
const objectKeys = ["table", "volume", "function", "model"] as const;
const otherKeys = [
    "metastore",
    "externalLocation",
    "storageCredential",
    "credential",
    "share",
    "recipient",
    "foreignConnection",
    "pipeline",
] as const;

/** What a grant resource is on: the catalog, a schema by name, an object in a schema, or anything else. */
type Target =
    | { kind: "catalog"; label: string }
    | { kind: "schema"; schema: string; label: string }
    | { kind: "other"; label: string };

/** The name of a schema the grant depends on (its `name` input), when the securable's own name is not known yet. */
function schemaNameFromDependencies(grant: PolicyResource, args: StackRun): string | undefined {
    for (const dependency of grant.dependencies) {
        if (dependency.type === ResourceTypes.schema) {
            const name = known(() => asString(propsOf(dependency, args).name));
            return isUnknown(name) ? undefined : name;
        }
        if (dependency.type === ResourceTypes.volume) {
            const name = known(() => asString(propsOf(dependency, args).schemaName));
            return isUnknown(name) ? undefined : name;
        }
    }
    return undefined;
}

function targetOf(grant: PolicyResource, args: StackRun): MaybeUnknown<Target> | undefined {
    const props = propsOf(grant, args);
    const value = (key: string) => known(() => props[key] as unknown);
    const catalog = value("catalog");
    if (catalog !== undefined) {
        return { kind: "catalog", label: isUnknown(catalog) ? "the catalog" : `catalog ${String(catalog)}` };
    }
    const schema = value("schema");
    if (schema !== undefined) {
        // catalog.schema; unknown before the schema exists, then its name comes from the Schema it depends on.
        const name = isUnknown(schema) ? schemaNameFromDependencies(grant, args) : String(schema).split(".").pop();
        return name === undefined
            ? Unknown
            : { kind: "schema", schema: name, label: `schema ${isUnknown(schema) ? name : String(schema)}` };
    }
    for (const key of objectKeys) {
        const object = value(key);
        if (object !== undefined) {
            // catalog.schema.object
            const name = isUnknown(object) ? schemaNameFromDependencies(grant, args) : String(object).split(".")[1];
            return name === undefined
                ? Unknown
                : {
                      kind: "schema",
                      schema: name,
                      label: `${key} ${isUnknown(object) ? `in ${name}` : String(object)}`,
                  };
        }
    }
    for (const key of otherKeys) {
        const other = value(key);
        if (other !== undefined) {
            return { kind: "other", label: isUnknown(other) ? key : `${key} ${String(other)}` };
        }
    }
    return undefined;
}

/** The principal and privileges of each entry of a Grants (list) or a Grant (one principal). */
interface Entry {
    principal: MaybeUnknown<string>;
    privileges: MaybeUnknown<string[]>;
}

function entriesOf(grant: PolicyResource, args: StackRun): MaybeUnknown<Entry[]> {
    const props = propsOf(grant, args);
    const read = (entry: Record<string, unknown>): Entry => ({
        principal: known((): string => asString(entry.principal) ?? ""),
        privileges: ((): MaybeUnknown<string[]> => {
            const list = elementsOf(() => entry.privileges);
            if (isUnknown(list) || list.some(isUnknown)) {
                return Unknown;
            }
            return list.filter((item): item is string => typeof item === "string");
        })(),
    });
    if (grant.type === ResourceTypes.grant) {
        return [read(props)];
    }
    const list = elementsOf(() => props.grants);
    if (isUnknown(list) || list.some(isUnknown)) {
        return Unknown;
    }
    return list.filter(isRecord).map(read);
}

/**
 * Who the stack's jobs run as, lower-cased; Unknown when a job's identity is not known yet (a first deploy that runs
 * the job as its deployer, whose name comes from the workspace still to be created).
 */
function runAsPrincipals(resources: PolicyResource[], args: StackRun): MaybeUnknown<Set<string>> {
    const principals = new Set<string>();
    for (const job of resources.filter((resource) => resource.type === ResourceTypes.job)) {
        const { props, source } = stackPropsOf(job, args);
        const runAs = source === "none" ? Unknown : known(() => props.runAs as unknown);
        if (isUnknown(runAs)) {
            return Unknown;
        }
        for (const key of ["servicePrincipalName", "userName"]) {
            const name = known(() => (isRecord(runAs) ? asString(runAs[key]) : undefined));
            if (isUnknown(name)) {
                return Unknown;
            }
            if (name !== undefined) {
                principals.add(name.toLowerCase());
            }
        }
    }
    return principals;
}

/** The owners the stack's catalogs record (their `owner` property), lower-cased; Unknown while one is not known. */
function catalogOwners(resources: PolicyResource[], args: StackRun): MaybeUnknown<Set<string>> {
    const owners = new Set<string>();
    for (const catalog of resources.filter((resource) => resource.type === ResourceTypes.catalog)) {
        const properties = known(() => propsOf(catalog, args).properties as unknown);
        if (isUnknown(properties)) {
            return Unknown;
        }
        const owner = known(() => (isRecord(properties) ? asString(properties.owner) : undefined));
        if (isUnknown(owner)) {
            return Unknown;
        }
        if (owner !== undefined && owner !== "") {
            owners.add(owner.toLowerCase());
        }
    }
    return owners;
}

export const grantsGoldOnly: StackValidationPolicy = {
    name: "databricks-grants-gold-only",
    description:
        "Unity Catalog grants to anyone but the job's run-as identity reach no further than the gold schema; the " +
        "stack's owner may also read the other schemas.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const settings = settingsOf<Settings>(args, configSchema);
        const runAs = runAsPrincipals(args.resources, args);
        const owners = catalogOwners(args.resources, args);
        const gaps = new PreviewGaps();
        const exempt = new Set(settings.exemptPrincipals.map((principal) => principal.toLowerCase()));
        const grantTypes: string[] = [ResourceTypes.grants, ResourceTypes.grant];
        for (const grant of args.resources.filter((resource) => grantTypes.includes(resource.type))) {
            if (stackPropsOf(grant, args).source === "none") {
                gaps.add(`grants ${grant.name} (no outputs and no inputs seen)`);
                continue;
            }
            const target = targetOf(grant, args);
            if (target === undefined) {
                continue;
            }
            if (isUnknown(target)) {
                gaps.add(`what grants ${grant.name} is on`);
                continue;
            }
            const allowed =
                target.kind === "catalog"
                    ? settings.catalogPrivileges
                    : target.kind === "schema" && target.schema === settings.goldSchema
                      ? settings.goldPrivileges
                      : [];
            const entries = entriesOf(grant, args);
            if (isUnknown(entries)) {
                gaps.add(`the principals of grants ${grant.name}`);
                continue;
            }
            for (const { principal, privileges } of entries) {
                if (isUnknown(principal) || isUnknown(privileges)) {
                    gaps.add(`a principal or its privileges in grants ${grant.name} on ${target.label}`);
                    continue;
                }
                if (principal === "" || exempt.has(principal.toLowerCase())) {
                    continue;
                }
                const beyondGold = privileges.filter((privilege) => !allowed.includes(privilege.toUpperCase()));
                if (beyondGold.length === 0) {
                    continue;
                }
                // The owner reads every schema; whether this principal is the owner waits for the catalog's inputs.
                const ownerReads = (privilege: string) =>
                    target.kind === "schema" && settings.ownerPrivileges.includes(privilege.toUpperCase());
                if (beyondGold.every(ownerReads) && isUnknown(owners)) {
                    gaps.add(`whether ${principal} (granted ${beyondGold.join(", ")} on ${target.label}) is the owner`);
                    continue;
                }
                const isOwner = !isUnknown(owners) && owners.has(principal.toLowerCase());
                const beyond = isOwner ? beyondGold.filter((privilege) => !ownerReads(privilege)) : beyondGold;
                if (beyond.length === 0) {
                    continue;
                }
                // Beyond gold is the run-as identity's right alone; before the job's identity is known, whether
                // this principal is it cannot be told.
                if (isUnknown(runAs)) {
                    gaps.add(
                        `whether ${principal} (granted ${beyond.join(", ")} on ${target.label}) is the job's run-as identity`,
                    );
                    continue;
                }
                if (runAs.has(principal.toLowerCase())) {
                    continue;
                }
                reportViolation(
                    `Found ${principal} granted ${beyond.join(", ")} on ${target.label}; allowed for anyone but ` +
                        `the run-as identity: ${settings.catalogPrivileges.join(", ")} on the catalog and ` +
                        `${settings.goldPrivileges.join(", ")} on the ${settings.goldSchema} schema, and for the ` +
                        `owner ${settings.ownerPrivileges.join(", ")} on any schema.`,
                    grant.urn,
                );
            }
        }
        gaps.throwIfAny();
    },
};
