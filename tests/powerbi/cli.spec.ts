// Tests of the `powerbi` command line, spawned as `npm run powerbi` runs it: exit codes, messages, --out safety.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const repoRoot = path.resolve(__dirname, "..", "..");
const tsxCli = require.resolve("tsx/cli");

interface Result {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs the tool with a PATH that has no Pulumi CLI, so nothing on the machine running the tests changes the outcome. */
function powerbi(args: string[]): Promise<Result> {
    const emptyBin = mkdtempSync(path.join(tmpdir(), "lakestream-powerbi-bin-"));
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [tsxCli, path.join(repoRoot, "src", "powerbi", "cli.ts"), ...args],
            { cwd: repoRoot, env: { PATH: emptyBin, HOME: emptyBin }, timeout: 120_000 },
            (error, stdout, stderr) => {
                const code = error ? ((error as { code?: number | null }).code ?? null) : 0;
                resolve({ code: typeof code === "number" ? code : null, stdout, stderr });
            },
        );
    });
}

function tempDir(): string {
    return mkdtempSync(path.join(tmpdir(), "lakestream-powerbi-"));
}

function outputsFile(outputs: Record<string, unknown>): string {
    const file = path.join(tempDir(), "outputs.json");
    writeFileSync(file, JSON.stringify(outputs));
    return file;
}

const powerBi = {
    host: "adb-1234567890123456.7.azuredatabricks.net",
    httpPath: "/sql/1.0/warehouses/abcdef0123456789",
    catalog: "lakestream_prod",
    schema: "gold",
    table: "weather_summary",
    pbids: "{}",
};

