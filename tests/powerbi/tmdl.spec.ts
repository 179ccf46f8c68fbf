// Tests of the TMDL parser's grammar on the constructs `npm run powerbi` emits, and its refusals of bad input.
import assert from "node:assert/strict";
import { parseTmdl, TmdlError, tmdlName } from "../../src/powerbi/tmdl";

/** Joins lines written with `>` for each tab, so the indentation of a test case is visible. */
function tmdl(...lines: string[]): string {
    return lines.map((line) => line.replace(/^>+/, (tabs) => "\t".repeat(tabs.length))).join("\n");
}

function refusal(text: string, pattern: RegExp): void {
    assert.throws(
        () => parseTmdl(text, "t.tmdl"),
        (error: unknown) => error instanceof TmdlError && pattern.test(error.message),
    );
}

describe("TMDL parser", () => {
    it("reads a table with columns, measures and a DirectQuery partition with a multi-line M source", () => {
        const [table] = parseTmdl(
            tmdl(
                "table weather_summary",
                ">lineageTag: 1",
                "",
                ">measure Events = SUM(weather_summary[events])",
                ">>formatString: #,0",
                "",
                ">measure 'Average temperature' =",
                ">>>VAR x = 1",
                ">>>RETURN x",
                ">>formatString: 0.0",
                "",
                ">column start",
                ">>dataType: dateTime",
                ">>sourceColumn: start",
                "",
                ">partition weather_summary = m",
                ">>mode: directQuery",
                ">>source =",
                ">>>>let",
                ">>>>    Source = Databricks.Catalogs(Host, Path, [Catalog = null]),",
                '>>>>    Data = Source{[Name = "x"]}[Data]',
                ">>>>in",
                ">>>>    Data",
            ),
        );
        assert.equal(table.keyword, "table");
        assert.equal(table.name, "weather_summary");
        assert.deepEqual(table.properties, { lineageTag: "1" });
        assert.deepEqual(
            table.children.map((c) => `${c.keyword} ${c.name}`),
            ["measure Events", "measure Average temperature", "column start", "partition weather_summary"],
        );
        const [events, average, start, partition] = table.children;
        assert.equal(events.value, "SUM(weather_summary[events])");
        assert.deepEqual(events.properties, { formatString: "#,0" });
        assert.equal(average.value, "VAR x = 1\nRETURN x");
        assert.deepEqual(average.properties, { formatString: "0.0" });
        assert.deepEqual(start.properties, { dataType: "dateTime", sourceColumn: "start" });
        assert.equal(partition.value, "m");
        assert.equal(partition.properties.mode, "directQuery");
        assert.equal(
            partition.properties.source,
            [
                "\tlet",
                "\t    Source = Databricks.Catalogs(Host, Path, [Catalog = null]),",
                '\t    Data = Source{[Name = "x"]}[Data]',
                "\tin",
                "\t    Data",
            ].join("\n"),
        );
    });

    it("reads database, model with ref table, and M parameter expressions with meta", () => {
        const objects = parseTmdl(
            tmdl(
                "database lakestream",
                ">compatibilityLevel: 1567",
                "model Model",
                ">culture: en-US",
                "ref table weather_summary",
                'expression Host = "a ""quoted"" host" meta [IsParameterQuery=true, Type="Text"]',
                ">lineageTag: 2",
            ),
        );
        assert.deepEqual(
            objects.map((o) => [o.keyword, o.name, o.value ?? null]),
            [
                ["database", "lakestream", null],
                ["model", "Model", null],
                ["ref", "weather_summary", null],
                ["expression", "Host", '"a ""quoted"" host" meta [IsParameterQuery=true, Type="Text"]'],
            ],
        );
        assert.deepEqual(objects[0].properties, { compatibilityLevel: "1567" });
    });

    it("reads quoted names with '' for a quote, and writes names that need quoting quoted", () => {
        const [table] = parseTmdl(tmdl("table 'it''s gold'", ">column 'a b'", ">>dataType: string"));
        assert.equal(table.name, "it's gold");
        assert.equal(table.children[0].name, "a b");
        assert.equal(tmdlName("it's gold"), "'it''s gold'");
        assert.equal(tmdlName("weather_summary"), "weather_summary");
    });

    it("reads an expression between lines of three backticks", () => {
        const [table] = parseTmdl(tmdl("table t", ">measure m = ```", ">>>1 +", ">>>2", ">>>```"));
        assert.equal(table.children[0].value, "1 +\n2");
    });

    describe("refuses", () => {
        it("a child indented two levels deeper than its parent", () => {
            refusal(tmdl("table t", ">>column c"), /^t\.tmdl:2: wrong indentation: expected 1 tab\(s\) here, got 2/);
        });

        it("indentation with spaces", () => {
            refusal(tmdl("table t", "    column c"), /^t\.tmdl:2: indentation must be tabs/);
        });

        it("an unknown keyword, listing the allowed ones", () => {
            refusal(
                tmdl("table t", ">colum c"),
                /^t\.tmdl:2: unknown keyword "colum" in table t; allowed: column, measure/,
            );
        });

        it("an unknown property", () => {
            refusal(
                tmdl("table t", ">column c", ">>dataTyp: string"),
                /^t\.tmdl:3: unknown keyword "dataTyp" in column c/,
            );
        });

        it("an unknown object at the top level", () => {
            refusal("tabel t", /^t\.tmdl:1: unknown keyword "tabel" at the top level/);
        });

        it("an expression property with nothing after it (unterminated expression)", () => {
            refusal(
                tmdl("table t", ">partition p = m", ">>source =", ">column c"),
                /^t\.tmdl:3: unterminated expression: nothing follows "="/,
            );
        });

        it("an expression at the end of the file with nothing after it", () => {
            refusal(tmdl("table t", ">measure m ="), /^t\.tmdl:2: unterminated expression/);
        });

        it("a ``` block never closed", () => {
            refusal(tmdl("table t", ">measure m = ```", ">>>1"), /^t\.tmdl:2: unterminated expression: the ``` block/);
        });

        it("a string never closed in an expression", () => {
            refusal(tmdl('expression Host = "adb-1.azuredatabricks.net'), /^t\.tmdl:1: unterminated string/);
        });

        it("a quoted name never closed", () => {
            refusal("table 'gold", /^t\.tmdl:1: unterminated quoted name/);
        });

        it("a measure without its expression, and a column with one", () => {
            refusal(tmdl("table t", ">measure m"), /^t\.tmdl:2: measure m needs "= value"/);
            refusal(tmdl("table t", ">column c = 1"), /^t\.tmdl:2: column c takes no "=" value/);
        });

        it("a property set twice, and an expression property written as name: value", () => {
            refusal(tmdl("table t", ">column c", ">>dataType: string", ">>dataType: double"), /set twice/);
            refusal(tmdl("table t", ">partition p = m", ">>source: x"), /property "source" is an expression/);
        });
    });
});
