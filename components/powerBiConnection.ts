// PowerBiConnection: the serverless SQL warehouse Power BI queries gold through, and the .pbids document pointing at it.
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";
import { namedPrincipalEntry } from "./runAs";

/** The warehouse a stack gets when it says nothing; the stack config takes its defaults from here. */
export const warehouseDefaults = { clusterSize: "2X-Small", autoStopMinutes: 10 } as const;

export interface PowerBiConnectionArgs {
    /** Workspace host name without scheme. */
    workspaceHost: pulumi.Input<string>;
    /** Catalog holding the gold schema. */
    catalogName: pulumi.Input<string>;
    /** Schema of the gold table. */
    goldSchema: pulumi.Input<string>;
    /** Table the report reads. Defaults to "weather_summary". */
    goldTable?: string;
    /** Groups that may query the warehouse (CAN_USE); their data access is Unity Catalog's. Defaults to none. */
    readerGroups?: pulumi.Input<string>[];
    /**
     * `lakestream:owner`, a user (an e-mail address) or a group: manages the warehouse (CAN_MANAGE, which includes
     * using it). Defaults to none.
     */
    owner?: string;
    /** Size of the serverless PRO warehouse. Defaults to "2X-Small". */
    clusterSize?: string;
    /** Idle minutes before the warehouse stops: 0 (never) or at least 10, as the API allows. Defaults to 10. */
    autoStopMinutes?: number;
    /** Tags of the warehouse. Defaults to none. */
    tags?: Record<string, string>;
}

/** The Power BI data source document (.pbids) for a Databricks SQL connection; it never holds credentials. */
export function pbidsDocument(host: string, httpPath: string, catalog: string, schema: string): string {
    return JSON.stringify(
        {
            version: "0.1",
            connections: [
                {
                    details: { protocol: "databricks-sql", address: { host, path: httpPath } },
                    options: { Catalog: catalog, Database: schema },
                    mode: "DirectQuery",
                },
            ],
        },
        null,
        2,
    );
}

export class PowerBiConnection extends pulumi.ComponentResource {
    /** Server hostname for the Databricks connector. */
    public readonly host: pulumi.Output<string>;
    /** HTTP path of the warehouse. */
    public readonly httpPath: pulumi.Output<string>;
    /** Catalog the report reads. */
    public readonly catalog: pulumi.Output<string>;
    /** Schema the report reads. */
    public readonly schema: pulumi.Output<string>;
    /** Table the report reads. */
    public readonly table: pulumi.Output<string>;
    /** The .pbids document as JSON text. */
    public readonly pbids: pulumi.Output<string>;
    /** Id of the SQL warehouse. */
    public readonly sqlWarehouseId: pulumi.Output<string>;

    constructor(name: string, args: PowerBiConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:reporting:PowerBiConnection", name, {}, opts);

        const autoStopMinutes = args.autoStopMinutes ?? warehouseDefaults.autoStopMinutes;
        if (
            !Number.isInteger(autoStopMinutes) ||
            autoStopMinutes < 0 ||
            (autoStopMinutes > 0 && autoStopMinutes < 10)
        ) {
            throw new pulumi.ResourceError(
                `autoStopMinutes must be 0 (never stop) or at least 10, as the SQL warehouses API requires (got ${autoStopMinutes})`,
                this,
            );
        }
        // Power BI never queries the streaming compute: it is dedicated to the run-as identity, so no reader could
        // use it, and DirectQuery against it would keep it (or start it) for every visual. A serverless warehouse
        // starts in seconds and stops by itself.
        const warehouse = new databricks.SqlEndpoint(
            `${name}-warehouse`,
            {
                name,
                clusterSize: args.clusterSize ?? warehouseDefaults.clusterSize,
                autoStopMins: autoStopMinutes,
                enableServerlessCompute: true,
                warehouseType: "PRO",
                minNumClusters: 1,
                maxNumClusters: 1,
                tags: {
                    customTags: Object.entries(args.tags ?? {}).map(([key, value]) => ({ key, value })),
                },
            },
            { parent: this },
        );
        const readers = args.readerGroups ?? [];
        // The owner gets CAN_MANAGE rather than CAN_USE: the owner may be the deployer, and the provider refuses to
        // set the calling user to a level it could not set for itself (CAN_USE on a warehouse; CAN_MANAGE and
        // IS_OWNER it can: terraform-provider-databricks, permissions resource, "it is not possible to decrease
        // administrative permissions for the current user").
        const owner = args.owner !== undefined && args.owner.trim() !== "" ? args.owner : undefined;
        if (readers.length > 0 || owner !== undefined) {
            new databricks.Permissions(
                `${name}-warehouse-permissions`,
                {
                    sqlEndpointId: warehouse.id,
                    accessControls: pulumi
                        .all(readers)
                        .apply((groups) => [
                            ...groups
                                .filter((group) => group !== owner)
                                .map((groupName) => ({ groupName, permissionLevel: "CAN_USE" })),
                            ...(owner !== undefined ? [namedPrincipalEntry(owner, "CAN_MANAGE")] : []),
                        ]),
                },
                { parent: this },
            );
        }
        const httpPath = pulumi.interpolate`/sql/1.0/warehouses/${warehouse.id}`;
        this.sqlWarehouseId = warehouse.id;

        this.host = pulumi.output(args.workspaceHost);
        this.httpPath = httpPath;
        this.catalog = pulumi.output(args.catalogName);
        this.schema = pulumi.output(args.goldSchema);
        this.table = pulumi.output(args.goldTable ?? "weather_summary");
        this.pbids = pulumi
            .all([this.host, this.httpPath, this.catalog, this.schema])
            .apply(([host, path, catalog, schema]) => pbidsDocument(host, path, catalog, schema));
        this.registerOutputs({
            host: this.host,
            httpPath: this.httpPath,
            catalog: this.catalog,
            schema: this.schema,
            table: this.table,
            pbids: this.pbids,
            ...(this.sqlWarehouseId !== undefined ? { sqlWarehouseId: this.sqlWarehouseId } : {}),
        });
    }
}
