// What Azure and Unity Catalog keep between calls and what they refuse on it: existence, bindings, cascades.
import { createHash } from "node:crypto";
import { StateFile, type ServiceData, type StoredResource } from "./stateFile";
import { unwrapSecrets, type WireObject } from "./wire";

/** Who calls: the provider package, and for databricks the workspace its `host` names. */
export interface Caller {
    packageName: string;
    /** The workspace id of a databricks provider configured with an Azure workspace URL (`adb-<id>.<n>...`). */
    workspaceId?: string;
}

/**
 * Unity Catalog objects live in the account's metastore, not in a workspace: they outlive the workspace they were
 * created through ("Unity Catalog best practices": the metastore is an account-level container). Every other
 * Databricks object of this program (jobs, notebooks, workspace files, directories, clusters, SQL warehouses, AI/BI
 * dashboards, secret scopes and their ACLs, permissions and permission assignments) is a workspace's own and goes with
 * it: a Lakeview dashboard is a workspace file (`<folder>/<name>.lvdash.json`, "Manage dashboards with Workspace APIs").
 */
const unityCatalogTypes = new Set([
    "databricks:index/catalog:Catalog",
    "databricks:index/schema:Schema",
    "databricks:index/volume:Volume",
    "databricks:index/grants:Grants",
    "databricks:index/storageCredential:StorageCredential",
    "databricks:index/externalLocation:ExternalLocation",
    "databricks:index/workspaceBinding:WorkspaceBinding",
]);

const catalogType = "databricks:index/catalog:Catalog";
const schemaType = "databricks:index/schema:Schema";
const bindingType = "databricks:index/workspaceBinding:WorkspaceBinding";
const workspaceType = "azure-native:databricks:Workspace";
const resourceGroupType = "azure-native:resources:ResourceGroup";

/** The workspace id in an Azure Databricks URL: `https://adb-<workspaceId>.<n>.azuredatabricks.net`. */
export function workspaceIdOfHost(host: string | undefined): string | undefined {
    return host === undefined ? undefined : /(?:^|\/\/)adb-(\d+)\./.exec(host)?.[1];
}

export function isWorkspaceLevel(type: string): boolean {
    return type.startsWith("databricks:") && !unityCatalogTypes.has(type);
}

/** The catalog a schema, volume or grant belongs to, from its inputs or its id (full names `catalog.schema[.x]`). */
export function catalogOf(type: string, id: string, inputs: WireObject): string | undefined {
    const plain = unwrapSecrets(inputs) as WireObject;
    switch (type) {
        case schemaType:
        case "databricks:index/volume:Volume":
            return typeof plain.catalogName === "string" ? plain.catalogName : id.split(".")[0] || undefined;
        case "databricks:index/grants:Grants": {
            const securable = plain.catalog ?? plain.schema ?? plain.volume;
            return typeof securable === "string" ? securable.split(".")[0] : undefined;
        }
        default:
            return undefined;
    }
}

/**
 * How many service calls the provider makes to delete a resource; the last one is where the service checks access.
 * A schema with force_destroy is emptied first: the provider lists and drops its tables itself before dropping the
 * schema (terraform-provider-databricks issue #2906: with force_destroy "all tables and views are dropped", by the
 * provider, and volumes and functions were not). A Grants delete reads the securable's current grants and then
 * removes them in an update (the Unity Catalog permissions API: GET then PATCH of `/unity-catalog/permissions`).
 * A workspace binding's delete is one update of the securable's bindings.
 */
export function deleteCalls(type: string, state: WireObject): number {
    const plain = unwrapSecrets(state) as WireObject;
    if (type === schemaType && plain.forceDestroy === true) {
        return 2;
    }
    return type === "databricks:index/grants:Grants" ? 2 : 1;
}

function digits(seed: string, length: number): string {
    return BigInt(`0x${createHash("sha256").update(seed).digest("hex")}`)
        .toString()
        .slice(0, length);
}

function sameScope(resource: StoredResource, type: string, id: string, caller: Caller): boolean {
    return (
        resource.type === type &&
        resource.id.toLowerCase() === id.toLowerCase() &&
        (!isWorkspaceLevel(type) || resource.workspaceId === caller.workspaceId)
    );
}

