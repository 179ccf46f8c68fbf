// PowerBiConnection: what Power BI Desktop needs to reach the gold table in DirectQuery mode, as a .pbids document.
import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/databricks";

export interface PowerBiConnectionArgs {
    /** Workspace host name without scheme. */
    workspaceHost: pulumi.Input<string>;
    /** Numeric workspace id, part of a cluster's HTTP path. */
    workspaceId: pulumi.Input<string>;
    /** Cluster Power BI queries when there is no SQL warehouse; one of the two is required. Defaults to none. */
    clusterId?: pulumi.Input<string>;
    /** Catalog holding the gold schema. */
    catalogName: pulumi.Input<string>;
    /** Schema of the gold table. */
    goldSchema: pulumi.Input<string>;
    /** Table the report reads. Defaults to "weather_summary". */
    goldTable?: string;
    /** A serverless SQL warehouse for DirectQuery, instead of the streaming cluster. Defaults to none. */
    sqlWarehouse?: {
        /** Warehouse size. Defaults to "2X-Small". */
        clusterSize?: string;
        /** Idle minutes before the warehouse stops. Defaults to 10. */
        autoStopMinutes?: number;
        /** Tags of the warehouse. Defaults to none. */
        tags?: Record<string, string>;
    };
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
    /** HTTP path of the warehouse or cluster. */
    public readonly httpPath: pulumi.Output<string>;
    /** Catalog the report reads. */
    public readonly catalog: pulumi.Output<string>;
    /** Schema the report reads. */
    public readonly schema: pulumi.Output<string>;
    /** Table the report reads. */
    public readonly table: pulumi.Output<string>;
    /** The .pbids document as JSON text. */
    public readonly pbids: pulumi.Output<string>;
    /** Id of the SQL warehouse, when there is one. */
    public readonly sqlWarehouseId: pulumi.Output<string | undefined>;

    constructor(name: string, args: PowerBiConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:reporting:PowerBiConnection", name, {}, opts);

        let httpPath: pulumi.Output<string>;
        if (args.sqlWarehouse !== undefined) {
            const warehouse = new databricks.SqlEndpoint(
                `${name}-warehouse`,
                {
                    name,
                    clusterSize: args.sqlWarehouse.clusterSize ?? "2X-Small",
                    // A stopped serverless warehouse starts in seconds; DirectQuery against a stopped cluster waits minutes.
                    autoStopMins: args.sqlWarehouse.autoStopMinutes ?? 10,
                    enableServerlessCompute: true,
                    warehouseType: "PRO",
                    minNumClusters: 1,
                    maxNumClusters: 1,
                    tags: {
                        customTags: Object.entries(args.sqlWarehouse.tags ?? {}).map(([key, value]) => ({
                            key,
                            value,
                        })),
                    },
                },
                { parent: this },
            );
            httpPath = pulumi.interpolate`/sql/1.0/warehouses/${warehouse.id}`;
            this.sqlWarehouseId = warehouse.id;
        } else {
            if (args.clusterId === undefined) {
                throw new pulumi.ResourceError(
                    "Power BI needs a SQL warehouse or a cluster to query (got neither)",
                    this,
                );
            }
            httpPath = pulumi.interpolate`sql/protocolv1/o/${args.workspaceId}/${args.clusterId}`;
            this.sqlWarehouseId = pulumi.output(undefined);
        }

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
            sqlWarehouseId: this.sqlWarehouseId,
        });
    }
}
