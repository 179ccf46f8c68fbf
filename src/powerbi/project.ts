// The files of a Power BI Project (PBIP) over a stack's gold table: a DirectQuery semantic model in TMDL and a report.
//
// Written from Microsoft's "Power BI Desktop projects", "Power BI Desktop project semantic model folder", "Power BI
// Desktop project report folder", "TMDL overview" and "PBIR format" pages; the JSON shapes follow the schemas their
// `$schema` names (published at developer.microsoft.com/json-schemas/fabric/...), read for this, not copied.
import { createHash } from "node:crypto";
import { tmdlName } from "./tmdl";

/** Where Power BI finds gold: the stack's `powerBi` output, each value real or a placeholder named as such. */
export interface GoldConnection {
    host: string;
    httpPath: string;
    catalog: string;
    schema: string;
    table: string;
}

export interface ProjectOptions {
    /** Name of the project: `<name>.pbip`, `<name>.SemanticModel`, `<name>.Report`. */
    name: string;
    connection: GoldConnection;
    /** Minutes between automatic page refreshes of the report page. */
    refreshMinutes: number;
}

/** A generated file: its path inside the project folder (with `/`) and its text. */
export interface ProjectFile {
    path: string;
    text: string;
}

/** Gold's columns as notebooks/medallion/schema.py GOLD_SCHEMA defines them, with their Spark types. */
export const goldColumns = [
    { name: "location", spark: "string" },
    { name: "start", spark: "timestamp" },
    { name: "end", spark: "timestamp" },
    { name: "temperature", spark: "double" },
    { name: "humidity", spark: "double" },
    { name: "wind_speed", spark: "double" },
    { name: "precipitation", spark: "double" },
    { name: "conditions", spark: "string" },
    { name: "wind_direction", spark: "string" },
    { name: "events", spark: "bigint" },
] as const;

/** TMDL data types for the Spark types gold uses (the tabular model's string, dateTime, double, int64). */
export const tmdlDataTypes: Record<string, string> = {
    string: "string",
    timestamp: "dateTime",
    double: "double",
    bigint: "int64",
};

/** The `$schema` of each JSON file we write, with the version we write it for. */
export const schemaUrls = {
    pbip: "https://developer.microsoft.com/json-schemas/fabric/pbip/pbipProperties/1.0.0/schema.json",
    pbism: "https://developer.microsoft.com/json-schemas/fabric/item/semanticModel/definitionProperties/1.0.0/schema.json",
    pbir: "https://developer.microsoft.com/json-schemas/fabric/item/report/definitionProperties/2.0.0/schema.json",
    version:
        "https://developer.microsoft.com/json-schemas/fabric/item/report/definition/versionMetadata/1.0.0/schema.json",
    report: "https://developer.microsoft.com/json-schemas/fabric/item/report/definition/report/3.0.0/schema.json",
    pages: "https://developer.microsoft.com/json-schemas/fabric/item/report/definition/pagesMetadata/1.0.0/schema.json",
    page: "https://developer.microsoft.com/json-schemas/fabric/item/report/definition/page/2.0.0/schema.json",
    visual: "https://developer.microsoft.com/json-schemas/fabric/item/report/definition/visualContainer/2.0.0/schema.json",
} as const;

/** The M parameters the partition reads, so an analyst can point the model elsewhere in Desktop without editing M. */
const parameters = [
    { name: "DatabricksHost", key: "host" },
    { name: "DatabricksHttpPath", key: "httpPath" },
    { name: "GoldCatalog", key: "catalog" },
    { name: "GoldSchema", key: "schema" },
] as const;

/** Measures of the model: name, DAX and format string. */
export function measures(table: string): { name: string; dax: string; format: string }[] {
    const t = tmdlName(table);
    // Gold holds one row per location and 5-minute window with the window's averages and its event count, so an
    // average over many windows weighs each window by its events (a plain AVERAGE would count a quiet window as much
    // as a busy one). Windows where the field is blank (no event carried it) are left out of both sums. The extremes
    // are of the 5-minute averages: gold keeps no single readings.
    const weighted = (column: string) =>
        `DIVIDE(SUMX(FILTER(${t}, NOT ISBLANK(${t}[${column}])), ${t}[${column}] * ${t}[events]), ` +
        `SUMX(FILTER(${t}, NOT ISBLANK(${t}[${column}])), ${t}[events]))`;
    // The newest window in the current filter (per location in a table by location), and a value in that window.
    const inNewest = (expression: string) =>
        `VAR newest = MAX(${t}[start]) RETURN CALCULATE(${expression}, ${t}[start] = newest)`;
    return [
        { name: "Events", dax: `SUM(${t}[events])`, format: "#,0" },
        { name: "Average temperature", dax: weighted("temperature"), format: "0.0" },
        { name: "Lowest 5-min temperature", dax: `MIN(${t}[temperature])`, format: "0.0" },
        { name: "Highest 5-min temperature", dax: `MAX(${t}[temperature])`, format: "0.0" },
        { name: "Average humidity", dax: weighted("humidity"), format: "0.0" },
        { name: "Lowest 5-min humidity", dax: `MIN(${t}[humidity])`, format: "0.0" },
        { name: "Highest 5-min humidity", dax: `MAX(${t}[humidity])`, format: "0.0" },
        { name: "Newest window start", dax: `MAX(${t}[start])`, format: "yyyy-mm-dd hh:nn" },
        { name: "Temperature in newest window", dax: inNewest(`MAX(${t}[temperature])`), format: "0.0" },
        { name: "Humidity in newest window", dax: inNewest(`MAX(${t}[humidity])`), format: "0.0" },
        { name: "Events in newest window", dax: inNewest(`SUM(${t}[events])`), format: "#,0" },
    ];
}

