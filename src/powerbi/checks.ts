// Checks a Power BI Project folder offline: every JSON file against our structural rules for its `$schema`, every TMDL
// file through our parser, and the references between files (report → model, visuals → columns and measures).
//
// No package registry ships Microsoft's Fabric item schemas, so the shapes here are our own, written from the
// published documentation and the schemas' descriptions (required properties, allowed properties, enumerations) for
// the parts we emit. docs/powerbi.md lists every rule. What only Power BI Desktop can verify (opening the project,
// the connector's sign-in, the visuals rendering) is listed there too.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { parseTmdl, TmdlError, type TmdlObject } from "./tmdl";

const base = "https://developer.microsoft.com/json-schemas/";

type Schema = Record<string, unknown>;
const str = { type: "string" };
const num = { type: "number" };
const strictObject = (properties: Record<string, unknown>, required: string[] = []): Schema => ({
    type: "object",
    properties,
    required,
    additionalProperties: false,
});
// A formatting property's value: an expression object, as Desktop writes `{ "expr": { "Literal": { "Value": … } } }`.
const expression = strictObject({ expr: { type: "object" } }, ["expr"]);
const formattingObjects = (propertyNames: string[]) => ({
    type: "array",
    items: strictObject(
        {
            selector: { type: "object" },
            properties: strictObject(Object.fromEntries(propertyNames.map((name) => [name, expression]))),
        },
        ["properties"],
    ),
});
const fieldRef = strictObject(
    {
        Expression: strictObject({ SourceRef: strictObject({ Entity: str }, ["Entity"]) }, ["SourceRef"]),
        Property: str,
    },
    ["Expression", "Property"],
);

/** One rule set per kind of JSON file: the `$schema` it must declare (a pattern over versions) and its shape. */
interface JsonKind {
    kind: string;
    /** Which files are of this kind, by path relative to the project folder. */
    file: RegExp;
    schemaPattern: RegExp;
    shape: Schema;
}

