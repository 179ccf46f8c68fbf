// `npm run powerbi -- --stack NAME --out DIR`: writes a Power BI Project (PBIP) over the stack's gold table and checks it.
import * as fs from "node:fs";
import * as path from "node:path";
import { type CommandLineFlags, ExitCode, numberFlag, runTool, UsageError } from "../shared/cli";
import { redactSecrets } from "../shared/redact";
import { loadStackOutputs } from "../ops/stackInputs";
import { namedStack, runPlan } from "../plan/runPlan";
import { checkProject } from "./checks";
import { connectionFromOutputs, connectionFromPlan } from "./connection";
import { buildProject, type GoldConnection, type ProjectFile } from "./project";

const usage = `usage: npm run powerbi -- --stack NAME --out DIR [--outputs-file FILE] [--refresh-minutes N]
       npm run powerbi -- --stack-file PATH/Pulumi.NAME.yaml --out DIR [--refresh-minutes N]

Writes a Power BI Project (PBIP) into DIR: a DirectQuery semantic model (TMDL) on the stack's gold table through the
Databricks connector, with measures for events and average and extreme temperature and humidity, and a report page
with the readers' views (newest window per location, average temperature per location, events per window) refreshed
automatically. Then checks every file it wrote (JSON shapes, TMDL grammar, references between files). Open
DIR/lakestream-NAME.pbip in Power BI Desktop; it asks for your Databricks sign-in. No credential is written.

  --stack NAME             read the deployed stack's outputs through the Pulumi CLI (as "npm run status" does)
  --outputs-file FILE      read them from FILE (pulumi stack output --json) instead
  --stack-file FILE        no deployed stack: take the outputs from the offline plan of this stack file; values only
                           "pulumi up" knows (host, HTTP path, catalog, schema) become placeholders named as such
  --out DIR                the project folder: new, empty, or a project this command wrote before (it is replaced)
  --refresh-minutes N      automatic page refresh interval (1-1440, default 30: the Power BI shared-capacity minimum)
  --help                   show this text

Exit codes: 0 written and checked, 1 the written project failed a check, 2 bad input (flags, outputs, --out).`;

const flagSpec = {
    stack: { type: "string" },
    "stack-file": { type: "string" },
    "outputs-file": { type: "string" },
    out: { type: "string" },
    "refresh-minutes": { type: "string" },
} as const;

/** The file in --out that says the folder holds a project we wrote, and which entries are ours to replace. */
export const markerFile = ".lakestream-powerbi.json";

interface Marker {
    generatedBy: "npm run powerbi";
    stack: string;
    entries: string[];
}

/** Makes `dir` ready for a new project: creates it, or empties what a previous run wrote; refuses anything else. */
export function prepareOut(dir: string): void {
    let entries: string[];
    try {
        const stat = fs.statSync(dir);
        if (!stat.isDirectory()) {
            throw new UsageError(`--out ${dir} is a file; give a folder (new, empty, or written by npm run powerbi)`);
        }
        entries = fs.readdirSync(dir);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            fs.mkdirSync(dir, { recursive: true });
            return;
        }
        throw error;
    }
    if (entries.length === 0) {
        return;
    }
    let marker: Marker | undefined;
    try {
        marker = JSON.parse(fs.readFileSync(path.join(dir, markerFile), "utf8")) as Marker;
    } catch {
        marker = undefined;
    }
    const ours = new Set([markerFile, ...(Array.isArray(marker?.entries) ? marker.entries : [])]);
    const foreign = entries.filter((entry) => !ours.has(entry));
    if (marker?.generatedBy !== "npm run powerbi" || foreign.length > 0) {
        const why =
            marker?.generatedBy !== "npm run powerbi"
                ? `it is not a project written by npm run powerbi (no ${markerFile})`
                : `it also holds ${foreign.join(", ")}, which npm run powerbi did not write`;
        throw new UsageError(`--out ${dir} is not empty and ${why}; give a new or empty folder`);
    }
    for (const entry of entries) {
        fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
}

