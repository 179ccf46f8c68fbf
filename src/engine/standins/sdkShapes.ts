// Which properties of a resource only its provider can compute, read from the installed provider SDK's type declarations.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/**
 * The part of a resource's state that its provider computes: top-level properties the resource class declares but its
 * Args do not (e.g. azure-native's `name`, databricks' `url`), and the same rule inside object properties whose output
 * type declares more than the input type (e.g. `identity.principalId` of an access connector).
 */
export interface OutputShape {
    outputOnly: string[];
    nested: Record<string, OutputShape>;
}

/** Members of one declared class or interface: property name → the text of its type. */
type Members = Map<string, string>;

interface SdkPackage {
    dir: string;
    /** The declaration file of a resource class, from its type token. */
    classFile(token: string): string;
    /** Interfaces of `types/output.d.ts` and `types/input.d.ts`, by qualified name (`databricks.XResponse`, `JobTask`). */
    outputTypes?: Map<string, Members>;
    inputTypes?: Map<string, Members>;
}

function lowerFirst(text: string): string {
    return text.charAt(0).toLowerCase() + text.slice(1);
}

const packages: Record<string, SdkPackage> = {
    "azure-native": {
        dir: path.dirname(require.resolve("@pulumi/azure-native/package.json")),
        // azure-native:<module>:<Type> is declared in <module>/<type>.d.ts.
        classFile(token) {
            const [, module, type] = token.split(":");
            return path.join(this.dir, module, `${lowerFirst(type)}.d.ts`);
        },
    },
    databricks: {
        dir: path.dirname(require.resolve("@pulumi/databricks/package.json")),
        // databricks:index/<file>:<Type> is declared in <file>.d.ts.
        classFile(token) {
            const file = token.split(":")[1].split("/")[1];
            return path.join(this.dir, `${file}.d.ts`);
        },
    },
};

function parse(file: string): ts.SourceFile {
    return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
}

