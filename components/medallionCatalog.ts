// MedallionCatalog: the stack's Unity Catalog catalog with bronze, silver and gold schemas and a checkpoint volume.
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";

export interface CatalogGrant {
    /** User, group or service principal the privileges go to. */
    principal: string;
    /** Unity Catalog privileges on the catalog, e.g. USE_CATALOG, USE_SCHEMA, SELECT. */
    privileges: string[];
}

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
    /** Privileges to grant on the catalog. Defaults to none. */
    grants?: CatalogGrant[];
    /** Owner, recorded as a catalog property. Defaults to none. */
    owner?: string;
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

        const forceDestroy = args.forceDestroy ?? false;
        if (forceDestroy && args.keepOnDestroy) {
            throw new pulumi.ResourceError("forceDestroy and keepOnDestroy contradict each other: choose one", this);
        }
        // Kept data leaves Pulumi's state on destroy but stays in Unity Catalog, checkpoints included; a later
        // deployment adopts it by the ids the Databricks provider uses: the full name.
        const dataOptions = (fullName: string): pulumi.CustomResourceOptions => ({
            parent: this,
            retainOnDelete: args.keepOnDestroy ?? false,
            ...(args.adoptExisting === true ? { import: fullName } : {}),
        });
        const catalog = new databricks.Catalog(
            `${name}-catalog`,
            {
                name: args.catalogName,
                storageRoot: args.storageRoot,
                forceDestroy,
                comment: "Weather events landed by the lakestream medallion job",
                properties: args.owner !== undefined ? { owner: args.owner } : undefined,
            },
            dataOptions(args.catalogName),
        );

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

        const grants = args.grants ?? [];
        if (grants.length > 0) {
            new databricks.Grants(
                `${name}-grants`,
                {
                    catalog: catalog.name,
                    grants: grants.map((g) => ({ principal: g.principal, privileges: g.privileges })),
                },
                { parent: this },
            );
        }

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
