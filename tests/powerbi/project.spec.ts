// Tests of the generated Power BI project: it passes the checks for every stack, matches gold's schema, holds no
// credential, and the checks fail on the mistakes they exist for.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { checkProject } from "../../src/powerbi/checks";
import { writeProject } from "../../src/powerbi/cli";
import { connectionFromOutputs, connectionFromPlan } from "../../src/powerbi/connection";
import { buildProject, type GoldConnection, type ProjectFile } from "../../src/powerbi/project";
import { parseTmdl } from "../../src/powerbi/tmdl";
import { runPlan } from "../../src/plan/runPlan";
import { redactSecrets } from "../../src/shared/redact";

const repoRoot = path.resolve(__dirname, "..", "..");

function writeTo(files: ProjectFile[], stack: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "lakestream-pbip-"));
    writeProject(dir, files, stack);
    return dir;
}

function listFiles(root: string, dir = ""): string[] {
    return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
        const relative = dir === "" ? entry.name : `${dir}/${entry.name}`;
        return entry.isDirectory() ? listFiles(root, relative) : [relative];
    });
}

const deployed: GoldConnection = {
    host: "adb-1234567890123456.7.azuredatabricks.net",
    httpPath: "/sql/1.0/warehouses/abcdef0123456789",
    catalog: "lakestream_dev",
    schema: "gold",
    table: "weather_summary",
};

function project(connection: GoldConnection = deployed, refreshMinutes = 30): ProjectFile[] {
    return buildProject({ name: "lakestream-dev", connection, refreshMinutes });
}

function file(files: ProjectFile[], suffix: string): ProjectFile {
    const found = files.find((f) => f.path.endsWith(suffix));
    assert.ok(found, `no generated file ends with ${suffix}`);
    return found;
}

