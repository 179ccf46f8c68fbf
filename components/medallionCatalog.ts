// MedallionCatalog: the stack's Unity Catalog catalog with bronze, silver and gold schemas and a checkpoint volume.
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import type { RunAsIdentity } from "./runAs";

export interface CatalogGrant {
    /** User, group or service principal the privileges go to. */
    principal: string;
    /** Unity Catalog privileges on the catalog, e.g. USE_CATALOG, USE_SCHEMA, SELECT. */
    privileges: string[];
}

/** What the run-as identity needs on each layer's schema: read, write and create its tables, nothing more. */
export const runAsSchemaPrivileges = ["USE_SCHEMA", "CREATE_TABLE", "MODIFY", "SELECT"];
/** What the run-as identity needs on the checkpoint volume. */
export const runAsVolumePrivileges = ["READ_VOLUME", "WRITE_VOLUME"];
/** What a reader group gets on the gold schema; on the catalog it gets USE_CATALOG only. */
export const readerGoldPrivileges = ["USE_SCHEMA", "SELECT"];
/** What the owner gets on each layer it reads: read, never write (the run-as identity alone writes). */
export const ownerReadPrivileges = ["USE_SCHEMA", "SELECT"];

export interface MedallionCatalogArgs {
    /** Catalog name, unique in the metastore. */
    catalogName: string;
    /**
     * Managed storage location, under an external location; a metastore created by automatic enablement has no
     * root storage, and `CREATE CATALOG` without one fails. Defaults to the metastore's root storage.
     */
    storageRoot?: pulumi.Input<string>;
    /** Let `pulumi destroy` drop the catalog and schemas with their tables and checkpoints. Defaults to false. */
    forceDestroy?: boolean;
    /**
     * Leave the catalog, schemas and checkpoint volume (with their tables) in the workspace when the stack is
     * destroyed, instead of deleting them. Defaults to false.
     */
    keepOnDestroy?: boolean;
    /**
     * Adopt the catalog, schemas and volume an earlier deployment kept (`import` by name) instead of creating them.
     * Defaults to false.
     */
    adoptExisting?: boolean;
    /** The identity the job runs as; it gets exactly what the pipeline needs on the catalog, schemas and volume. */
    runAs: RunAsIdentity;
    /** Account-level groups that read gold: USE_CATALOG on the catalog, USE_SCHEMA and SELECT on gold. Defaults to none. */
    readerGroups?: pulumi.Input<string>[];
    /** Further catalog-level grants, for exceptions the policy pack must allow. Defaults to none. */
    grants?: CatalogGrant[];
    /**
     * Workspace the catalog is bound to: isolated, so that no other workspace of the metastore (another stack's) can
     * read or write it. Defaults to none: the catalog is open to every workspace of the metastore.
     */
    workspaceId?: pulumi.Input<string>;
    /** Owner, recorded as a catalog property. Defaults to none. */
    owner?: string;
    /**
     * Layers the owner reads (USE_SCHEMA and SELECT, with USE_CATALOG on the catalog), e.g. silver and gold for the
     * owners' dashboard, whose queries run with the viewer's own grants. Needs `owner`. Defaults to none.
     */
    ownerReads?: MedallionLayer[];
}

/**
 * Grants with one entry per principal: Databricks keeps one privilege set per principal and securable, so two
 * entries for the same principal would fight each other on every deploy.
 */
export function mergeGrants(grants: CatalogGrant[]): CatalogGrant[] {
    const merged = new Map<string, CatalogGrant>();
    for (const grant of grants) {
        const key = grant.principal.toLowerCase();
        const existing = merged.get(key);
        merged.set(key, {
            principal: existing?.principal ?? grant.principal,
            privileges: [...new Set([...(existing?.privileges ?? []), ...grant.privileges])],
        });
    }
    return [...merged.values()];
}

/** The medallion layers, in the order data flows through them. */
export const medallionLayers = ["bronze", "silver", "gold"] as const;
export type MedallionLayer = (typeof medallionLayers)[number];

export class MedallionCatalog extends pulumi.ComponentResource {
    /** Name of the catalog. */
    public readonly catalogName: pulumi.Output<string>;
    /** Schema name of each layer. */
    public readonly schemaNames: Record<MedallionLayer, pulumi.Output<string>>;
    /** `/Volumes/<catalog>/<schema>/<volume>` path the streams keep their checkpoints under. */
    public readonly checkpointVolumePath: pulumi.Output<string>;

