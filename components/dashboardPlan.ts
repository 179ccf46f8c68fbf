// The AI/BI dashboards as data: every dataset query (one place), the widgets over them, and their serialized form.

/** The fully qualified tables the dashboards read; the stack's catalog and schemas, or local Spark's in a test. */
export interface DashboardTables {
    /** `catalog.gold.weather_summary`: five-minute windows per location. */
    gold: string;
    /** `catalog.silver.weather`: valid events. */
    silver: string;
    /** `catalog.silver.weather_quarantine`: events that broke a rule, with the reason. */
    quarantine: string;
}

/** Which dashboard: the readers' one reads gold only; the owners' one adds silver and the quarantine. */
export type DashboardKind = "readers" | "owners";
export const dashboardKinds: readonly DashboardKind[] = ["readers", "owners"];

/** Backtick-quotes each part of a dotted name, as Databricks SQL and Spark SQL both quote identifiers. */
export function quotedName(parts: readonly string[]): string {
    for (const part of parts) {
        if (part === "" || part.includes("`")) {
            throw new Error(`"${part}" cannot be a table name part of a dashboard query (empty or with a backtick)`);
        }
    }
    return parts.map((part) => `\`${part}\``).join(".");
}

/** The tables of a stack: the catalog and its silver and gold schemas, with the pipeline's table names. */
export function dashboardTables(catalog: string, schemas: { silver: string; gold: string }): DashboardTables {
    return {
        gold: quotedName([catalog, schemas.gold, "weather_summary"]),
        silver: quotedName([catalog, schemas.silver, "weather"]),
        quarantine: quotedName([catalog, schemas.silver, "weather_quarantine"]),
    };
}

/** One dataset: a query whose result columns the widgets name. */
export interface DashboardDataset {
    name: string;
    displayName: string;
    /** The result columns, in order; the widgets read these and nothing else. */
    columns: readonly string[];
    sql: (tables: DashboardTables) => string;
}

/*
 * The queries keep to SQL that Databricks SQL and Spark SQL 3.5 both run the same way (docs/dashboards.md lists the
 * constructs): no now() or current_timestamp() (a dashboard's numbers must follow from the data alone), no QUALIFY,
 * no named parameters, no `:` JSON paths. `start` and `end` are quoted: `end` is a reserved word in both.
 */
export const datasets: Record<string, DashboardDataset> = {
    newest_window: {
        name: "newest_window",
        displayName: "Newest window per location",
        columns: ["location", "window_start", "window_end", "temperature", "humidity", "events"],
        sql: ({ gold }) =>
            [
                "WITH newest AS (",
                `  SELECT location, MAX(\`start\`) AS newest_start FROM ${gold} GROUP BY location`,
                ")",
                "SELECT g.location, g.`start` AS window_start, g.`end` AS window_end, g.temperature, g.humidity, g.events",
                `FROM ${gold} AS g`,
                "JOIN newest AS n ON g.location = n.location AND g.`start` = n.newest_start",
                "ORDER BY g.location",
            ].join("\n"),
    },
    temperature_24h: {
        name: "temperature_24h",
        displayName: "Average temperature per location, 24 h up to the newest window",
        columns: ["location", "average_temperature", "events"],
        // Weighted by each window's events, so it is the average over events, not over windows; the 24 hours end
        // with the newest window in the data, never with the clock.
        sql: ({ gold }) =>
            [
                `WITH latest AS (SELECT MAX(\`end\`) AS newest_end FROM ${gold})`,
                "SELECT g.location,",
                "  SUM(g.temperature * g.events) / SUM(g.events) AS average_temperature,",
                "  SUM(g.events) AS events",
                `FROM ${gold} AS g CROSS JOIN latest AS l`,
                "WHERE g.`start` >= l.newest_end - INTERVAL 24 HOURS",
                "GROUP BY g.location",
                "ORDER BY g.location",
            ].join("\n"),
    },
    events_per_window: {
        name: "events_per_window",
        displayName: "Events per window",
        columns: ["window_start", "location", "events"],
        sql: ({ gold }) =>
            [
                "SELECT `start` AS window_start, location, events",
                `FROM ${gold}`,
                "ORDER BY window_start, location",
            ].join("\n"),
    },
    silver_per_minute: {
        name: "silver_per_minute",
        displayName: "Silver events per minute (event time)",
        columns: ["minute", "events"],
        sql: ({ silver }) =>
            [
                "SELECT date_trunc('MINUTE', `timestamp`) AS minute, COUNT(*) AS events",
                `FROM ${silver}`,
                "GROUP BY date_trunc('MINUTE', `timestamp`)",
                "ORDER BY minute",
            ].join("\n"),
    },
    quarantine_share: {
        name: "quarantine_share",
        displayName: "Quarantine share",
        columns: ["valid_events", "quarantined_events", "quarantine_share"],
        sql: ({ silver, quarantine }) =>
            [
                "WITH counts AS (",
                `  SELECT (SELECT COUNT(*) FROM ${silver}) AS valid_events,`,
                `    (SELECT COUNT(*) FROM ${quarantine}) AS quarantined_events`,
                ")",
                "SELECT valid_events, quarantined_events,",
                "  CASE WHEN valid_events + quarantined_events = 0 THEN NULL",
                "    ELSE CAST(quarantined_events AS DOUBLE) / (valid_events + quarantined_events) END AS quarantine_share",
                "FROM counts",
            ].join("\n"),
    },
    quarantine_reasons: {
        name: "quarantine_reasons",
        displayName: "Quarantine reasons",
        columns: ["reason", "events"],
        sql: ({ quarantine }) =>
            [
                "SELECT reason, COUNT(*) AS events",
                `FROM ${quarantine}`,
                "GROUP BY reason",
                "ORDER BY events DESC, reason",
            ].join("\n"),
    },
};

