// A small parser of TMDL (Tabular Model Definition Language) for the constructs `npm run powerbi` writes.
//
// Written from Microsoft's "Tabular Model Definition Language (TMDL) overview": an object is declared on a line of its
// own (`table weather_summary`, `measure Events = SUM(...)`), its properties and child objects follow one tab deeper,
// a property is `name: value`, and an object's default property or an expression property follows `=`, either on the
// same line or, when the line ends at `=`, on the lines after it indented deeper than the property (or between lines
// of three backticks). Names holding spaces or other characters are single-quoted, with `''` for a quote.
//
// It knows only the objects and properties listed in `grammar` below (the ones we emit): anything else is an error, so
// a typo in the generator fails a test instead of reaching Power BI Desktop.

/** One object of a TMDL document: its keyword, name, `=` value, properties and child objects. */
export interface TmdlObject {
    keyword: string;
    name: string;
    /** The text after `=` on the declaration (a measure's DAX, a partition's source type), multi-line joined by \n. */
    value?: string;
    properties: Record<string, string>;
    children: TmdlObject[];
    /** 1-based line of the declaration, for messages. */
    line: number;
}

export class TmdlError extends Error {
    constructor(
        readonly file: string,
        readonly line: number,
        message: string,
    ) {
        super(`${file}:${line}: ${message}`);
        this.name = "TmdlError";
    }
}

interface ObjectGrammar {
    /** Whether the declaration may (or, for `required`, must) carry an `= value`. */
    value: "none" | "optional" | "required";
    properties: readonly string[];
    /** Properties whose value is an expression (may span lines). */
    expressionProperties?: readonly string[];
    children: readonly string[];
}

/** The objects a document may hold at its top level, and what each may contain. */
const grammar: Record<string, ObjectGrammar> = {
    database: { value: "none", properties: ["compatibilityLevel"], children: [] },
    model: {
        value: "none",
        properties: ["culture", "defaultPowerBIDataSourceVersion", "sourceQueryCulture", "discourageImplicitMeasures"],
        children: ["annotation"],
    },
    ref: { value: "none", properties: [], children: [] },
    table: { value: "none", properties: ["lineageTag"], children: ["column", "measure", "partition", "annotation"] },
    column: {
        value: "none",
        properties: ["dataType", "formatString", "lineageTag", "summarizeBy", "sourceColumn"],
        children: ["annotation"],
    },
    measure: {
        value: "required",
        properties: ["formatString", "lineageTag", "displayFolder", "description"],
        children: ["annotation"],
    },
    partition: { value: "required", properties: ["mode", "source"], expressionProperties: ["source"], children: [] },
    expression: {
        value: "required",
        properties: ["lineageTag", "queryGroup", "description"],
        children: ["annotation"],
    },
    annotation: { value: "required", properties: [], children: [] },
};

// `ref table X` (top level of model.tmdl) lists a table of the model, whose definition is in tables/X.tmdl.
const topLevel = ["database", "model", "ref", "table", "expression"];
const referencable = ["table"];

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*/;

interface Line {
    number: number;
    depth: number;
    text: string;
}

/** Splits a name off the start of `text`: an identifier, or a single-quoted name with '' for a quote. */
function readName(text: string, file: string, line: number): { name: string; rest: string } {
    if (text.startsWith("'")) {
        let name = "";
        let i = 1;
        while (i < text.length) {
            if (text[i] === "'") {
                if (text[i + 1] === "'") {
                    name += "'";
                    i += 2;
                    continue;
                }
                return { name, rest: text.slice(i + 1) };
            }
            name += text[i];
            i += 1;
        }
        throw new TmdlError(file, line, `unterminated quoted name ${text}: a name opened with ' must close with '`);
    }
    const match = namePattern.exec(text);
    if (!match) {
        throw new TmdlError(file, line, `expected a name, got "${text}"`);
    }
    return { name: match[0], rest: text.slice(match[0].length) };
}