const jsonKinds: JsonKind[] = [
    {
        kind: "project shortcut (.pbip)",
        file: /^[^/]+\.pbip$/,
        schemaPattern: /^fabric\/pbip\/pbipProperties\/1\.\d+\.\d+\/schema\.json$/,
        shape: strictObject(
            {
                $schema: str,
                version: str,
                artifacts: {
                    type: "array",
                    minItems: 1,
                    items: strictObject({ report: strictObject({ path: str }, ["path"]) }, ["report"]),
                },
                settings: strictObject({ enableAutoRecovery: { type: "boolean" } }),
            },
            ["$schema", "version", "artifacts"],
        ),
    },
    {
        kind: "semantic model definition (definition.pbism)",
        file: /^[^/]+\.SemanticModel\/definition\.pbism$/,
        schemaPattern: /^fabric\/item\/semanticModel\/definitionProperties\/1\.\d+\.\d+\/schema\.json$/,
        shape: strictObject(
            {
                $schema: str,
                version: str,
                settings: strictObject({
                    qnaEnabled: { type: ["boolean", "null"] },
                    qnaLsdlSharingPermissions: { enum: [0, 1] },
                }),
            },
            ["$schema", "version"],
        ),
    },
    {
        kind: "report definition (definition.pbir)",
        file: /^[^/]+\.Report\/definition\.pbir$/,
        schemaPattern: /^fabric\/item\/report\/definitionProperties\/2\.\d+\.\d+\/schema\.json$/,
        shape: strictObject(
            {
                $schema: str,
                version: str,
                datasetReference: {
                    ...strictObject({
                        byPath: strictObject({ path: str }, ["path"]),
                        byConnection: strictObject({ connectionString: str }, ["connectionString"]),
                    }),
                    // Exactly one of the two, as the schema's description requires.
                    oneOf: [{ required: ["byPath"] }, { required: ["byConnection"] }],
                },
            },
            ["$schema", "version", "datasetReference"],
        ),
    },
    {
        kind: "report version (version.json)",
        file: /^[^/]+\.Report\/definition\/version\.json$/,
        schemaPattern: /^fabric\/item\/report\/definition\/versionMetadata\/1\.\d+\.\d+\/schema\.json$/,
        shape: strictObject({ $schema: str, version: { type: "string", pattern: "^\\d+\\.\\d+\\.\\d+$" } }, [
            "$schema",
            "version",
        ]),
    },
    {
        kind: "report (report.json)",
        file: /^[^/]+\.Report\/definition\/report\.json$/,
        schemaPattern: /^fabric\/item\/report\/definition\/report\/3\.\d+\.\d+\/schema\.json$/,
        shape: strictObject(
            {
                $schema: str,
                themeCollection: strictObject({ baseTheme: { type: "object" }, customTheme: { type: "object" } }),
                settings: { type: "object" },
                objects: { type: "object" },
                annotations: { type: "array" },
            },
            ["$schema", "themeCollection"],
        ),
    },
    {
        kind: "page list (pages.json)",
        file: /^[^/]+\.Report\/definition\/pages\/pages\.json$/,
        schemaPattern: /^fabric\/item\/report\/definition\/pagesMetadata\/1\.\d+\.\d+\/schema\.json$/,
        shape: strictObject(
            { $schema: str, pageOrder: { type: "array", items: str, minItems: 1 }, activePageName: str },
            ["$schema"],
        ),
    },
    {
        kind: "page (page.json)",
        file: /^[^/]+\.Report\/definition\/pages\/[^/]+\/page\.json$/,
        schemaPattern: /^fabric\/item\/report\/definition\/page\/2\.\d+\.\d+\/schema\.json$/,
        shape: strictObject(
            {
                $schema: str,
                name: { type: "string", maxLength: 50 },
                displayName: str,
                displayOption: { enum: ["FitToPage", "FitToWidth", "ActualSize"] },
                height: num,
                width: num,
                objects: strictObject({
                    pageRefresh: formattingObjects([
                        "show",
                        "refreshType",
                        "duration",
                        "dialogLauncher",
                        "measure",
                        "checkEvery",
                    ]),
                    background: formattingObjects(["color", "image", "transparency"]),
                }),
            },
            // Width and height are optional only for the deprecated dynamic option, which we do not allow.
            ["$schema", "name", "displayName", "displayOption", "height", "width"],
        ),
    },
    {
        kind: "visual (visual.json)",
        file: /^[^/]+\.Report\/definition\/pages\/[^/]+\/visuals\/[^/]+\/visual\.json$/,
        schemaPattern: /^fabric\/item\/report\/definition\/visualContainer\/[12]\.\d+\.\d+\/schema\.json$/,
        shape: strictObject(
            {
                $schema: str,
                name: { type: "string", maxLength: 50 },
                position: strictObject({ x: num, y: num, z: num, width: num, height: num, tabOrder: num }, [
                    "x",
                    "y",
                    "width",
                    "height",
                ]),
                visual: strictObject(
                    {
                        visualType: {
                            enum: ["tableEx", "clusteredBarChart", "lineChart", "card", "clusteredColumnChart"],
                        },
                        query: strictObject(
                            {
                                queryState: {
                                    type: "object",
                                    additionalProperties: strictObject(
                                        {
                                            projections: {
                                                type: "array",
                                                minItems: 1,
                                                items: strictObject(
                                                    {
                                                        field: {
                                                            type: "object",
                                                            oneOf: [
                                                                strictObject({ Column: fieldRef }, ["Column"]),
                                                                strictObject({ Measure: fieldRef }, ["Measure"]),
                                                            ],
                                                        },
                                                        queryRef: str,
                                                        nativeQueryRef: str,
                                                    },
                                                    ["field", "queryRef"],
                                                ),
                                            },
                                        },
                                        ["projections"],
                                    ),
                                },
                            },
                            ["queryState"],
                        ),
                        visualContainerObjects: {
                            type: "object",
                            properties: { title: formattingObjects(["show", "text"]) },
                            additionalProperties: false,
                        },
                        drillFilterOtherVisuals: { type: "boolean" },
                    },
                    ["visualType", "query"],
                ),
            },
            ["$schema", "name", "position", "visual"],
        ),
    },
];

const ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false });
const validators = new Map<JsonKind, ValidateFunction>(jsonKinds.map((kind) => [kind, ajv.compile(kind.shape)]));