    constructor(name: string, args: MedallionCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:catalog:MedallionCatalog", name, {}, opts);

        const ownerReads = args.ownerReads ?? [];
        if (ownerReads.length > 0 && (args.owner === undefined || args.owner.trim() === "")) {
            throw new pulumi.ResourceError(`ownerReads (${ownerReads.join(", ")}) needs an owner to grant to`, this);
        }
        const forceDestroy = args.forceDestroy ?? false;
        if (forceDestroy && args.keepOnDestroy) {
            throw new pulumi.ResourceError("forceDestroy and keepOnDestroy contradict each other: choose one", this);
        }
        // ISOLATED: only the workspaces bound to the catalog can reach it and what it holds (Databricks, "Limit
        // catalog access to specific workspaces"). The provider binds the catalog to the workspace that creates it;
        // the binding below records that in the state, and it is the one thing every other piece of the catalog
        // needs: each depends on it, so that `destroy` deletes it last (with the binding gone first, the schema,
        // volume and grant deletes fail "not accessible in current workspace": terraform-provider-databricks #5300).
        // Its name and inputs are those of earlier versions, so an update of a deployed stack keeps it in place.
        const isolated = args.workspaceId !== undefined;
        const adopting = args.adoptExisting === true;
        let binding: databricks.WorkspaceBinding | undefined;
        const bindingArgs = (securableName: pulumi.Input<string>): databricks.WorkspaceBindingArgs => ({
            securableName,
            securableType: "catalog",
            workspaceId: args.workspaceId as pulumi.Input<string>,
            bindingType: "BINDING_TYPE_READ_WRITE",
        });
        if (isolated && adopting) {
            // A kept catalog is bound to the destroyed workspace only, so the new one cannot read it: the binding
            // comes first, from plain names (the catalog's name, the new workspace's id), and every import waits
            // for it. Binding is a metastore-level call any attached workspace may make as the catalog's owner.
            binding = new databricks.WorkspaceBinding(`${name}-binding`, bindingArgs(args.catalogName), {
                parent: this,
            });
        }
        // Copied into each resource's options when it is declared: the catalog itself never waits for its own binding.
        const afterBinding: pulumi.Resource[] = binding !== undefined ? [binding] : [];
        // Kept data leaves Pulumi's state on destroy but stays in Unity Catalog, checkpoints included; a later
        // deployment adopts it by the ids the Databricks provider uses: the full name.
        const dataOptions = (fullName: string): pulumi.CustomResourceOptions => ({
            parent: this,
            retainOnDelete: args.keepOnDestroy ?? false,
            ...(adopting ? { import: fullName } : {}),
            dependsOn: [...afterBinding],
        });
        const catalog = new databricks.Catalog(
            `${name}-catalog`,
            {
                name: args.catalogName,
                storageRoot: args.storageRoot,
                forceDestroy,
                comment: "Weather events landed by the lakestream medallion job",
                properties: args.owner !== undefined ? { owner: args.owner } : undefined,
                isolationMode: isolated ? "ISOLATED" : undefined,
            },
            dataOptions(args.catalogName),
        );
        if (isolated && !adopting) {
            // A new catalog is created first (the binding needs it to exist); its contents then wait for the binding.
            binding = new databricks.WorkspaceBinding(`${name}-binding`, bindingArgs(catalog.name), { parent: this });
            afterBinding.push(binding);
        }

        const schemas = Object.fromEntries(
            medallionLayers.map((layer) => [
                layer,
                new databricks.Schema(
                    `${name}-${layer}`,
                    { catalogName: catalog.name, name: layer, forceDestroy, comment: `${layer} layer` },
                    dataOptions(`${args.catalogName}.${layer}`),
                ),
            ]),
        ) as Record<MedallionLayer, databricks.Schema>;

        // Checkpoints sit next to the raw data they track; a managed volume disappears with its schema.
        const volume = new databricks.Volume(
            `${name}-checkpoints`,
            {
                catalogName: catalog.name,
                schemaName: schemas.bronze.name,
                name: "checkpoints",
                volumeType: "MANAGED",
                comment: "Structured Streaming checkpoints of the medallion job",
            },
            dataOptions(`${args.catalogName}.bronze.checkpoints`),
        );

        // One authoritative Grants per securable: whatever else was granted there by hand is revoked on deploy.
        const runAs = args.runAs.name;
        const readers = pulumi.all(args.readerGroups ?? []);
        const extra = args.grants ?? [];
        const ownerGrants = (privileges: string[]): CatalogGrant[] =>
            ownerReads.length > 0 && args.owner !== undefined ? [{ principal: args.owner, privileges }] : [];
        new databricks.Grants(
            `${name}-catalog-grants`,
            {
                catalog: catalog.name,
                grants: pulumi
                    .all([runAs, readers])
                    .apply(([principal, groups]) =>
                        mergeGrants([
                            { principal, privileges: ["USE_CATALOG"] },
                            ...groups.map((group) => ({ principal: group, privileges: ["USE_CATALOG"] })),
                            ...ownerGrants(["USE_CATALOG"]),
                            ...extra,
                        ]),
                    ),
            },
            { parent: this, dependsOn: [...afterBinding] },
        );
        for (const layer of medallionLayers) {
            new databricks.Grants(
                `${name}-${layer}-grants`,
                {
                    schema: schemas[layer].id,
                    grants: pulumi.all([runAs, readers]).apply(([principal, groups]) =>
                        mergeGrants([
                            { principal, privileges: runAsSchemaPrivileges },
                            // Bronze holds raw bodies and silver the quarantine: readers see gold only.
                            ...(layer === "gold"
                                ? groups.map((group) => ({ principal: group, privileges: readerGoldPrivileges }))
                                : []),
                            ...(ownerReads.includes(layer) ? ownerGrants(ownerReadPrivileges) : []),
                        ]),
                    ),
                },
                { parent: this, dependsOn: [...afterBinding] },
            );
        }
        new databricks.Grants(
            `${name}-checkpoints-grants`,
            {
                volume: volume.id,
                grants: runAs.apply((principal) => [{ principal, privileges: runAsVolumePrivileges }]),
            },
            { parent: this, dependsOn: [...afterBinding] },
        );

        this.catalogName = catalog.name;
        this.schemaNames = {
            bronze: schemas.bronze.name,
            silver: schemas.silver.name,
            gold: schemas.gold.name,
        };
        this.checkpointVolumePath = pulumi.interpolate`/Volumes/${catalog.name}/${volume.schemaName}/${volume.name}`;
        this.registerOutputs({
            catalogName: this.catalogName,
            schemaNames: this.schemaNames,
            checkpointVolumePath: this.checkpointVolumePath,
        });
    }
}