/** Writes `name` as TMDL expects it: bare when it is an identifier, quoted otherwise. */
export function tmdlName(name: string): string {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

function splitLines(text: string): Line[] {
    // Depth is the number of leading tabs; spaces after them belong to the text, which is an error on a declaration or
    // property line (see parseTmdl) and content inside an expression (M and DAX may indent with spaces).
    return text.split(/\r?\n/).map((raw, index) => {
        const tabs = /^\t*/.exec(raw)![0].length;
        return { number: index + 1, depth: tabs, text: raw.slice(tabs).trimEnd() };
    });
}

/** Checks an M or DAX expression's double-quoted strings are closed (`""` is a quote inside a string). */
function checkStrings(expression: string, file: string, line: number): void {
    const withoutEscapes = expression.replace(/""/g, "");
    if ((withoutEscapes.match(/"/g) ?? []).length % 2 !== 0) {
        throw new TmdlError(file, line, 'unterminated string in expression: a " is never closed');
    }
}

/**
 * Reads an expression that starts after `=` on line `lines[index]`: the text on that line, or (when the line ends at
 * `=`) the following lines deeper than `depth`, or a block between lines of three backticks. Returns it and the index
 * of the next line to parse.
 */
function readExpression(
    lines: Line[],
    index: number,
    inline: string,
    depth: number,
    file: string,
): { expression: string; next: number } {
    const start = lines[index];
    if (inline === "```") {
        const body: string[] = [];
        for (let i = index + 1; i < lines.length; i += 1) {
            if (lines[i].text === "```") {
                const expression = body.join("\n");
                checkStrings(expression, file, start.number);
                return { expression, next: i + 1 };
            }
            body.push("\t".repeat(Math.max(0, lines[i].depth - depth - 1)) + lines[i].text);
        }
        throw new TmdlError(file, start.number, "unterminated expression: the ``` block is never closed");
    }
    if (inline !== "") {
        checkStrings(inline, file, start.number);
        return { expression: inline, next: index + 1 };
    }
    const body: string[] = [];
    let i = index + 1;
    for (; i < lines.length; i += 1) {
        const line = lines[i];
        if (line.text === "") {
            body.push("");
            continue;
        }
        if (line.depth <= depth) {
            break;
        }
        body.push("\t".repeat(line.depth - depth - 1) + line.text);
    }
    while (body.length > 0 && body[body.length - 1] === "") {
        body.pop();
        i -= 1;
    }
    if (body.length === 0) {
        throw new TmdlError(
            file,
            start.number,
            'unterminated expression: nothing follows "=" (write it on the same line or on lines indented one tab deeper)',
        );
    }
    const expression = body.join("\n");
    checkStrings(expression, file, start.number);
    return { expression, next: i };
}

/**
 * Parses one TMDL document. Throws a TmdlError naming the file and line on bad indentation, an unknown keyword or
 * property, a missing or unexpected `=`, or an unterminated expression or name.
 */
export function parseTmdl(text: string, file = "<tmdl>"): TmdlObject[] {
    const lines = splitLines(text);
    const roots: TmdlObject[] = [];
    // The open objects, innermost last; an object at depth d holds its properties and children at depth d + 1.
    const stack: { object: TmdlObject; depth: number }[] = [];
    let index = 0;
    while (index < lines.length) {
        const line = lines[index];
        if (line.text === "") {
            index += 1;
            continue;
        }
        if (line.text.startsWith(" ")) {
            const indent = /^[\t ]*/.exec(line.text)![0];
            throw new TmdlError(
                file,
                line.number,
                `indentation must be tabs, one per level (got ${line.depth} tab(s) then ${indent.length} space(s))`,
            );
        }
        while (stack.length > 0 && stack[stack.length - 1].depth >= line.depth) {
            stack.pop();
        }
        const parent = stack[stack.length - 1];
        const expectedDepth = parent ? parent.depth + 1 : 0;
        if (line.depth !== expectedDepth) {
            throw new TmdlError(
                file,
                line.number,
                `wrong indentation: expected ${expectedDepth} tab(s) here, got ${line.depth}`,
            );
        }
        const keyword = namePattern.exec(line.text)?.[0] ?? "";
        const rest = line.text.slice(keyword.length);
        const parentGrammar = parent ? grammar[parent.object.keyword] : undefined;

        // A property: `name: value`, or `name =` followed by an expression.
        const propertyMatch = /^:\s?(.*)$/.exec(rest) ?? /^\s*=\s*(.*)$/.exec(rest);
        if (parent && parentGrammar && propertyMatch && parentGrammar.properties.includes(keyword)) {
            const isExpression = rest.trimStart().startsWith("=");
            if (isExpression !== (parentGrammar.expressionProperties ?? []).includes(keyword)) {
                throw new TmdlError(
                    file,
                    line.number,
                    isExpression
                        ? `property "${keyword}" takes "${keyword}: value", not "="`
                        : `property "${keyword}" is an expression: write "${keyword} =" and the expression`,
                );
            }
            if (keyword in parent.object.properties) {
                throw new TmdlError(file, line.number, `property "${keyword}" is set twice`);
            }
            if (isExpression) {
                const { expression, next } = readExpression(lines, index, propertyMatch[1], line.depth, file);
                parent.object.properties[keyword] = expression;
                index = next;
            } else {
                if (propertyMatch[1].trim() === "") {
                    throw new TmdlError(file, line.number, `property "${keyword}" has no value`);
                }
                parent.object.properties[keyword] = propertyMatch[1].trim();
                index += 1;
            }
            continue;
        }

        const allowed = parentGrammar ? parentGrammar.children : topLevel;
        if (!allowed.includes(keyword)) {
            const where = parent ? `in ${parent.object.keyword} ${parent.object.name}` : "at the top level";
            const properties = parentGrammar?.properties.length
                ? `; properties: ${parentGrammar.properties.join(", ")}`
                : "";
            throw new TmdlError(
                file,
                line.number,
                `unknown keyword "${keyword || line.text}" ${where}; allowed: ${allowed.join(", ") || "nothing"}${properties}`,
            );
        }
        const spec = grammar[keyword];
        let afterKeyword = rest;
        if (keyword === "ref") {
            const target = namePattern.exec(afterKeyword.trimStart())?.[0] ?? "";
            if (!referencable.includes(target)) {
                throw new TmdlError(file, line.number, `"ref" must name a ${referencable.join(" or ")}`);
            }
            afterKeyword = afterKeyword.trimStart().slice(target.length);
        }
        if (!afterKeyword.startsWith(" ")) {
            throw new TmdlError(file, line.number, `"${keyword}" needs a name after a space`);
        }
        const { name, rest: afterName } = readName(afterKeyword.slice(1), file, line.number);
        afterKeyword = afterName;
        const object: TmdlObject = { keyword, name, properties: {}, children: [], line: line.number };
        const valueMatch = /^\s*=\s*(.*)$/.exec(afterKeyword);
        if (afterKeyword.trim() !== "" && !valueMatch) {
            throw new TmdlError(
                file,
                line.number,
                `unexpected text after the name of ${keyword} ${name}: "${afterKeyword}"`,
            );
        }
        if (valueMatch && spec.value === "none") {
            throw new TmdlError(file, line.number, `${keyword} ${name} takes no "=" value`);
        }
        if (!valueMatch && spec.value === "required") {
            throw new TmdlError(file, line.number, `${keyword} ${name} needs "= value"`);
        }
        index += 1;
        if (valueMatch) {
            const { expression, next } = readExpression(lines, index - 1, valueMatch[1], line.depth + 1, file);
            object.value = expression;
            // A multi-line default expression sits two tabs deeper; properties follow one tab deeper.
            index = next;
        }
        (parent ? parent.object.children : roots).push(object);
        stack.push({ object, depth: line.depth });
    }
    return roots;
}