/** A stable UUID-shaped tag from `seed`: the same project regenerates byte for byte, so a diff shows real changes. */
function lineageTag(seed: string): string {
    const hex = createHash("sha256").update(seed).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An M text literal: double quotes, with `""` for a quote. */
function mText(value: string): string {
    return `"${value.replace(/"/g, '""')}"`;
}

function json(value: unknown): string {
    return `${JSON.stringify(value, null, 2)}\n`;
}

function databaseTmdl(name: string): string {
    // 1567 is the compatibility level Power BI Desktop writes for new models with TMDL.
    return `database ${tmdlName(name)}\n\tcompatibilityLevel: 1567\n`;
}

function modelTmdl(table: string): string {
    return [
        "model Model",
        "\tculture: en-US",
        "\tdefaultPowerBIDataSourceVersion: powerBI_V3",
        "\tsourceQueryCulture: en-US",
        // DirectQuery: every visual is a query on the warehouse, so only the measures below should aggregate.
        "\tdiscourageImplicitMeasures: true",
        "",
        `ref table ${tmdlName(table)}`,
        "",
    ].join("\n");
}

function expressionsTmdl(connection: GoldConnection, project: string): string {
    return parameters
        .map(
            ({ name, key }) =>
                `expression ${name} = ${mText(connection[key])} meta [IsParameterQuery=true, Type="Text", IsParameterQueryRequired=true]\n` +
                `\tlineageTag: ${lineageTag(`${project}/expression/${name}`)}\n`,
        )
        .join("\n");
}

function tableTmdl(connection: GoldConnection, project: string): string {
    const table = connection.table;
    const lines = [`table ${tmdlName(table)}`, `\tlineageTag: ${lineageTag(`${project}/table/${table}`)}`, ""];
    for (const measure of measures(table)) {
        lines.push(
            `\tmeasure ${tmdlName(measure.name)} = ${measure.dax}`,
            `\t\tformatString: ${measure.format}`,
            `\t\tlineageTag: ${lineageTag(`${project}/measure/${measure.name}`)}`,
            "",
        );
    }
    for (const column of goldColumns) {
        const dataType = tmdlDataTypes[column.spark];
        lines.push(`\tcolumn ${tmdlName(column.name)}`, `\t\tdataType: ${dataType}`);
        if (dataType === "dateTime") {
            lines.push("\t\tformatString: General Date");
        }
        lines.push(
            `\t\tlineageTag: ${lineageTag(`${project}/column/${column.name}`)}`,
            // Sums of averages mean nothing; only the measures aggregate.
            "\t\tsummarizeBy: none",
            `\t\tsourceColumn: ${column.name}`,
            "",
        );
    }
    // The Databricks connector's navigation: catalog (Kind "Database"), schema, table, as Microsoft's Databricks
    // connector page shows it; Catalog and Database are left null so the navigation, not a default, picks them.
    lines.push(
        `\tpartition ${tmdlName(table)} = m`,
        "\t\tmode: directQuery",
        "\t\tsource =",
        "\t\t\t\tlet",
        "\t\t\t\t    Source = Databricks.Catalogs(DatabricksHost, DatabricksHttpPath, [Catalog = null, Database = null, EnableAutomaticProxyDiscovery = null]),",
        '\t\t\t\t    CatalogData = Source{[Name = GoldCatalog, Kind = "Database"]}[Data],',
        '\t\t\t\t    SchemaData = CatalogData{[Name = GoldSchema, Kind = "Schema"]}[Data],',
        `\t\t\t\t    Gold = SchemaData{[Name = ${mText(table)}, Kind = "Table"]}[Data]`,
        "\t\t\t\tin",
        "\t\t\t\t    Gold",
        "",
    );
    return lines.join("\n");
}

type Field = { Column: FieldRef } | { Measure: FieldRef };
interface FieldRef {
    Expression: { SourceRef: { Entity: string } };
    Property: string;
}

function column(table: string, name: string): Field {
    return { Column: { Expression: { SourceRef: { Entity: table } }, Property: name } };
}

function measure(table: string, name: string): Field {
    return { Measure: { Expression: { SourceRef: { Entity: table } }, Property: name } };
}

function projection(table: string, field: Field) {
    const property = "Column" in field ? field.Column.Property : field.Measure.Property;
    return { field, queryRef: `${table}.${property}`, nativeQueryRef: property };
}

interface VisualSpec {
    name: string;
    title: string;
    visualType: "tableEx" | "clusteredBarChart" | "lineChart";
    position: { x: number; y: number; width: number; height: number };
    roles: Record<string, Field[]>;
}

/** The readers' views, as the issue names them: newest window per location, average per location, events per window. */
function visuals(table: string): VisualSpec[] {
    return [
        {
            name: "newestWindowPerLocation",
            title: "Newest window per location",
            visualType: "tableEx",
            position: { x: 20, y: 20, width: 1240, height: 220 },
            roles: {
                Values: [
                    column(table, "location"),
                    measure(table, "Newest window start"),
                    measure(table, "Temperature in newest window"),
                    measure(table, "Humidity in newest window"),
                    measure(table, "Events in newest window"),
                ],
            },
        },
        {
            name: "averageTemperaturePerLocation",
            title: "Average temperature per location",
            visualType: "clusteredBarChart",
            position: { x: 20, y: 260, width: 610, height: 440 },
            roles: { Category: [column(table, "location")], Y: [measure(table, "Average temperature")] },
        },
        {
            name: "eventsPerWindow",
            title: "Events per window",
            visualType: "lineChart",
            position: { x: 650, y: 260, width: 610, height: 440 },
            roles: { Category: [column(table, "start")], Y: [measure(table, "Events")] },
        },
    ];
}

function literal(value: string) {
    return { expr: { Literal: { Value: value } } };
}

function visualJson(spec: VisualSpec, table: string, z: number): unknown {
    return {
        $schema: schemaUrls.visual,
        name: spec.name,
        position: { ...spec.position, z, tabOrder: z },
        visual: {
            visualType: spec.visualType,
            query: {
                queryState: Object.fromEntries(
                    Object.entries(spec.roles).map(([role, fields]) => [
                        role,
                        { projections: fields.map((field) => projection(table, field)) },
                    ]),
                ),
            },
            visualContainerObjects: {
                title: [{ properties: { show: literal("true"), text: literal(`'${spec.title}'`) } }],
            },
            drillFilterOtherVisuals: true,
        },
    };
}

/** The page's name in the report (a folder name too): letters and digits only, as Desktop's generated names are. */
export const pageName = "readersView";

/** Every file of the project, paths relative to the project folder. */
export function buildProject(options: ProjectOptions): ProjectFile[] {
    const { name, connection, refreshMinutes } = options;
    const model = `${name}.SemanticModel`;
    const report = `${name}.Report`;
    const table = connection.table;
    const files: ProjectFile[] = [
        {
            path: `${name}.pbip`,
            text: json({
                $schema: schemaUrls.pbip,
                version: "1.0",
                artifacts: [{ report: { path: report } }],
                settings: { enableAutoRecovery: true },
            }),
        },
        // Desktop's own .gitignore for a project: the per-user settings and the local data cache stay out of git.
        { path: ".gitignore", text: "**/.pbi/localSettings.json\n**/.pbi/cache.abf\n" },
        // version 4.2: the model is in TMDL under definition/ (4.0 and earlier mean model.bim).
        { path: `${model}/definition.pbism`, text: json({ $schema: schemaUrls.pbism, version: "4.2", settings: {} }) },
        { path: `${model}/definition/database.tmdl`, text: databaseTmdl(name) },
        { path: `${model}/definition/model.tmdl`, text: modelTmdl(table) },
        { path: `${model}/definition/expressions.tmdl`, text: expressionsTmdl(connection, name) },
        { path: `${model}/definition/tables/${table}.tmdl`, text: tableTmdl(connection, name) },
        // version 4.0: the report is in PBIR under definition/; byPath binds it to the model beside it.
        {
            path: `${report}/definition.pbir`,
            text: json({
                $schema: schemaUrls.pbir,
                version: "4.0",
                datasetReference: { byPath: { path: `../${model}` } },
            }),
        },
        { path: `${report}/definition/version.json`, text: json({ $schema: schemaUrls.version, version: "2.0.0" }) },
        // No base theme: naming one would need its file under StaticResources, which only Desktop ships.
        { path: `${report}/definition/report.json`, text: json({ $schema: schemaUrls.report, themeCollection: {} }) },
        {
            path: `${report}/definition/pages/pages.json`,
            text: json({ $schema: schemaUrls.pages, pageOrder: [pageName], activePageName: pageName }),
        },
        {
            path: `${report}/definition/pages/${pageName}/page.json`,
            text: json({
                $schema: schemaUrls.page,
                name: pageName,
                displayName: "Gold: readers' view",
                displayOption: "FitToPage",
                height: 720,
                width: 1280,
                objects: {
                    // Automatic page refresh at a fixed interval; docs/powerbi.md says what each capacity allows.
                    pageRefresh: [
                        {
                            properties: {
                                show: literal("true"),
                                refreshType: literal("'fixed'"),
                                duration: literal(`${refreshMinutes * 60}L`),
                            },
                        },
                    ],
                },
            }),
        },
    ];
    visuals(table).forEach((spec, index) => {
        files.push({
            path: `${report}/definition/pages/${pageName}/visuals/${spec.name}/visual.json`,
            text: json(visualJson(spec, table, index)),
        });
    });
    return files;
}
