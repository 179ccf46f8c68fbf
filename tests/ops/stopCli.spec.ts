// Tests of the `stop` command line: flags, exit codes, credentials and output, spawned as `npm run stop` runs it.
import assert from "node:assert/strict";
import { FakeDatabricks } from "./support/fakeDatabricks";
import { clusterId, fakeToken, jobId, runningPipeline } from "./support/fixtures";
import { runCli, writeOutputsFile } from "./support/runCli";

const listenConnectionString =
    "Endpoint=sb://lakestream-dev.servicebus.windows.net/;SharedAccessKeyName=listen;" +
    "SharedAccessKey=c2VjcmV0LWxpc3Rlbi1rZXktdmFsdWU=;EntityPath=weather";

describe("stop command line", () => {
    let fake: FakeDatabricks;
    let outputsFile: string;
    let host: string;

    beforeEach(async () => {
        fake = new FakeDatabricks(fakeToken);
        runningPipeline(fake);
        host = await fake.start();
        outputsFile = writeOutputsFile({
            workspaceUrl: host,
            jobId: String(jobId),
            clusterId,
            listenConnectionString,
        });
    });
    afterEach(() => fake.close());

    it("stops the pipeline, then says there is nothing to stop, and never prints the token", async () => {
        const first = await runCli("stop", ["--outputs-file", outputsFile, "--stack", "dev"], {
            DATABRICKS_TOKEN: fakeToken,
        });
        assert.equal(first.code, 0, first.stderr);
        assert.match(first.stdout, /^stopping stack "dev" on http:\/\/127\.0\.0\.1:\d+$/m);
        assert.match(first.stdout, /^ {2}paused continuous job 42 "lakestream-dev-medallion"$/m);
        assert.match(first.stdout, /^ {2}cancelled run 1001 of job 42 \(RUNNING\)$/m);
        assert.match(first.stdout, /^ {2}terminated cluster 0101-120000-abcd1234 "lakestream-dev" \(RUNNING\)$/m);

        const second = await runCli("stop", ["--outputs-file", outputsFile], { DATABRICKS_TOKEN: fakeToken });
        assert.equal(second.code, 0, second.stderr);
        assert.match(second.stdout, /nothing to stop/);
        for (const output of [first.stdout, first.stderr, second.stdout, second.stderr]) {
            assert.ok(!output.includes(fakeToken));
        }
    });

    it("--dry-run sends no change", async () => {
        const result = await runCli("stop", ["--outputs-file", outputsFile, "--dry-run"], {
            DATABRICKS_TOKEN: fakeToken,
        });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /would terminate cluster/);
        assert.deepEqual(fake.mutatingRequests(), []);
        assert.equal(fake.clusters.get(clusterId)?.state, "RUNNING");
    });

    it("exits 1 and says what failed when the workspace refuses a call", async () => {
        fake.failures.set("POST /api/2.1/clusters/delete", {
            status: 403,
            body: { error_code: "PERMISSION_DENIED", message: "Only admins can terminate this cluster." },
        });
        const result = await runCli("stop", ["--outputs-file", outputsFile], { DATABRICKS_TOKEN: fakeToken });
        assert.equal(result.code, 1);
        assert.match(result.stdout, /cancelled run 1001/);
        assert.match(
            result.stdout,
            /could not terminate cluster 0101-120000-abcd1234 "lakestream-dev" \(RUNNING\): POST \/api\/2.1\/clusters\/delete: HTTP 403 PERMISSION_DENIED Only admins can terminate this cluster\. \(the personal access token \(DATABRICKS_TOKEN\) is valid but lacks the permission for this call\)/,
        );
    });

    it("explains the missing credential when neither DATABRICKS_TOKEN nor an Azure CLI login exists", async () => {
        const result = await runCli("stop", ["--outputs-file", outputsFile]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /no Databricks credential: DATABRICKS_TOKEN is not set/);
        assert.match(result.stderr, /Azure CLI could not be found/);
        assert.match(result.stderr, /set DATABRICKS_TOKEN to a personal access token/);
        assert.match(result.stderr, /az login/);
        assert.deepEqual(fake.requests, []);
    });

    it("says a token was rejected, naming the credential", async () => {
        const result = await runCli("stop", ["--outputs-file", outputsFile], {
            DATABRICKS_TOKEN: "dapi-wrong-token-000000",
        });
        assert.equal(result.code, 1);
        assert.match(
            result.stdout,
            /HTTP 401 UNAUTHENTICATED .*the personal access token \(DATABRICKS_TOKEN\) was not accepted/,
        );
        assert.ok(!result.stdout.includes("dapi-wrong-token-000000"));
    });

    it("DATABRICKS_HOST overrides the workspace URL of the outputs", async () => {
        const elsewhere = writeOutputsFile({
            workspaceUrl: "https://adb-1.1.azuredatabricks.net",
            jobId: "42",
            clusterId,
        });
        const result = await runCli("stop", ["--outputs-file", elsewhere, "--dry-run"], {
            DATABRICKS_TOKEN: fakeToken,
            DATABRICKS_HOST: host,
        });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, new RegExp(`on ${host.replace(/\./g, "\\.")}$`, "m"));
        assert.ok(fake.requests.length > 0);
    });

    describe("bad input exits 2 with a message naming the flag", () => {
        it("an unknown flag", async () => {
            const result = await runCli("stop", ["--stack", "dev", "--force"]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /--force/);
            assert.match(result.stderr, /allowed flags: --stack, --outputs-file, --dry-run, --timeout, --help/);
        });

        it("neither --stack nor --outputs-file", async () => {
            const result = await runCli("stop", []);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /--stack NAME is required/);
        });

        it("a --stack that is not a stack name", async () => {
            const result = await runCli("stop", ["--stack", "dev; rm -rf"]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /--stack must be a Pulumi stack name/);
        });

        it("an --outputs-file that does not exist", async () => {
            const result = await runCli("stop", ["--outputs-file", "/nonexistent/outputs.json"]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /--outputs-file \/nonexistent\/outputs.json: cannot read it \(ENOENT\)/);
        });

        it("outputs without a jobId", async () => {
            const file = writeOutputsFile({ workspaceUrl: "https://adb-1.1.azuredatabricks.net", clusterId });
            const result = await runCli("stop", ["--outputs-file", file, "--stack", "dev"], {
                DATABRICKS_TOKEN: fakeToken,
            });
            assert.equal(result.code, 2);
            assert.match(result.stderr, /stack "dev" has no output "jobId"/);
        });

        it("--stack without the Pulumi CLI installed", async () => {
            const result = await runCli("stop", ["--stack", "dev"], { DATABRICKS_TOKEN: fakeToken });
            assert.equal(result.code, 2);
            assert.match(result.stderr, /needs the Pulumi CLI/);
        });
    });
});
