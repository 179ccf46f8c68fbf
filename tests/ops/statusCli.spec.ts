// Tests of the `status` command line: JSON and text output, partial failures, credentials, bad flags, spawned.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { FakeEventHubsServer } from "../support/eventHubsServer";
import { FakeDatabricks } from "./support/fakeDatabricks";
import { clusterId, fakeToken, jobId, runningPipeline, warehouseId } from "./support/fixtures";
import { runCli, writeOutputsFile } from "./support/runCli";

describe("status command line", () => {
    let fake: FakeDatabricks;
    let hub: FakeEventHubsServer;
    let outputsFile: string;
    let listenConnectionString: string;

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
        listenConnectionString = hub.connectionString("listen");
        outputsFile = writeOutputsFile({
            workspaceUrl: host,
            jobId: String(jobId),
            clusterId,
            sqlWarehouseId: warehouseId,
            listenConnectionString,
            powerBi: { catalog: "lakestream_dev", schema: "gold", table: "weather_summary" },
        });
    });
    afterEach(async () => {
        await fake.close();
        await hub.stop();
    });

    it("--json prints one document with every part, and no secret", async () => {
        const result = await runCli("status", ["--outputs-file", outputsFile, "--stack", "dev", "--json"], {
            DATABRICKS_TOKEN: fakeToken,
        });

        assert.equal(result.code, 0, result.stderr);
        const report = JSON.parse(result.stdout);
        assert.equal(report.stack, "dev");
        assert.deepEqual(report.verdict, { state: "healthy", reasons: [] });
        for (const name of ["job", "cluster", "eventHubs", "gold", "lag"]) {
            assert.equal(report[name].error, null, name);
        }
        assert.equal(report.job.data.activeRuns[0].tasks.length, 3);
        assert.deepEqual(report.eventHubs.data.partitions[1], {
            partitionId: "1",
            isEmpty: false,
            lastEnqueuedSequenceNumber: 0,
            lastEnqueuedOnUtc: "2026-03-01T10:08:00.000Z",
        });
        assert.equal(report.lag.data.lagSeconds, 0);
        assert.ok(!result.stdout.includes(fakeToken));
        assert.ok(!result.stdout.includes("bGlzdGVuLW9ubHktdGVzdC1rZXk="));
    });

    it("prints every reachable part when the cluster endpoint is forbidden, and exits 1", async () => {
        fake.failures.set("GET /api/2.1/clusters/get", {
            status: 403,
            body: { error_code: "PERMISSION_DENIED", message: "You do not have permission to view this cluster." },
        });

        const result = await runCli("status", ["--outputs-file", outputsFile, "--stack", "dev"], {
            DATABRICKS_TOKEN: fakeToken,
        });

        assert.equal(result.code, 1);
        assert.match(result.stdout, /^pipeline {3}unknown: cluster could not be read$/m);
        assert.match(result.stdout, /^job {8}42 "lakestream-dev-medallion", continuous \(UNPAUSED\), 1 active run$/m);
        assert.match(
            result.stdout,
            /^cluster {4}unavailable: GET \/api\/2.1\/clusters\/get: HTTP 403 PERMISSION_DENIED/m,
        );
        assert.match(result.stdout, /^event hubs hub "weather", 2 partitions$/m);
        assert.match(result.stdout, /^ {2}partition 0 {2}empty$/m);
        assert.match(result.stdout, /^ {2}Seattle {2}2026-03-01T10:05:00.000Z to 2026-03-01T10:10:00.000Z$/m);
        assert.match(result.stdout, /^lag {8}0 s \(newest event 2026-03-01T10:08:00.000Z/m);
    });

    it("without any Databricks credential explains it per part and still shows Event Hubs", async () => {
        const result = await runCli("status", ["--outputs-file", outputsFile, "--stack", "dev", "--json"]);

        assert.equal(result.code, 1);
        const report = JSON.parse(result.stdout);
        for (const name of ["job", "cluster", "gold"]) {
            assert.match(report[name].error, /no Databricks credential: DATABRICKS_TOKEN is not set/, name);
            assert.match(report[name].error, /az login/, name);
        }
        assert.equal(report.eventHubs.error, null);
        assert.equal(report.eventHubs.data.partitions.length, 2);
        assert.deepEqual(fake.requests, []);
    });

    it("says which outputs are missing without stopping the other parts", async () => {
        const partial = writeOutputsFile({ listenConnectionString });

        const result = await runCli("status", ["--outputs-file", partial, "--stack", "dev", "--json"], {
            DATABRICKS_TOKEN: fakeToken,
        });

        assert.equal(result.code, 1);
        const report = JSON.parse(result.stdout);
        assert.match(report.job.error, /stack "dev" has no output "workspaceUrl"/);
        assert.match(report.gold.error, /needs a SQL warehouse/);
        assert.equal(report.eventHubs.data.partitions.length, 2);
    });

    it("rejects a bad --max-lag-minutes with exit 2", async () => {
        const result = await runCli("status", ["--outputs-file", outputsFile, "--max-lag-minutes", "0"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /--max-lag-minutes must be a number between 1 and 1440 \(got 0\)/);
    });

    it("rejects an unknown flag with exit 2 and lists the allowed ones", async () => {
        const result = await runCli("status", ["--stack", "dev", "--verbose"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /--verbose/);
        assert.match(
            result.stderr,
            /allowed flags: --stack, --outputs-file, --json, --max-lag-minutes, --timeout, --help/,
        );
    });

    it("rejects an outputs file that is not JSON with exit 2", async () => {
        const notJson = writeOutputsFile({});
        writeFileSync(notJson, "Current stack outputs (3):");
        const result = await runCli("status", ["--outputs-file", notJson]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /not JSON; write it with "pulumi stack output --json --show-secrets/);
    });
});