function membersOf(node: ts.ClassDeclaration | ts.InterfaceDeclaration, source: ts.SourceFile): Members {
    const members: Members = new Map();
    for (const member of node.members) {
        if ((ts.isPropertyDeclaration(member) || ts.isPropertySignature(member)) && member.type) {
            const name = member.name.getText(source).replace(/^["']|["']$/g, "");
            members.set(name, member.type.getText(source));
        }
    }
    return members;
}

/** Every interface of a types file, qualified by the namespaces around it. */
function interfacesOf(file: string): Map<string, Members> {
    const source = parse(file);
    const result = new Map<string, Members>();
    const visit = (node: ts.Node, prefix: string): void => {
        if (ts.isModuleDeclaration(node) && node.body) {
            const name = `${prefix}${node.name.getText(source)}.`;
            ts.forEachChild(node.body, (child) => visit(child, name));
        } else if (ts.isInterfaceDeclaration(node)) {
            result.set(`${prefix}${node.name.text}`, membersOf(node, source));
        } else if (ts.isModuleBlock(node)) {
            ts.forEachChild(node, (child) => visit(child, prefix));
        }
    };
    ts.forEachChild(source, (node) => visit(node, ""));
    return result;
}

function packageOf(token: string): SdkPackage {
    const sdk = packages[token.split(":")[0]];
    if (sdk === undefined) {
        throw new Error(`no installed provider SDK declares ${token}`);
    }
    return sdk;
}

/** The resource class and its Args interface, from the file that declares the class with this exact token. */
function resourceDeclaration(token: string): { outputs: Members; inputs: Members } {
    const sdk = packageOf(token);
    const file = sdk.classFile(token);
    const javascript = file.replace(/\.d\.ts$/, ".js");
    // The class's runtime file names its token; checking it keeps a file-naming guess from reading another class.
    if (!existsSync(file) || !readFileSync(javascript, "utf8").includes(`__pulumiType = '${token}'`)) {
        throw new Error(`the installed SDK has no resource ${token} (looked in ${path.relative(sdk.dir, file)})`);
    }
    const source = parse(file);
    const typeName = token.split(":")[2];
    let outputs: Members | undefined;
    let inputs: Members = new Map();
    for (const statement of source.statements) {
        if (ts.isClassDeclaration(statement) && statement.name?.text === typeName) {
            outputs = membersOf(statement, source);
        } else if (ts.isInterfaceDeclaration(statement) && statement.name.text === `${typeName}Args`) {
            inputs = membersOf(statement, source);
        }
    }
    if (outputs === undefined) {
        throw new Error(`${path.basename(file)} does not declare the class ${typeName}`);
    }
    return { outputs, inputs };
}

/** The named SDK type an output or input type text refers to (`outputs.JobTask[] | undefined` → `JobTask`). */
function referencedType(typeText: string, namespace: "outputs" | "inputs"): string | undefined {
    return new RegExp(`\\b${namespace}\\.([\\w.]+)`).exec(typeText)?.[1];
}

function nestedShape(sdk: SdkPackage, outputType: string, inputType: string, depth: number): OutputShape | undefined {
    sdk.outputTypes ??= interfacesOf(path.join(sdk.dir, "types", "output.d.ts"));
    sdk.inputTypes ??= interfacesOf(path.join(sdk.dir, "types", "input.d.ts"));
    const outputs = sdk.outputTypes.get(outputType);
    const inputs = sdk.inputTypes.get(inputType);
    if (outputs === undefined || inputs === undefined) {
        return undefined;
    }
    return compare(sdk, outputs, inputs, depth);
}

function compare(sdk: SdkPackage, outputs: Members, inputs: Members, depth: number): OutputShape {
    const shape: OutputShape = { outputOnly: [], nested: {} };
    for (const [name, outputTypeText] of outputs) {
        const inputTypeText = inputs.get(name);
        if (inputTypeText === undefined) {
            shape.outputOnly.push(name);
            continue;
        }
        const outputType = referencedType(outputTypeText, "outputs");
        const inputType = referencedType(inputTypeText, "inputs");
        // Recursive SDK types (a Job's task has a for_each_task with a task inside) end at a fixed depth.
        if (outputType && inputType && depth < 6) {
            const inner = nestedShape(sdk, outputType, inputType, depth + 1);
            if (inner && (inner.outputOnly.length > 0 || Object.keys(inner.nested).length > 0)) {
                shape.nested[name] = inner;
            }
        }
    }
    return shape;
}

/** The installed SDKs' versions: a cache of shapes is valid for exactly these. */
export function sdkVersions(): string {
    return Object.entries(packages)
        .map(([name, sdk]) => {
            const manifest = JSON.parse(readFileSync(path.join(sdk.dir, "package.json"), "utf8")) as {
                version: string;
            };
            return `${name}@${manifest.version}`;
        })
        .join(",");
}

let shapes: Map<string, OutputShape> | undefined;

/**
 * Shapes computed before, from a JSON file keyed by the SDK versions: reading azure-native's type files takes seconds,
 * and every provider process of every preview would pay it again.
 */
function cachedShapes(cacheFile: string | undefined): Map<string, OutputShape> {
    if (shapes === undefined) {
        shapes = new Map();
        if (cacheFile !== undefined && existsSync(cacheFile)) {
            try {
                const cache = JSON.parse(readFileSync(cacheFile, "utf8")) as {
                    sdks: string;
                    shapes: Record<string, OutputShape>;
                };
                if (cache.sdks === sdkVersions()) {
                    shapes = new Map(Object.entries(cache.shapes));
                }
            } catch {
                // An unreadable cache is recomputed.
            }
        }
    }
    return shapes;
}

function saveShapes(cacheFile: string, known: Map<string, OutputShape>): void {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    // Written aside and renamed, so that two provider processes never read half a file.
    const partial = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify({ sdks: sdkVersions(), shapes: Object.fromEntries(known) }));
    renameSync(partial, cacheFile);
}

/**
 * The provider-computed part of a resource type's state, per the installed SDK. Throws for a token it does not
 * declare. With `cacheFile`, shapes are read from and added to that file.
 */
export function outputShapeOf(token: string, cacheFile?: string): OutputShape {
    const known = cachedShapes(cacheFile);
    let shape = known.get(token);
    if (shape === undefined) {
        const { outputs, inputs } = resourceDeclaration(token);
        shape = compare(packageOf(token), outputs, inputs, 0);
        known.set(token, shape);
        if (cacheFile !== undefined) {
            saveShapes(cacheFile, known);
        }
    }
    return shape;
}
