// The `lakestream:catalog` section: the Unity Catalog, where its storage comes from, and adopting the data a stack kept.
import { createHash } from "node:crypto";
import { z } from "zod";
import { configBoolean, isTrue, projectNamespace, record, type CrossFieldRule } from "./fields";

/** Unity Catalog privileges a grant may name on the catalog. */
const catalogPrivileges = [
    "ALL_PRIVILEGES",
    "BROWSE",
    "USE_CATALOG",
    "USE_SCHEMA",
    "SELECT",
    "READ_VOLUME",
    "WRITE_VOLUME",
    "MODIFY",
    "EXECUTE",
    "CREATE_SCHEMA",
    "CREATE_TABLE",
    "CREATE_VOLUME",
] as const;

export const catalogSchema = z
    .object({
        name: z
            .string()
            .regex(/^[a-z][a-z0-9_]{0,254}$/, {
                error: "must be a lower-case identifier: a letter, then letters, digits or underscores",
            })
            .optional(),
        storageRoot: z
            .string()
            .regex(/^abfss:\/\/[^@\s]+@[^\s]+$/, {
                error: "must be an abfss://container@account.dfs.core.windows.net/path URL",
            })
            .optional(),
        externalLocation: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,255}$/, {
                error: "must be the name of an external location: letters, digits, _ or -",
            })
            .optional(),
        metastoreStorage: configBoolean().default(false),
        // Storage account names: 3-24 lower-case letters and digits, unique in Azure (Azure naming rules).
        storageAccountName: z
            .string()
            .regex(/^[a-z0-9]{3,24}$/, { error: "must be 3-24 lower-case letters and digits" })
            .optional(),
        forceDestroy: configBoolean().optional(),
        grants: z
            .array(
                z
                    .object({
                        principal: z.string().min(1),
                        privileges: z.array(z.enum(catalogPrivileges)).min(1),
                    })
                    .strict(),
            )
            .default([]),
    })
    .strict();

/** Which existing storage the catalog names, in the order the message about two of them cites them. */
function existingStorageChoices(raw: Record<string, unknown>): string[] {
    const catalog = record(raw.catalog);
    return ["storageRoot", "externalLocation", "metastoreStorage"].filter((key) =>
        key === "metastoreStorage" ? isTrue(catalog[key]) : catalog[key] !== undefined,
    );
}

function oneExistingStorage(raw: Record<string, unknown>) {
    const choices = existingStorageChoices(raw);
    return choices.length > 1
        ? [
              {
                  path: ["catalog", choices[1]],
                  message: `and catalog.${choices[0]} are exclusive: name one existing location, or neither to create the storage`,
              },
          ]
        : [];
}

function accountNameOnlyWhenCreated(raw: Record<string, unknown>) {
    const choices = existingStorageChoices(raw);
    return choices.length > 0 && record(raw.catalog).storageAccountName !== undefined
        ? [
              {
                  path: ["catalog", "storageAccountName"],
                  message: `names the storage account the stack creates, which it does not do with catalog.${choices[0]}`,
              },
          ]
        : [];
}

/** Adopting kept data needs a stack that keeps it, and the subscription of the storage it created. */
function adoptOnlyKeptData(raw: Record<string, unknown>) {
    if (!isTrue(raw.adoptData)) {
        return [];
    }
    const problems = [];
    if (isTrue(raw.ephemeral ?? true)) {
        problems.push({
            path: ["adoptData"],
            message: "is for a stack whose data survives destroy: set lakestream:ephemeral to false",
        });
    }
    if (isTrue(record(raw.catalog).forceDestroy)) {
        problems.push({
            path: ["adoptData"],
            message: "contradicts catalog.forceDestroy: true, which deletes the data it would adopt",
        });
    }
    if (raw["azure-native:subscriptionId"] === undefined && existingStorageChoices(raw).length === 0) {
        problems.push({
            path: ["azure-native:subscriptionId"],
            message:
                "is required with lakestream:adoptData: the ids of the kept storage account and its resource group name the subscription",
        });
    }
    return problems;
}

export const catalogRules: CrossFieldRule[] = [oneExistingStorage, accountNameOnlyWhenCreated, adoptOnlyKeptData];

/** Where the catalog's managed storage comes from. */
export type CatalogStorageSource =
    /** The stack creates the chain: access connector, ADLS Gen2 account, role, storage credential, external location. */
    | { kind: "create"; storageAccountName: string }
    /** An existing managed location URL, covered by an external location someone else manages. */
    | { kind: "storageRoot"; storageRoot: string }
    /** An existing external location, by name; the catalog goes under its URL. */
    | { kind: "externalLocation"; externalLocationName: string }
    /** The metastore's own root storage (metastores created before automatic enablement may have one). */
    | { kind: "metastore" };

/** The validated catalog section's storage choice as a tagged value, naming the account the stack would create. */
export function catalogStorageSource(
    catalog: z.output<typeof catalogSchema>,
    stack: string,
    location: string,
    owner: string,
): CatalogStorageSource {
    if (catalog.storageRoot !== undefined) {
        return { kind: "storageRoot", storageRoot: catalog.storageRoot };
    }
    if (catalog.externalLocation !== undefined) {
        return { kind: "externalLocation", externalLocationName: catalog.externalLocation };
    }
    if (catalog.metastoreStorage) {
        return { kind: "metastore" };
    }
    return {
        kind: "create",
        storageAccountName: catalog.storageAccountName ?? defaultStorageAccountName(stack, location, owner),
    };
}

/**
 * A storage account name that stays the same for a stack across deployments (so kept data can be adopted) and is
 * unlikely to be taken elsewhere: "ls", up to 12 letters of the stack, then 10 hex digits of a hash.
 */
export function defaultStorageAccountName(stack: string, location: string, owner: string): string {
    const letters = stack
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "")
        .slice(0, 12);
    const hash = createHash("sha256").update(`${projectNamespace}/${stack}/${location}/${owner}`).digest("hex");
    return `ls${letters}${hash.slice(0, 10)}`;
}