describe("powerbi command line", function () {
    this.timeout(120_000);

    it("writes and checks a project from a deployed stack's outputs file", async () => {
        const out = path.join(tempDir(), "project");
        const result = await powerbi(["--stack", "prod", "--outputs-file", outputsFile({ powerBi }), "--out", out]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /wrote 15 files of lakestream-prod to /);
        assert.match(result.stdout, /checks passed; open .*lakestream-prod\.pbip in Power BI Desktop/);
        assert.ok(fs.existsSync(path.join(out, "lakestream-prod.pbip")));
        const expressions = fs.readFileSync(
            path.join(out, "lakestream-prod.SemanticModel", "definition", "expressions.tmdl"),
            "utf8",
        );
        assert.ok(expressions.includes('"lakestream_prod"'));
    });

    for (const stack of ["dev", "prod"]) {
        it(`writes a project from the offline plan of Pulumi.${stack}.yaml, naming the placeholders`, async () => {
            const out = path.join(tempDir(), "project");
            const result = await powerbi(["--stack-file", `Pulumi.${stack}.yaml`, "--out", out]);
            assert.equal(result.code, 0, result.stderr);
            assert.match(
                result.stdout,
                /placeholders \(the offline plan does not know them\): powerBi\.host, powerBi\.httpPath, powerBi\.catalog, powerBi\.schema/,
            );
            assert.match(result.stdout, /checks passed/);
            const expressions = fs.readFileSync(
                path.join(out, `lakestream-${stack}.SemanticModel`, "definition", "expressions.tmdl"),
                "utf8",
            );
            assert.ok(expressions.includes('"<powerBi.host from pulumi up>"'));
        });
    }

    it("replaces a project it wrote before, and leaves nothing of the old one", async () => {
        const out = path.join(tempDir(), "project");
        const outputs = outputsFile({ powerBi });
        assert.equal((await powerbi(["--stack", "old", "--outputs-file", outputs, "--out", out])).code, 0);
        const second = await powerbi([
            "--stack",
            "prod",
            "--outputs-file",
            outputs,
            "--out",
            out,
            "--refresh-minutes",
            "60",
        ]);
        assert.equal(second.code, 0, second.stderr);
        assert.deepEqual(fs.readdirSync(out).sort(), [
            ".gitignore",
            ".lakestream-powerbi.json",
            "lakestream-prod.Report",
            "lakestream-prod.SemanticModel",
            "lakestream-prod.pbip",
        ]);
        const page = fs.readFileSync(
            path.join(out, "lakestream-prod.Report", "definition", "pages", "readersView", "page.json"),
            "utf8",
        );
        assert.ok(page.includes('"3600L"'));
    });

    describe("exits 2 with a message that says what is wrong", () => {
        it("on an unknown flag, listing the allowed ones", async () => {
            const result = await powerbi(["--stack", "dev", "--out", tempDir(), "--outdir", "x"]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /Unknown option '--outdir'/);
            assert.match(
                result.stderr,
                /allowed flags: --stack, --stack-file, --outputs-file, --out, --refresh-minutes, --help/,
            );
        });

        it("without --out", async () => {
            const result = await powerbi(["--stack", "dev"]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /^error: --out DIR is required/);
        });

        it("without a stack, an outputs file or a stack file", async () => {
            const result = await powerbi(["--out", tempDir()]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /one of --stack NAME, --outputs-file FILE or --stack-file FILE is required/);
        });

        it("on --stack-file with --outputs-file", async () => {
            const result = await powerbi([
                "--stack-file",
                "Pulumi.dev.yaml",
                "--outputs-file",
                "x.json",
                "--out",
                tempDir(),
            ]);
            assert.equal(result.code, 2);
            assert.match(
                result.stderr,
                /--stack-file \(the offline plan\) and --outputs-file \(a deployed stack\) exclude each other/,
            );
        });

        it("on a refresh interval out of range", async () => {
            const result = await powerbi(["--stack", "dev", "--out", tempDir(), "--refresh-minutes", "0"]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /--refresh-minutes must be an integer between 1 and 1440 \(got 0\)/);
        });

        it("on a stack whose outputs cannot be read, pointing at the offline project", async () => {
            const result = await powerbi(["--stack", "dev", "--out", tempDir()]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /needs the Pulumi CLI/);
            assert.match(result.stderr, /pass --stack-file Pulumi\.dev\.yaml/);
        });

        it("on outputs without powerBi (a stack not yet deployed)", async () => {
            const result = await powerbi([
                "--stack",
                "dev",
                "--outputs-file",
                outputsFile({ jobId: "1" }),
                "--out",
                tempDir(),
            ]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /stack "dev" has no output "powerBi"; run "pulumi up" for that stack first/);
        });

        it("on a powerBi output missing its HTTP path", async () => {
            const { httpPath: _omitted, ...partial } = powerBi;
            void _omitted;
            const result = await powerbi([
                "--stack",
                "dev",
                "--outputs-file",
                outputsFile({ powerBi: partial }),
                "--out",
                tempDir(),
            ]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /output "powerBi" of stack "dev" has no "httpPath"/);
        });

        it("on a powerBi output whose host has a scheme, or whose table could not name a file", async () => {
            for (const [field, value, message] of [
                [
                    "host",
                    "https://adb-1.azuredatabricks.net",
                    /"powerBi\.host" of stack "dev" must be a host name without scheme/,
                ],
                [
                    "table",
                    "../weather",
                    /"powerBi\.table" of stack "dev" must be letters, digits and "_" \(got "\.\.\/weather"\)/,
                ],
            ] as const) {
                const outputs = outputsFile({ powerBi: { ...powerBi, [field]: value } });
                const result = await powerbi(["--stack", "dev", "--outputs-file", outputs, "--out", tempDir()]);
                assert.equal(result.code, 2, field);
                assert.match(result.stderr, message);
            }
        });

        it("on a non-empty --out that is not a project it wrote, touching nothing", async () => {
            const out = tempDir();
            writeFileSync(path.join(out, "mine.txt"), "keep me");
            const result = await powerbi(["--stack", "dev", "--outputs-file", outputsFile({ powerBi }), "--out", out]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /--out .* is not empty and it is not a project written by npm run powerbi/);
            assert.deepEqual(fs.readdirSync(out), ["mine.txt"]);
        });

        it("on a project folder it wrote to which someone added a file, touching nothing", async () => {
            const out = path.join(tempDir(), "project");
            const outputs = outputsFile({ powerBi });
            assert.equal((await powerbi(["--stack", "dev", "--outputs-file", outputs, "--out", out])).code, 0);
            writeFileSync(path.join(out, "notes.md"), "keep me");
            const result = await powerbi(["--stack", "dev", "--outputs-file", outputs, "--out", out]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /it also holds notes\.md, which npm run powerbi did not write/);
            assert.ok(fs.existsSync(path.join(out, "lakestream-dev.pbip")));
        });
    });
});
