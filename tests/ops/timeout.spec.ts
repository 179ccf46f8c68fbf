// status and stop against workspaces and namespaces that refuse, stay silent or answer slowly: --timeout ends them.
import assert from "node:assert/strict";
import { FakeEventHubsServer } from "../support/eventHubsServer";
import { SilentServer, refusingPort } from "../support/hostileEndpoints";
import { FakeDatabricks } from "./support/fakeDatabricks";
import { clusterId, fakeToken, jobId, runningPipeline, warehouseId } from "./support/fixtures";
import { runCli, writeOutputsFile } from "./support/runCli";

/** Listen connection string for a loopback AMQP port (plain AMQP, see eventHubsServer.ts). */
function listenFor(port: number): string {
    return (
        `Endpoint=sb://127.0.0.1:${port}/;SharedAccessKeyName=listen;SharedAccessKey=bGlzdGVuLW9ubHktdGVzdC1rZXk=;` +
        "EntityPath=weather;UseDevelopmentEmulator=true"
    );
}

function outputsFor(workspaceUrl: string, listenConnectionString: string): string {
    return writeOutputsFile({
        workspaceUrl,
        jobId: String(jobId),
        clusterId,
        sqlWarehouseId: warehouseId,
        listenConnectionString,
        powerBi: { catalog: "lakestream_dev", schema: "gold", table: "weather_summary" },
    });
}

async function timed(tool: "status" | "stop", args: string[]) {
    const started = Date.now();
    const result = await runCli(tool, args, { DATABRICKS_TOKEN: fakeToken });
    return { ...result, seconds: (Date.now() - started) / 1000 };
}