describe("Power BI project", function () {
    this.timeout(120_000);

    describe("for each stack passes the checks", () => {
        for (const stack of ["dev", "prod"]) {
            it(`${stack}: deployed outputs (the program's outputs in an update preview)`, async () => {
                const plan = await runPlan({ stack, mode: "update" });
                const outputs = JSON.parse(JSON.stringify(plan.outputs)) as Record<string, unknown>;
                const connection = connectionFromOutputs(outputs, stack);
                assert.equal(connection.table, "weather_summary");
                const dir = writeTo(
                    buildProject({ name: `lakestream-${stack}`, connection, refreshMinutes: 30 }),
                    stack,
                );
                assert.deepEqual(checkProject(dir), []);
                const expressions = fs.readFileSync(
                    path.join(dir, `lakestream-${stack}.SemanticModel/definition/expressions.tmdl`),
                    "utf8",
                );
                assert.ok(expressions.includes(`"${connection.host}"`), "the host is the stack's");
                assert.ok(expressions.includes(`"${connection.httpPath}"`), "the HTTP path is the stack's");
                assert.ok(!expressions.includes("from pulumi up"), "a deployed stack's project has no placeholder");
            });

            it(`${stack}: offline plan, with placeholders named as such`, async () => {
                const plan = await runPlan({ stack, mode: "first-deploy" });
                const { connection, placeholders } = connectionFromPlan(plan.outputs, stack);
                assert.deepEqual(placeholders, ["host", "httpPath", "catalog", "schema"]);
                assert.equal(connection.httpPath, "<powerBi.httpPath from pulumi up>");
                const dir = writeTo(
                    buildProject({ name: `lakestream-${stack}`, connection, refreshMinutes: 30 }),
                    stack,
                );
                assert.deepEqual(checkProject(dir), []);
            });
        }
    });

    it("has the files of a PBIP project with a TMDL model and a PBIR report", () => {
        assert.deepEqual(
            project()
                .map((f) => f.path)
                .sort(),
            [
                ".gitignore",
                "lakestream-dev.Report/definition.pbir",
                "lakestream-dev.Report/definition/pages/pages.json",
                "lakestream-dev.Report/definition/pages/readersView/page.json",
                "lakestream-dev.Report/definition/pages/readersView/visuals/averageTemperaturePerLocation/visual.json",
                "lakestream-dev.Report/definition/pages/readersView/visuals/eventsPerWindow/visual.json",
                "lakestream-dev.Report/definition/pages/readersView/visuals/newestWindowPerLocation/visual.json",
                "lakestream-dev.Report/definition/report.json",
                "lakestream-dev.Report/definition/version.json",
                "lakestream-dev.SemanticModel/definition.pbism",
                "lakestream-dev.SemanticModel/definition/database.tmdl",
                "lakestream-dev.SemanticModel/definition/expressions.tmdl",
                "lakestream-dev.SemanticModel/definition/model.tmdl",
                "lakestream-dev.SemanticModel/definition/tables/weather_summary.tmdl",
                "lakestream-dev.pbip",
            ],
        );
    });

    it("models gold's columns with the types of gold's schema as the pipeline defines it", () => {
        // GOLD_SCHEMA read from the pipeline's own module, so a column added there and not here fails this test.
        const schema = JSON.parse(
            execFileSync(
                "bash",
                [
                    path.join(repoRoot, "scripts", "python.sh"),
                    "-c",
                    "from medallion.schema import GOLD_SCHEMA; print(GOLD_SCHEMA.json())",
                ],
                { cwd: repoRoot, encoding: "utf8" },
            ),
        ) as { fields: { name: string; type: string }[] };
        // Spark's JSON type names to the tabular model's data types (Microsoft's TMDL/TOM DataType names).
        const expectedType: Record<string, string> = {
            string: "string",
            timestamp: "dateTime",
            double: "double",
            long: "int64",
        };
        const [table] = parseTmdl(file(project(), "tables/weather_summary.tmdl").text);
        const columns = table.children
            .filter((c) => c.keyword === "column")
            .map((c) => [c.name, c.properties.dataType, c.properties.sourceColumn]);
        assert.deepEqual(
            columns,
            schema.fields.map((f) => [f.name, expectedType[f.type], f.name]),
        );
    });

    it("reads gold in DirectQuery through Databricks.Catalogs with the stack's catalog, schema and table", () => {
        const [table] = parseTmdl(file(project(), "tables/weather_summary.tmdl").text);
        const partition = table.children.find((c) => c.keyword === "partition")!;
        assert.equal(partition.value, "m");
        assert.equal(partition.properties.mode, "directQuery");
        const source = partition.properties.source;
        assert.match(source, /Databricks\.Catalogs\(DatabricksHost, DatabricksHttpPath, \[/);
        assert.match(source, /\{\[Name = GoldCatalog, Kind = "Database"\]\}/);
        assert.match(source, /\{\[Name = GoldSchema, Kind = "Schema"\]\}/);
        assert.match(source, /\{\[Name = "weather_summary", Kind = "Table"\]\}/);
        const parameters = parseTmdl(file(project(), "expressions.tmdl").text);
        assert.deepEqual(
            parameters.map((p) => [p.name, p.value!.split(" meta ")[0]]),
            [
                ["DatabricksHost", `"${deployed.host}"`],
                ["DatabricksHttpPath", `"${deployed.httpPath}"`],
                ["GoldCatalog", '"lakestream_dev"'],
                ["GoldSchema", '"gold"'],
            ],
        );
    });

    it("has measures for events and average and extreme temperature and humidity", () => {
        const [table] = parseTmdl(file(project(), "tables/weather_summary.tmdl").text);
        const measures = Object.fromEntries(
            table.children.filter((c) => c.keyword === "measure").map((c) => [c.name, c.value]),
        );
        assert.equal(measures["Events"], "SUM(weather_summary[events])");
        assert.equal(measures["Lowest 5-min temperature"], "MIN(weather_summary[temperature])");
        assert.equal(measures["Highest 5-min temperature"], "MAX(weather_summary[temperature])");
        assert.equal(measures["Lowest 5-min humidity"], "MIN(weather_summary[humidity])");
        assert.equal(measures["Highest 5-min humidity"], "MAX(weather_summary[humidity])");
        // Weighted by each window's events: a window of 10 events counts ten times one of 1.
        assert.match(measures["Average temperature"]!, /weather_summary\[temperature\] \* weather_summary\[events\]/);
        assert.match(measures["Average humidity"]!, /weather_summary\[humidity\] \* weather_summary\[events\]/);
    });

    it("has the readers' views on one page with automatic page refresh at the interval asked for", () => {
        const files = project(deployed, 45);
        const page = JSON.parse(file(files, "page.json").text);
        assert.deepEqual(page.objects.pageRefresh[0].properties.show, { expr: { Literal: { Value: "true" } } });
        assert.deepEqual(page.objects.pageRefresh[0].properties.duration, { expr: { Literal: { Value: "2700L" } } });
        const visuals = files
            .filter((f) => f.path.endsWith("visual.json"))
            .map((f) => JSON.parse(f.text))
            .map((v) => [v.name, v.visual.visualType, Object.keys(v.visual.query.queryState).sort()]);
        assert.deepEqual(visuals.sort(), [
            ["averageTemperaturePerLocation", "clusteredBarChart", ["Category", "Y"]],
            ["eventsPerWindow", "lineChart", ["Category", "Y"]],
            ["newestWindowPerLocation", "tableEx", ["Values"]],
        ]);
    });

    it("holds no credential: no secret format and nothing of the outputs but the powerBi fields", () => {
        const formats = JSON.parse(
            fs.readFileSync(path.join(repoRoot, "tests", "fixtures", "secret-formats.json"), "utf8"),
        ) as { cases: { input: string; secrets?: string[]; expected: string }[] };
        // The scanner finds every shared format, so a clean result below means something.
        for (const { input, secrets, expected } of formats.cases) {
            assert.equal(redactSecrets(input, secrets), expected);
        }
        const sendConnectionString =
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LWtleS12YWx1ZQ==";
        const listenConnectionString = sendConnectionString.replace("=send;", "=listen;");
        const connection = connectionFromOutputs(
            {
                sendConnectionString,
                listenConnectionString,
                powerBi: { ...deployed, pbids: "{}" },
            },
            "dev",
        );
        const dir = writeTo(project(connection), "dev");
        for (const relative of listFiles(dir)) {
            const text = fs.readFileSync(path.join(dir, relative), "utf8");
            const secrets = [sendConnectionString, listenConnectionString];
            assert.equal(redactSecrets(text, secrets), text, `${relative} holds a secret format or an output's secret`);
            assert.ok(!text.includes("c2VjcmV0LWtleS12YWx1ZQ"), `${relative} holds the Event Hubs key`);
            assert.ok(!/password|token|secret/i.test(text), `${relative} names a credential`);
        }
    });

    it("regenerates byte for byte, so a diff of the project shows only real changes", () => {
        assert.deepEqual(project(), project());
    });

    describe("checks fail on", () => {
        function mutated(edit: (dir: string) => void): string[] {
            const dir = writeTo(project(), "dev");
            assert.deepEqual(checkProject(dir), [], "the unchanged project passes");
            edit(dir);
            return checkProject(dir);
        }
        const at = (dir: string, relative: string) => path.join(dir, ...relative.split("/"));
        const editJson = (dir: string, relative: string, change: (value: Record<string, unknown>) => void) => {
            const value = JSON.parse(fs.readFileSync(at(dir, relative), "utf8"));
            change(value);
            fs.writeFileSync(at(dir, relative), JSON.stringify(value));
        };
        const report = "lakestream-dev.Report";
        const model = "lakestream-dev.SemanticModel";
        const visual = `${report}/definition/pages/readersView/visuals/eventsPerWindow/visual.json`;

        it("a visual reading a measure the model does not have", () => {
            const problems = mutated((dir) =>
                editJson(dir, visual, (v) => {
                    (
                        v as {
                            visual: {
                                query: {
                                    queryState: { Y: { projections: { field: { Measure: { Property: string } } }[] } };
                                };
                            };
                        }
                    ).visual.query.queryState.Y.projections[0].field.Measure.Property = "Evnts";
                }),
            );
            assert.deepEqual(problems, [
                `${visual}: Y reads measure weather_summary[Evnts], which table weather_summary does not have`,
            ]);
        });

        it("a property the format does not have", () => {
            const problems = mutated((dir) => editJson(dir, "lakestream-dev.pbip", (v) => (v.autoRefresh = true)));
            assert.deepEqual(problems, ['lakestream-dev.pbip: (top level): property "autoRefresh" is not allowed']);
        });

        it("a $schema of another kind of file", () => {
            const problems = mutated((dir) =>
                editJson(dir, `${report}/definition.pbir`, (v) => {
                    v.$schema =
                        "https://developer.microsoft.com/json-schemas/fabric/item/semanticModel/definitionProperties/1.0.0/schema.json";
                }),
            );
            assert.equal(problems.length, 1);
            assert.match(
                problems[0],
                /definition\.pbir: "\$schema" .* is not a report definition \(definition\.pbir\) schema/,
            );
        });

        it("a report bound to a model folder that is not there", () => {
            const problems = mutated((dir) =>
                editJson(dir, `${report}/definition.pbir`, (v) => {
                    v.datasetReference = { byPath: { path: "../other.SemanticModel" } };
                }),
            );
            assert.deepEqual(problems, [
                `${report}/definition.pbir: byPath ../other.SemanticModel is not a semantic model folder of this project`,
            ]);
        });

        it("a page listed in pages.json without its folder, and a missing required property", () => {
            const problems = mutated((dir) => {
                editJson(dir, `${report}/definition/pages/pages.json`, (v) => (v.pageOrder = ["readersView", "gone"]));
                editJson(dir, `${report}/definition/pages/readersView/page.json`, (v) => delete v.displayOption);
            });
            assert.deepEqual(problems.sort(), [
                `${report}/definition/pages/pages.json: page gone has no pages/gone/page.json`,
                `${report}/definition/pages/readersView/page.json: (top level): must have required property 'displayOption'`,
            ]);
        });

        it("a TMDL file with bad indentation, naming the file and line", () => {
            const problems = mutated((dir) => {
                const tmdl = at(dir, `${model}/definition/tables/weather_summary.tmdl`);
                fs.writeFileSync(
                    tmdl,
                    fs.readFileSync(tmdl, "utf8").replace("\tcolumn location", "\t\tcolumn location"),
                );
            });
            // A column two tabs deep reads as a child of the measure before it, which cannot have one.
            assert.match(
                problems[0],
                /^lakestream-dev\.SemanticModel\/definition\/tables\/weather_summary\.tmdl:\d+: unknown keyword "column" in measure /,
            );
            // Without the table, the model's ref and the visuals' fields have nothing to bind to: the checks say so too.
            assert.ok(problems.length > 1);
            for (const problem of problems.slice(1)) {
                assert.match(
                    problem,
                    /has no tables\/weather_summary\.tmdl|reads table weather_summary, which the model does not have/,
                );
            }
        });

        it("an import partition, and a partition not read through the Databricks connector", () => {
            const problems = mutated((dir) => {
                const tmdl = at(dir, `${model}/definition/tables/weather_summary.tmdl`);
                const text = fs.readFileSync(tmdl, "utf8");
                fs.writeFileSync(
                    tmdl,
                    text.replace("mode: directQuery", "mode: import").replace("Databricks.Catalogs(", "Sql.Database("),
                );
            });
            assert.equal(problems.length, 2, problems.join("\n"));
            assert.match(problems[0], /partition weather_summary must be mode: directQuery/);
            assert.match(problems[1], /partition weather_summary must read through Databricks\.Catalogs/);
        });

        it("a file no check knows", () => {
            const problems = mutated((dir) => fs.writeFileSync(at(dir, `${report}/notes.txt`), "hello"));
            assert.deepEqual(problems, [`${report}/notes.txt: not a file this project format has (no check knows it)`]);
        });
    });
});