/** The rules applied, in words, for the docs and for `--help`-style listings. */
export const jsonRuleSummary = jsonKinds.map((kind) => ({ kind: kind.kind, schema: kind.schemaPattern.source }));

function describe(error: ErrorObject): string {
    const where = error.instancePath || "(top level)";
    if (error.keyword === "additionalProperties") {
        return `${where}: property "${(error.params as { additionalProperty: string }).additionalProperty}" is not allowed`;
    }
    if (error.keyword === "enum") {
        return `${where}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    }
    return `${where}: ${error.message}`;
}

function listFiles(root: string, dir = ""): string[] {
    return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
        const relative = dir === "" ? entry.name : `${dir}/${entry.name}`;
        return entry.isDirectory() ? listFiles(root, relative) : [relative];
    });
}

interface ModelFacts {
    columns: Map<string, Set<string>>;
    measures: Map<string, Set<string>>;
}

/** Checks one semantic model folder's TMDL files; returns its tables' columns and measures for the report's checks. */
function checkModel(root: string, model: string, files: string[], problems: string[]): ModelFacts {
    const facts: ModelFacts = { columns: new Map(), measures: new Map() };
    const definition = `${model}/definition/`;
    const parsed = new Map<string, TmdlObject[]>();
    for (const file of files.filter((f) => f.startsWith(definition))) {
        if (!file.endsWith(".tmdl")) {
            problems.push(`${file}: only .tmdl files belong in the model's definition folder`);
            continue;
        }
        try {
            parsed.set(file, parseTmdl(fs.readFileSync(path.join(root, file), "utf8"), file));
        } catch (error) {
            if (error instanceof TmdlError) {
                problems.push(error.message);
            } else {
                throw error;
            }
        }
    }
    for (const required of ["database.tmdl", "model.tmdl"]) {
        if (!files.includes(definition + required)) {
            problems.push(`${model}: definition/${required} is missing (a TMDL model needs it)`);
        }
    }
    const expressions = new Set(
        (parsed.get(`${definition}expressions.tmdl`) ?? [])
            .filter((o) => o.keyword === "expression")
            .map((o) => o.name),
    );
    for (const [file, objects] of parsed) {
        const expectedTop: Record<string, string> = {
            "database.tmdl": "database",
            "model.tmdl": "model|ref",
            "expressions.tmdl": "expression",
        };
        const basename = file.slice(definition.length);
        const expected = basename.startsWith("tables/") ? "table" : expectedTop[basename];
        if (expected === undefined) {
            problems.push(`${file}: not a file of a TMDL model (database, model, expressions, tables/<table>)`);
            continue;
        }
        for (const object of objects) {
            if (!expected.split("|").includes(object.keyword)) {
                problems.push(
                    `${file}:${object.line}: ${object.keyword} ${object.name} does not belong in ${basename}`,
                );
            }
        }
        if (expected !== "table") {
            continue;
        }
        for (const table of objects.filter((o) => o.keyword === "table")) {
            if (basename !== `tables/${table.name}.tmdl`) {
                problems.push(`${file}: table ${table.name} must be in tables/${table.name}.tmdl`);
            }
            const columns = new Set<string>();
            const measures = new Set<string>();
            for (const child of table.children) {
                const names = child.keyword === "column" ? columns : child.keyword === "measure" ? measures : undefined;
                if (names) {
                    if (columns.has(child.name) || measures.has(child.name)) {
                        problems.push(`${file}:${child.line}: ${child.name} is defined twice in table ${table.name}`);
                    }
                    names.add(child.name);
                }
                if (child.keyword === "column") {
                    const dataType = child.properties.dataType;
                    if (!["string", "int64", "double", "dateTime", "decimal", "boolean"].includes(dataType ?? "")) {
                        problems.push(
                            `${file}:${child.line}: column ${child.name} has no known dataType (got ${dataType ?? "none"})`,
                        );
                    }
                    if (child.properties.sourceColumn === undefined) {
                        problems.push(`${file}:${child.line}: column ${child.name} has no sourceColumn`);
                    }
                }
            }
            const partitions = table.children.filter((c) => c.keyword === "partition");
            if (partitions.length !== 1) {
                problems.push(
                    `${file}: table ${table.name} must have exactly one partition (got ${partitions.length})`,
                );
            }
            for (const partition of partitions) {
                if (partition.value !== "m") {
                    problems.push(`${file}:${partition.line}: partition ${partition.name} must be "= m" (Power Query)`);
                }
                if (partition.properties.mode !== "directQuery") {
                    problems.push(`${file}:${partition.line}: partition ${partition.name} must be mode: directQuery`);
                }
                const source = partition.properties.source ?? "";
                if (!/\bDatabricks\.Catalogs\(/.test(source)) {
                    problems.push(
                        `${file}:${partition.line}: partition ${partition.name} must read through Databricks.Catalogs`,
                    );
                }
                // Every name the M reads that is not one of its own steps must be a parameter in expressions.tmdl.
                const steps = new Set([...source.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)].map((m) => m[1]));
                for (const [, parameter] of source.matchAll(/Databricks\.Catalogs\(([A-Za-z_]\w*)/g)) {
                    if (!expressions.has(parameter) && !steps.has(parameter)) {
                        problems.push(
                            `${file}: the partition reads ${parameter}, which expressions.tmdl does not define`,
                        );
                    }
                }
            }
            facts.columns.set(table.name, columns);
            facts.measures.set(table.name, measures);
        }
    }
    for (const ref of (parsed.get(`${definition}model.tmdl`) ?? []).filter((o) => o.keyword === "ref")) {
        if (!facts.columns.has(ref.name)) {
            problems.push(`${definition}model.tmdl:${ref.line}: ref table ${ref.name} has no tables/${ref.name}.tmdl`);
        }
    }
    return facts;
}