describe("status and stop end by their --timeout", () => {
    describe("against endpoints that accept and never answer", () => {
        let workspace: SilentServer;
        let namespace: SilentServer;
        let outputsFile: string;

        beforeEach(async () => {
            workspace = new SilentServer();
            namespace = new SilentServer();
            await workspace.start();
            await namespace.start();
            outputsFile = outputsFor(`http://127.0.0.1:${workspace.port}`, listenFor(namespace.port));
        });
        afterEach(async () => {
            await workspace.stop();
            await namespace.stop();
        });

        it("status exits 3 naming both endpoints, every part saying it got no answer", async () => {
            const result = await timed("status", [
                "--outputs-file",
                outputsFile,
                "--stack",
                "dev",
                "--json",
                "--timeout",
                "2",
            ]);
            assert.equal(result.code, 3, result.stderr);
            const report = JSON.parse(result.stdout);
            assert.deepEqual(report.timedOut, ["job", "cluster", "eventHubs", "gold"]);
            for (const name of ["job", "cluster", "eventHubs", "gold"]) {
                assert.equal(report[name].error, "no answer before the deadline (--timeout)", name);
            }
            assert.equal(report.verdict.state, "unknown");
            assert.match(
                result.stderr,
                new RegExp(
                    `error: timed out after 2 s \\(--timeout\\): no answer from http://127\\.0\\.0\\.1:${workspace.port} \\(job\\), ` +
                        `http://127\\.0\\.0\\.1:${workspace.port} \\(cluster\\), sb://127\\.0\\.0\\.1:${namespace.port}/ \\(event hubs\\), ` +
                        `http://127\\.0\\.0\\.1:${workspace.port} \\(gold\\); done so far: no part could be read`,
                ),
            );
            assert.ok(workspace.accepted >= 1 && namespace.accepted >= 1, "both endpoints were dialled");
            assert.ok(result.seconds < 20, `exited after ${result.seconds} s`);
        });

        it("stop exits 3, shows the step it was on, and lists the steps it did not attempt", async () => {
            const result = await timed("stop", ["--outputs-file", outputsFile, "--stack", "dev", "--timeout", "2"]);
            assert.equal(result.code, 3, result.stderr);
            assert.match(result.stderr, /^\.\.\. read job 42$/m);
            assert.match(
                result.stdout,
                /could not check job 42: GET \/api\/2.1\/jobs\/get: http:\/\/127\.0\.0\.1:\d+ did not answer before the deadline/,
            );
            assert.match(result.stdout, /^ {2}not attempted \(deadline passed\): list the active runs of job 42$/m);
            assert.match(result.stdout, /^ {2}not attempted \(deadline passed\): read cluster 0101-120000-abcd1234$/m);
            assert.match(
                result.stderr,
                new RegExp(
                    `error: timed out after 2 s \\(--timeout\\): http://127\\.0\\.0\\.1:${workspace.port} did not answer in time ` +
                        "\\(2 step\\(s\\) not attempted\\); done so far: nothing changed",
                ),
            );
            assert.ok(result.seconds < 20, `exited after ${result.seconds} s`);
        });
    });

    describe("against a workspace that answers some calls slowly", () => {
        let fake: FakeDatabricks;
        let hub: FakeEventHubsServer;
        let outputsFile: string;

        beforeEach(async () => {
            fake = new FakeDatabricks(fakeToken);
            runningPipeline(fake);
            fake.statementResult = {
                columns: [
                    { name: "location", type_name: "STRING" },
                    { name: "window_start", type_name: "TIMESTAMP" },
                    { name: "window_end", type_name: "TIMESTAMP" },
                ],
                rows: [["Seattle", "2026-03-01T10:05:00.000Z", "2026-03-01T10:10:00.000Z"]],
            };
            const host = await fake.start();
            hub = new FakeEventHubsServer({ partitionCount: 2 });
            await hub.start();
            hub.append("1", '{"location":"Seattle"}', "Seattle", new Date("2026-03-01T10:08:00Z"));
            outputsFile = outputsFor(host, hub.connectionString("listen"));
        });
        afterEach(async () => {
            await fake.close();
            await hub.stop();
        });

        it("stop reports what it did before the deadline, and what it did not attempt", async () => {
            fake.delays.set("POST /api/2.1/jobs/runs/cancel", 10_000);
            const result = await timed("stop", ["--outputs-file", outputsFile, "--timeout", "3"]);
            assert.equal(result.code, 3, result.stderr);
            assert.match(result.stdout, /^ {2}paused continuous job 42 "lakestream-dev-medallion"$/m);
            assert.match(
                result.stdout,
                /could not cancel run 1001 of job 42 \(RUNNING\): .*did not answer before the deadline/,
            );
            assert.match(result.stdout, /^ {2}not attempted \(deadline passed\): read cluster 0101-120000-abcd1234$/m);
            assert.match(result.stderr, /^\.\.\. cancel run 1001 of job 42 \(RUNNING\)$/m);
            assert.match(result.stderr, /done so far: continuous job 42 "lakestream-dev-medallion"$/m);
            // The cluster was never asked to terminate.
            assert.equal(fake.clusters.get(clusterId)?.state, "RUNNING");
        });

        it("status shows the parts it read and exits 3 when the gold query outlasts the deadline", async () => {
            fake.delays.set("POST /api/2.0/sql/statements", 10_000);
            const result = await timed("status", ["--outputs-file", outputsFile, "--json", "--timeout", "3"]);
            assert.equal(result.code, 3, result.stderr);
            const report = JSON.parse(result.stdout);
            assert.deepEqual(report.timedOut, ["gold"]);
            assert.equal(report.job.error, null);
            assert.equal(report.cluster.error, null);
            assert.equal(report.eventHubs.error, null);
            assert.match(
                result.stderr,
                /no answer from http:\/\/127\.0\.0\.1:\d+ \(gold\); done so far: read job, cluster, eventHubs/,
            );
        });

        it("status shows progress while the warehouse works on the gold query, and succeeds within the timeout", async () => {
            fake.statementPolls = 1;
            const result = await timed("status", ["--outputs-file", outputsFile, "--json", "--timeout", "30"]);
            assert.equal(result.code, 0, result.stderr);
            assert.match(
                result.stderr,
                /^\.\.\. SQL warehouse 7b0c2d1e3f4a5b6c: the gold query is RUNNING \(poll 1 of 45\)$/m,
            );
            assert.deepEqual(JSON.parse(result.stdout).timedOut, []);
        });
    });

    describe("against endpoints that refuse connections", () => {
        it("status and stop fail at once with exit 1, naming the workspace and the refusal", async () => {
            const port = await refusingPort();
            const outputsFile = outputsFor(`http://127.0.0.1:${port}`, listenFor(await refusingPort()));
            const stop = await timed("stop", ["--outputs-file", outputsFile, "--timeout", "30"]);
            assert.equal(stop.code, 1, stop.stderr);
            assert.match(stop.stdout, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
            const status = await timed("status", ["--outputs-file", outputsFile, "--json", "--timeout", "30"]);
            assert.ok(status.code === 1 || status.code === 3, `exit code ${status.code}: ${status.stderr}`);
            const report = JSON.parse(status.stdout);
            assert.match(report.job.error, /ECONNREFUSED/);
            assert.match(report.cluster.error, /ECONNREFUSED/);
        });
    });

    it("both refuse a bad --timeout with exit 2", async () => {
        for (const tool of ["status", "stop"] as const) {
            const result = await runCli(tool, ["--stack", "dev", "--timeout", "0"]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /--timeout must be a number between 1 and 86400 \(got 0\)/);
        }
    });
});