/** The stateful side of a stand-in: what exists, shared by the plugin processes of one engine session. */
export class StatefulService {
    constructor(private readonly store: StateFile) {}

    /**
     * Refuses what Unity Catalog refuses on an ISOLATED catalog: "Access from an unbound workspace is denied, even for
     * users with explicit privilege grants on the catalog" (Databricks, "Workspace-catalog binding"), which covers the
     * catalog's schemas, volumes and grants; the service answers "Catalog '<name>' is not accessible in current
     * workspace" (terraform-provider-databricks issues #3947, #5300).
     */
    private checkCatalogAccess(data: ServiceData, catalog: string | undefined, caller: Caller): void {
        if (catalog === undefined) {
            return;
        }
        const record = data.resources.find((resource) => resource.type === catalogType && resource.id === catalog);
        if (record === undefined) {
            return;
        }
        const isolation = (unwrapSecrets(record.inputs) as WireObject).isolationMode;
        const bound = data.catalogBindings[catalog] ?? [];
        if (isolation === "ISOLATED" && (caller.workspaceId === undefined || !bound.includes(caller.workspaceId))) {
            throw new Error(`Catalog '${catalog}' is not accessible in current workspace`);
        }
    }

    /**
     * Records a resource the provider has just created. Refuses one that exists already: azure-native's Create looks
     * the resource up first and fails "cannot create already existing resource" (pulumi-azure-native provider.go),
     * and Unity Catalog answers CATALOG_ALREADY_EXISTS / SCHEMA_ALREADY_EXISTS (and the like) for a taken full name.
     * Grants are an authoritative set on a securable, not an object: setting them again is not a conflict.
     */
    create(
        caller: Caller,
        resource: { type: string; name: string; urn: string },
        inputs: WireObject,
        created: () => { id: string; properties: WireObject },
    ): { id: string; properties: WireObject } {
        return this.store.update((data) => {
            this.checkCatalogAccess(data, catalogOf(resource.type, "", inputs), caller);
            const key = `${resource.type}::${resource.urn}`;
            const creation = (data.creations[key] ?? 0) + 1;
            data.creations[key] = creation;
            let result = created();
            if (resource.type === workspaceType && creation > 1) {
                // A workspace created again (after a destroy) gets a new workspace id and URL, as Azure gives one.
                const workspaceId = digits(`${resource.urn}#${creation}`, 16);
                result = {
                    id: result.id,
                    properties: {
                        ...result.properties,
                        workspaceId,
                        workspaceUrl: `adb-${workspaceId}.7.azuredatabricks.net`,
                    },
                };
            }
            if (
                resource.type !== "databricks:index/grants:Grants" &&
                data.resources.some((existing) => sameScope(existing, resource.type, result.id, caller))
            ) {
                throw new Error(
                    resource.type.startsWith("azure-native:")
                        ? `cannot create already existing resource '${result.id}'`
                        : `${resource.type.split(":").pop() ?? resource.type} '${result.id}' already exists`,
                );
            }
            data.resources.push({
                type: resource.type,
                id: result.id,
                inputs,
                properties: result.properties,
                ...(isWorkspaceLevel(resource.type) ? { workspaceId: caller.workspaceId } : {}),
            });
            const plain = unwrapSecrets(inputs) as WireObject;
            if (resource.type === catalogType && plain.isolationMode === "ISOLATED" && caller.workspaceId) {
                // "If the securable's isolation mode was set to ISOLATED using Pulumi then the securable will have
                // been automatically bound to the workspace it was created from" (databricks.WorkspaceBinding docs).
                data.catalogBindings[result.id] = [caller.workspaceId];
            }
            if (resource.type === bindingType && plain.securableType === "catalog") {
                const catalog = String(plain.securableName);
                const bound = data.catalogBindings[catalog] ?? [];
                data.catalogBindings[catalog] = [...new Set([...bound, String(plain.workspaceId)])];
            }
            return result;
        });
    }