export function writeProject(dir: string, files: ProjectFile[], stack: string): void {
    for (const file of files) {
        const target = path.join(dir, ...file.path.split("/"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, file.text);
    }
    const entries = [...new Set(files.map((file) => file.path.split("/")[0]))].sort();
    const marker: Marker = { generatedBy: "npm run powerbi", stack, entries };
    fs.writeFileSync(path.join(dir, markerFile), `${JSON.stringify(marker, null, 2)}\n`);
}

/** A project name from the stack's name: letters, digits, `-` and `_` only, since it names files and folders. */
function projectName(stack: string): string {
    if (stack === "") {
        return "lakestream";
    }
    return `lakestream-${stack
        .split("/")
        .pop()!
        .replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

async function main(flags: CommandLineFlags<typeof flagSpec>): Promise<number> {
    const out = flags.out;
    if (out === undefined || out === "") {
        throw new UsageError(`--out DIR is required\n\n${usage}`);
    }
    const refreshMinutes =
        numberFlag("refresh-minutes", flags["refresh-minutes"], { min: 1, max: 1440, integer: true }) ?? 30;
    if (flags["stack-file"] !== undefined && flags["outputs-file"] !== undefined) {
        throw new UsageError(
            "--stack-file (the offline plan) and --outputs-file (a deployed stack) exclude each other",
        );
    }

    let stack: string;
    let connection: GoldConnection;
    let placeholders: string[] = [];
    if (flags["stack-file"] !== undefined) {
        stack = namedStack(flags)!;
        const plan = await runPlan({ stack, stackFile: flags["stack-file"], mode: "first-deploy" });
        ({ connection, placeholders } = connectionFromPlan(plan.outputs, stack));
    } else {
        if (flags.stack === undefined && flags["outputs-file"] === undefined) {
            throw new UsageError(
                `one of --stack NAME, --outputs-file FILE or --stack-file FILE is required\n\n${usage}`,
            );
        }
        let loaded;
        try {
            loaded = await loadStackOutputs(flags);
        } catch (error) {
            // A stack never deployed (or no Pulumi CLI): the offline project is one flag away, so say which.
            if (error instanceof UsageError && flags["outputs-file"] === undefined) {
                throw new UsageError(
                    `${error.message}\nfor a project from the offline plan instead, pass --stack-file Pulumi.${flags.stack}.yaml`,
                );
            }
            throw error;
        }
        stack = flags.stack ?? "";
        connection = connectionFromOutputs(loaded.outputs, loaded.label);
    }

    const name = projectName(stack);
    const files = buildProject({ name, connection, refreshMinutes });
    // The outputs hold connection strings; nothing of theirs but the powerBi fields is written, and this proves it.
    for (const file of files) {
        if (redactSecrets(file.text) !== file.text) {
            throw new Error(`${file.path} would hold a credential; nothing was written`);
        }
    }
    prepareOut(out);
    writeProject(out, files, stack);

    const problems = checkProject(out);
    console.log(`wrote ${files.length} files of ${name} to ${out}`);
    if (placeholders.length > 0) {
        console.log(
            `placeholders (the offline plan does not know them): ${placeholders.map((p) => `powerBi.${p}`).join(", ")}; ` +
                "set them in Power BI Desktop under Transform data > Edit parameters, or regenerate after pulumi up",
        );
    }
    console.log(
        `automatic page refresh: every ${refreshMinutes} minute(s); see docs/powerbi.md for what each capacity allows and costs`,
    );
    if (problems.length > 0) {
        console.error(`the project failed ${problems.length} check(s):\n${problems.map((p) => `  ${p}`).join("\n")}`);
        return ExitCode.failed;
    }
    console.log(`checks passed; open ${path.join(out, `${name}.pbip`)} in Power BI Desktop`);
    return ExitCode.ok;
}

if (require.main === module) {
    runTool(usage, flagSpec, main);
}
