// Makes every Unity Catalog catalog name its managed storage: a metastore created by automatic enablement has none.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { settingsOf } from "../lib/config";
import { asString, isUnknown, known } from "../lib/read";
import { ResourceTypes } from "../lib/types";

const configSchema: PolicyConfigSchema = {
    properties: {
        allowMetastoreStorage: {
            type: "boolean",
            default: false,
            description:
                "The stack's metastore has root storage (metastores created before automatic enablement may), so a " +
                "catalog may leave storageRoot unset.",
        },
    },
};

export const catalogManagedLocation: ResourceValidationPolicy = {
    name: "databricks-catalog-managed-location",
    description: "Unity Catalog catalogs have a managed location (storageRoot) unless the metastore has root storage.",
    configSchema,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceTypes.catalog) {
            return;
        }
        // Foreign and shared catalogs keep no managed tables, so they need no location.
        const elsewhere = ["connectionName", "shareName", "providerName"].some((key) => {
            const value = known(() => args.props[key]);
            return isUnknown(value) || value !== undefined;
        });
        if (elsewhere) {
            return;
        }
        const { allowMetastoreStorage } = settingsOf<{ allowMetastoreStorage: boolean }>(args, configSchema);
        const storageRoot = known(() => asString(args.props.storageRoot));
        // Unknown at a first preview: it comes from the stack's own storage chain or a look-up of an existing location.
        if (isUnknown(storageRoot) || allowMetastoreStorage) {
            return;
        }
        if (storageRoot === undefined || storageRoot.trim() === "") {
            reportViolation(
                'Found a catalog without storageRoot; CREATE CATALOG then fails with "Metastore storage root URL does ' +
                    'not exist" on a metastore without root storage. Let the stack create its storage (access ' +
                    "connector, ADLS Gen2 account, storage credential, external location), or set " +
                    "lakestream:catalog.storageRoot or lakestream:catalog.externalLocation.",
            );
        }
    },
};