    /**
     * What the service answers for a resource by id (an `import`, a refresh): its inputs and state, or nothing when
     * it does not exist (the engine then fails the import: "resource '<id>' does not exist"). Reading a catalog or
     * what it holds through an unbound workspace is refused like any other access.
     */
    read(caller: Caller, type: string, id: string): StoredResource | undefined {
        return this.store.update((data) => {
            const found = data.resources.find((resource) => sameScope(resource, type, id, caller));
            if (found !== undefined) {
                this.checkCatalogAccess(data, type === catalogType ? id : catalogOf(type, id, found.inputs), caller);
            }
            return found;
        });
    }

    update(caller: Caller, type: string, id: string, inputs: WireObject, properties: WireObject): void {
        this.store.update((data) => {
            const found = data.resources.find((resource) => sameScope(resource, type, id, caller));
            if (found === undefined) {
                throw new Error(`${type} '${id}' does not exist`);
            }
            this.checkCatalogAccess(data, catalogOf(type, id, found.inputs), caller);
            found.inputs = inputs;
            found.properties = properties;
        });
    }

    /** Deletes a resource, with what goes with it; deleting one that is already gone succeeds, as the providers do. */
    delete(caller: Caller, type: string, id: string): void {
        this.store.update((data) => {
            const found = data.resources.find((resource) => sameScope(resource, type, id, caller));
            if (found === undefined) {
                return;
            }
            const plain = unwrapSecrets(found.inputs) as WireObject;
            // The provider's catalog delete binds the calling workspace first (terraform-provider-databricks PR
            // #5581 names that as the catalog's existing fix), so only its contents are refused here.
            if (type !== catalogType) {
                this.checkCatalogAccess(data, catalogOf(type, id, found.inputs), caller);
            }
            if (type === catalogType) {
                const schemas = data.resources.filter(
                    (resource) =>
                        resource.type === schemaType &&
                        (unwrapSecrets(resource.inputs) as WireObject).catalogName === id,
                );
                // DROP CATALOG is RESTRICT by default: a catalog with schemas is refused unless CASCADE, which the
                // provider's force_destroy sends (Databricks SQL "DROP CATALOG"; databricks.Catalog forceDestroy).
                if (schemas.length > 0 && plain.forceDestroy !== true) {
                    throw new Error(
                        `Catalog '${id}' is not empty: it has ${schemas.length} schema(s); set force_destroy to delete it with its contents`,
                    );
                }
                data.resources = data.resources.filter(
                    (resource) => resource === found || catalogOf(resource.type, resource.id, resource.inputs) !== id,
                );
                delete data.catalogBindings[id];
            }
            if (type === bindingType && plain.securableType === "catalog") {
                // The provider's delete removes the workspace from the securable's bindings, whoever bound it.
                const catalog = String(plain.securableName);
                data.catalogBindings[catalog] = (data.catalogBindings[catalog] ?? []).filter(
                    (workspace) => workspace !== String(plain.workspaceId),
                );
            }
            data.resources = data.resources.filter((resource) => resource !== found);
            if (type === workspaceType) {
                removeWorkspaceObjects(data, found);
            }
            if (type === resourceGroupType) {
                // "Deleting a resource group deletes all of its resources" (Azure Resource Manager, "Delete resource
                // group and resources").
                const prefix = `${id.toLowerCase()}/`;
                const held = data.resources.filter(
                    (resource) =>
                        resource.type.startsWith("azure-native:") && resource.id.toLowerCase().startsWith(prefix),
                );
                data.resources = data.resources.filter((resource) => !held.includes(resource));
                for (const workspace of held.filter((resource) => resource.type === workspaceType)) {
                    removeWorkspaceObjects(data, workspace);
                }
            }
        });
    }

    /** Everything that exists, for reports and checks. */
    snapshot(): ServiceData {
        return this.store.read();
    }
}

/**
 * Deleting an Azure Databricks workspace deletes its workspace objects (jobs, notebooks, clusters, warehouses, secret
 * scopes, assignments) with it, while the Unity Catalog metastore and its objects are account-level and survive it
 * (Azure Databricks, "Delete a workspace": the metastore and the data in the managed storage are not deleted).
 */
function removeWorkspaceObjects(data: ServiceData, workspace: StoredResource): void {
    const workspaceId = String((unwrapSecrets(workspace.properties) as WireObject).workspaceId);
    data.resources = data.resources.filter(
        (resource) => !(isWorkspaceLevel(resource.type) && resource.workspaceId === workspaceId),
    );
}
