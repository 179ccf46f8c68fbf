// The dashboards as data: widgets read fields their datasets return, the SQL avoids clocks, the docs hold the SQL.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
    dashboardKinds,
    dashboardTables,
    datasets,
    datasetsOf,
    serializedDashboard,
} from "../../../components/dashboardPlan";

const tables = dashboardTables("cat", { silver: "silver", gold: "gold" });

describe("dashboard plan", function () {
    it("gives every widget a dataset of its dashboard that returns each field it reads", function () {
        for (const kind of dashboardKinds) {
            const document = JSON.parse(serializedDashboard(kind, tables)) as {
                datasets: { name: string }[];
                pages: {
                    layout: { widget: { queries: { query: { datasetName: string; fields: { name: string }[] } }[] } }[];
                }[];
            };
            const names = document.datasets.map((dataset) => dataset.name);
            for (const item of document.pages[0].layout) {
                const { datasetName, fields } = item.widget.queries[0].query;
                assert.ok(names.includes(datasetName), `${kind}: ${datasetName}`);
                for (const field of fields) {
                    assert.ok(datasets[datasetName].columns.includes(field.name), `${datasetName}.${field.name}`);
                }
            }
        }
    });

    it("keeps the readers' dashboard to gold and gives the owners' every dataset", function () {
        assert.deepEqual(
            datasetsOf("readers").map((dataset) => dataset.name),
            ["newest_window", "temperature_24h", "events_per_window"],
        );
        assert.deepEqual(
            datasetsOf("owners")
                .map((dataset) => dataset.name)
                .sort(),
            Object.keys(datasets).sort(),
        );
        for (const dataset of datasetsOf("readers")) {
            assert.doesNotMatch(dataset.sql(tables), /`silver`/);
        }
    });

    it("writes the same text for the same tables, and a different one for other tables", function () {
        assert.equal(serializedDashboard("owners", tables), serializedDashboard("owners", tables));
        assert.notEqual(
            serializedDashboard("owners", tables),
            serializedDashboard("owners", dashboardTables("other", { silver: "silver", gold: "gold" })),
        );
    });

    it("uses no clock and nothing only Databricks SQL has", function () {
        for (const dataset of Object.values(datasets)) {
            assert.doesNotMatch(dataset.sql(tables), /\b(now|current_timestamp|current_date|qualify)\b/i, dataset.name);
        }
    });

    it("refuses a name part that would break the quoting", function () {
        assert.throws(() => dashboardTables("ca`t", { silver: "s", gold: "g" }), /"ca`t" cannot be a table name part/);
    });

    it("docs/dashboards.md shows every query as the generator writes it", function () {
        const page = readFileSync(path.join(__dirname, "../../../docs/dashboards.md"), "utf8");
        const shown = dashboardTables("<catalog>", { silver: "silver", gold: "gold" });
        for (const dataset of Object.values(datasets)) {
            assert.ok(page.includes("```sql\n" + dataset.sql(shown) + "\n```"), `docs/dashboards.md: ${dataset.name}`);
        }
    });
});