/** A widget: one visual over one dataset, at a place on the page's six-column grid. */
export interface DashboardWidget {
    name: string;
    title: string;
    dataset: string;
    type: "table" | "bar" | "line" | "counter";
    /** table: the columns shown; bar/line: [x, y] or [x, y, color]; counter: [value]. */
    fields: readonly string[];
    position: { x: number; y: number; width: number; height: number };
}

const readerWidgets: DashboardWidget[] = [
    {
        name: "newest_window_table",
        title: "Newest window per location",
        dataset: "newest_window",
        type: "table",
        fields: datasets.newest_window.columns,
        position: { x: 0, y: 0, width: 6, height: 5 },
    },
    {
        name: "temperature_24h_bar",
        title: "Average temperature, 24 h up to the newest window",
        dataset: "temperature_24h",
        type: "bar",
        fields: ["location", "average_temperature"],
        position: { x: 0, y: 5, width: 3, height: 6 },
    },
    {
        name: "events_per_window_bar",
        title: "Events per five-minute window",
        dataset: "events_per_window",
        type: "bar",
        fields: ["window_start", "events", "location"],
        position: { x: 3, y: 5, width: 3, height: 6 },
    },
];

const ownerWidgets: DashboardWidget[] = [
    ...readerWidgets,
    {
        name: "silver_per_minute_line",
        title: "Silver events per minute",
        dataset: "silver_per_minute",
        type: "line",
        fields: ["minute", "events"],
        position: { x: 0, y: 11, width: 4, height: 6 },
    },
    {
        name: "quarantine_share_counter",
        title: "Share of events quarantined",
        dataset: "quarantine_share",
        type: "counter",
        fields: ["quarantine_share"],
        position: { x: 4, y: 11, width: 2, height: 3 },
    },
    {
        name: "quarantine_reasons_table",
        title: "Quarantine reasons",
        dataset: "quarantine_reasons",
        type: "table",
        fields: datasets.quarantine_reasons.columns,
        position: { x: 4, y: 14, width: 2, height: 3 },
    },
];

/** Each dashboard's widgets, in page order. */
export const dashboardWidgets: Record<DashboardKind, readonly DashboardWidget[]> = {
    readers: readerWidgets,
    owners: ownerWidgets,
};

/** The datasets a dashboard's widgets use, each once, in widget order. */
export function datasetsOf(kind: DashboardKind): DashboardDataset[] {
    const names = [...new Set(dashboardWidgets[kind].map((widget) => widget.dataset))];
    return names.map((name) => datasets[name]);
}

function fieldRef(name: string) {
    return { name, expression: `\`${name}\`` };
}

/** The widget's `spec`: its visual type and which field each channel shows (Lakeview's widget specs). */
function widgetSpec(widget: DashboardWidget): Record<string, unknown> {
    const frame = { showTitle: true, title: widget.title };
    const [first, second, third] = widget.fields;
    switch (widget.type) {
        case "table":
            return {
                version: 1,
                widgetType: "table",
                encodings: {
                    columns: widget.fields.map((field) => ({ fieldName: field, displayName: field })),
                },
                frame,
            };
        case "counter":
            return {
                version: 2,
                widgetType: "counter",
                encodings: { value: { fieldName: first, displayName: first } },
                frame,
            };
        case "bar":
        case "line": {
            const temporal = first === "window_start" || first === "minute";
            return {
                version: 3,
                widgetType: widget.type,
                encodings: {
                    x: {
                        fieldName: first,
                        scale: { type: temporal ? "temporal" : "categorical" },
                        displayName: first,
                    },
                    y: { fieldName: second, scale: { type: "quantitative" }, displayName: second },
                    ...(third !== undefined
                        ? { color: { fieldName: third, scale: { type: "categorical" }, displayName: third } }
                        : {}),
                },
                frame,
            };
        }
    }
}

/**
 * The dashboard in Lakeview's serialized form (the `serialized_dashboard` of the Lakeview API, as a `.lvdash.json`
 * file holds it): `datasets` with `name`, `displayName` and `queryLines`, and one page whose `layout` places each
 * widget. The datasets return exactly the rows shown, so every widget reads them disaggregated. Deterministic: the
 * same tables give the same text, so an unchanged stack shows no diff.
 */
export function serializedDashboard(kind: DashboardKind, tables: DashboardTables): string {
    const document = {
        datasets: datasetsOf(kind).map((dataset) => ({
            name: dataset.name,
            displayName: dataset.displayName,
            // One entry per line, each but the last ending in a newline, as the dashboard editor saves them.
            queryLines: dataset
                .sql(tables)
                .split("\n")
                .map((line, index, lines) => (index < lines.length - 1 ? `${line}\n` : line)),
        })),
        pages: [
            {
                name: kind,
                displayName: kind === "readers" ? "Weather" : "Pipeline",
                layout: dashboardWidgets[kind].map((widget) => ({
                    widget: {
                        name: widget.name,
                        queries: [
                            {
                                name: "main_query",
                                query: {
                                    datasetName: widget.dataset,
                                    fields: widget.fields.map(fieldRef),
                                    disaggregated: true,
                                },
                            },
                        ],
                        spec: widgetSpec(widget),
                    },
                    position: widget.position,
                })),
            },
        ],
    };
    return JSON.stringify(document, null, 2);
}