function readJson(root: string, file: string, problems: string[]): Record<string, unknown> | undefined {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    if (text.charCodeAt(0) === 0xfeff) {
        problems.push(`${file}: starts with a byte-order mark; the project's files are UTF-8 without one`);
    }
    try {
        const value = JSON.parse(text) as unknown;
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            problems.push(`${file}: must hold a JSON object`);
            return undefined;
        }
        return value as Record<string, unknown>;
    } catch (error) {
        problems.push(`${file}: not JSON (${(error as Error).message})`);
        return undefined;
    }
}

/**
 * Checks the project folder `root` and returns the problems found, empty when it passes. Each message names the file
 * (and line, for TMDL) and what is allowed.
 */
export function checkProject(root: string): string[] {
    const problems: string[] = [];
    const files = listFiles(root).sort();
    const documents = new Map<string, Record<string, unknown>>();
    for (const file of files) {
        const kind = jsonKinds.find((k) => k.file.test(file));
        if (!kind) {
            const isTmdl = /^[^/]+\.SemanticModel\/definition\//.test(file);
            if (!isTmdl && file !== ".gitignore" && file !== ".lakestream-powerbi.json") {
                problems.push(`${file}: not a file this project format has (no check knows it)`);
            }
            continue;
        }
        const document = readJson(root, file, problems);
        if (!document) {
            continue;
        }
        documents.set(file, document);
        const declared = document.$schema;
        if (typeof declared !== "string" || !declared.startsWith(base)) {
            problems.push(`${file}: "$schema" must name a ${base}… schema (got ${JSON.stringify(declared)})`);
        } else if (!kind.schemaPattern.test(declared.slice(base.length))) {
            problems.push(`${file}: "$schema" ${declared} is not a ${kind.kind} schema version we check`);
        }
        const validate = validators.get(kind)!;
        if (!validate(document)) {
            for (const error of validate.errors ?? []) {
                problems.push(`${file}: ${describe(error)}`);
            }
        }
    }

    // References between files.
    const models = new Map<string, ModelFacts>();
    for (const pbism of files.filter((f) => f.endsWith(".SemanticModel/definition.pbism"))) {
        const model = pbism.slice(0, -"/definition.pbism".length);
        const version = documents.get(pbism)?.version;
        // TMDL in definition/ needs definition.pbism 4.0 or later (Microsoft's semantic model folder page).
        if (typeof version === "string" && Number.parseFloat(version) < 4) {
            problems.push(`${pbism}: version ${version} means model.bim; a TMDL definition/ folder needs 4.0 or later`);
        }
        models.set(model, checkModel(root, model, files, problems));
    }
    for (const [file, document] of documents) {
        if (file.endsWith(".pbip")) {
            for (const artifact of (document.artifacts as { report?: { path?: string } }[] | undefined) ?? []) {
                const target = artifact.report?.path ?? "";
                if (!files.includes(`${target}/definition.pbir`)) {
                    problems.push(`${file}: artifact ${target} has no definition.pbir`);
                }
            }
        }
    }
    for (const pbir of files.filter((f) => f.endsWith(".Report/definition.pbir"))) {
        const report = pbir.slice(0, -"/definition.pbir".length);
        const document = documents.get(pbir);
        const byPath = (document?.datasetReference as { byPath?: { path?: string } } | undefined)?.byPath?.path;
        let model: ModelFacts | undefined;
        if (byPath !== undefined) {
            const target = path.posix.normalize(path.posix.join(report, byPath));
            if (byPath.includes("\\") || path.posix.isAbsolute(byPath)) {
                problems.push(`${pbir}: byPath must be relative with "/" separators (got ${byPath})`);
            }
            model = models.get(target);
            if (!model) {
                problems.push(`${pbir}: byPath ${byPath} is not a semantic model folder of this project`);
            }
        }
        const version = document?.version;
        if (
            typeof version === "string" &&
            Number.parseFloat(version) >= 4 &&
            !files.includes(`${report}/definition/report.json`)
        ) {
            problems.push(`${pbir}: version ${version} means PBIR, and ${report}/definition/report.json is missing`);
        }
        for (const required of ["version.json", "report.json"]) {
            if (!files.includes(`${report}/definition/${required}`)) {
                problems.push(`${report}: definition/${required} is missing`);
            }
        }
        const pagesFile = `${report}/definition/pages/pages.json`;
        const pages = documents.get(pagesFile);
        const order = (pages?.pageOrder as string[] | undefined) ?? [];
        for (const page of order) {
            if (!files.includes(`${report}/definition/pages/${page}/page.json`)) {
                problems.push(`${pagesFile}: page ${page} has no pages/${page}/page.json`);
            }
        }
        if (pages?.activePageName !== undefined && !order.includes(pages.activePageName as string)) {
            problems.push(`${pagesFile}: activePageName ${String(pages.activePageName)} is not in pageOrder`);
        }
        for (const [file, document] of documents) {
            if (!file.startsWith(`${report}/definition/pages/`)) {
                continue;
            }
            const folder = file.split("/").slice(-2, -1)[0];
            if ((file.endsWith("/page.json") || file.endsWith("/visual.json")) && document.name !== folder) {
                problems.push(`${file}: name ${JSON.stringify(document.name)} must be its folder's name, ${folder}`);
            }
            if (!file.endsWith("/visual.json") || !model) {
                continue;
            }
            const queryState =
                ((document.visual as { query?: { queryState?: Record<string, { projections?: unknown[] }> } })?.query
                    ?.queryState as Record<string, { projections?: { field?: Record<string, unknown> }[] }>) ?? {};
            for (const [role, { projections }] of Object.entries(queryState)) {
                for (const { field } of projections ?? []) {
                    const [kind, ref] = Object.entries(field ?? {})[0] ?? [];
                    const { Expression, Property } = (ref ?? {}) as {
                        Expression?: { SourceRef?: { Entity?: string } };
                        Property?: string;
                    };
                    const entity = Expression?.SourceRef?.Entity ?? "";
                    const names = (kind === "Measure" ? model.measures : model.columns).get(entity);
                    if (!names) {
                        problems.push(`${file}: ${role} reads table ${entity}, which the model does not have`);
                    } else if (!names.has(Property ?? "")) {
                        problems.push(
                            `${file}: ${role} reads ${kind === "Measure" ? "measure" : "column"} ${entity}[${Property}], which table ${entity} does not have`,
                        );
                    }
                }
            }
        }
    }
    return problems;
}
