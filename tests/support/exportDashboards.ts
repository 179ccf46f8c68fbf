// Prints both serialized dashboards as one JSON document, for the test that runs their SQL on local Spark.
// Usage: tsx tests/support/exportDashboards.ts CATALOG SILVER_SCHEMA GOLD_SCHEMA
import { dashboardKinds, dashboardTables, serializedDashboard } from "../../components/dashboardPlan";

const [catalog, silver, gold] = process.argv.slice(2);
if (!catalog || !silver || !gold) {
    process.stderr.write("usage: tsx tests/support/exportDashboards.ts CATALOG SILVER_SCHEMA GOLD_SCHEMA\n");
    process.exit(2);
}
// The same generator the stack deploys, given local Spark's catalog and schemas instead of the stack's.
const tables = dashboardTables(catalog, { silver, gold });
const documents = Object.fromEntries(
    dashboardKinds.map((kind) => [kind, JSON.parse(serializedDashboard(kind, tables)) as unknown]),
);
process.stdout.write(`${JSON.stringify(documents)}\n`);
