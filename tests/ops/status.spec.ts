// Tests of `status`: each part from a loopback Databricks fake and a loopback AMQP Event Hubs, failures kept apart.
import assert from "node:assert/strict";
import { CredentialUnavailableError, type TokenCredential } from "@azure/identity";
import { resolveDatabricksAuth } from "../../src/ops/databricksAuth";
import { DatabricksClient } from "../../src/ops/databricksClient";
import { connectionStringReader } from "../../src/ops/eventHubsReader";
import { collectStatus, formatStatus, statusExitCode, type StatusInputs } from "../../src/ops/status";
import type { LakestreamStackOutputs } from "../../src/shared/stackOutputs";
import { FakeEventHubsServer } from "../support/eventHubsServer";
import { FakeDatabricks } from "./support/fakeDatabricks";
import {
    activeRunId,
    clusterId,
    fakeToken,
    jobClusterId,
    jobId,
    runningPipeline,
    warehouseId,
} from "./support/fixtures";

const now = new Date("2026-03-01T10:12:00Z");

/** Gold as the warehouse returns it for the status query: location, newest window start and end, as strings. */
const goldResult = {
    columns: [
        { name: "location", type_name: "STRING" },
        { name: "window_start", type_name: "TIMESTAMP" },
        { name: "window_end", type_name: "TIMESTAMP" },
    ],
    rows: [
        ["London", "2026-03-01T10:00:00.000Z", "2026-03-01T10:05:00.000Z"],
        ["Seattle", "2026-03-01T10:05:00.000Z", "2026-03-01T10:10:00.000Z"],
    ],
};

describe("status", function () {
    let fake: FakeDatabricks;
    let hub: FakeEventHubsServer;
    let databricks: DatabricksClient;
    let outputs: Partial<LakestreamStackOutputs>;

    beforeEach(async () => {
        fake = new FakeDatabricks(fakeToken);
        runningPipeline(fake);
        fake.statementResult = goldResult;
        const host = await fake.start();
        databricks = new DatabricksClient(host, resolveDatabricksAuth({ DATABRICKS_TOKEN: fakeToken }));
        hub = new FakeEventHubsServer({ partitionCount: 2 });
        await hub.start();
        hub.append("0", '{"location":"Seattle"}', "Seattle", new Date("2026-03-01T10:09:00Z"));
        hub.append("0", '{"location":"Seattle"}', "Seattle", new Date("2026-03-01T10:09:30Z"));
        outputs = {
            workspaceUrl: host,
            jobId: String(jobId),
            clusterId,
            sqlWarehouseId: warehouseId,
            listenConnectionString: hub.connectionString("listen"),
            powerBi: {
                host: "adb-1.1.azuredatabricks.net",
                httpPath: `/sql/1.0/warehouses/${warehouseId}`,
                catalog: "lakestream_dev",
                schema: "gold",
                table: "weather_summary",
                pbids: "{}",
            },
        };
    });
    afterEach(async () => {
        await fake.close();
        await hub.stop();
    });

    const inputs = (changes: Partial<StatusInputs> = {}): StatusInputs => ({
        stack: "dev",
        outputs,
        databricks,
        eventHubs: connectionStringReader(outputs.listenConnectionString!),
        now,
        statementPollMs: 1,
        ...changes,
    });

    it("reports a healthy running pipeline, part by part", async () => {
        const report = await collectStatus(inputs());

        assert.deepEqual(report.verdict, { state: "healthy", reasons: [] });
        assert.equal(statusExitCode(report), 0);
        assert.deepEqual(report.job, {
            error: null,
            data: {
                jobId: 42,
                name: "lakestream-dev-medallion",
                trigger: "continuous",
                pauseStatus: "UNPAUSED",
                activeRuns: [
                    {
                        runId: activeRunId,
                        state: "RUNNING",
                        startedAt: "2026-03-01T09:00:00.000Z",
                        runPageUrl: "https://adb-1.1.azuredatabricks.net/?o=1#job/42/run/1001",
                        tasks: [
                            { taskKey: "bronze", state: "RUNNING", result: null },
                            { taskKey: "silver", state: "RUNNING", result: null },
                            { taskKey: "gold", state: "RUNNING", result: null },
                        ],
                        compute: [{ clusterId: jobClusterId, name: "job-42-run-1001", state: "RUNNING" }],
                    },
                ],
            },
        });
        // The all-purpose cluster runs beside the job, which does not use it: it stops after its idle time.
        assert.equal(report.cluster?.data?.state, "RUNNING");
        assert.equal(report.cluster?.data?.autoTerminatesAt, "2026-03-01T10:10:00.000Z");
        assert.equal(
            report.cluster?.data?.autoTermination,
            "at 2026-03-01T10:10:00.000Z (10 min after the last activity)",
        );
        assert.deepEqual(report.eventHubs, {
            error: null,
            data: {
                eventHubName: "weather",
                partitions: [
                    {
                        partitionId: "0",
                        isEmpty: false,
                        lastEnqueuedSequenceNumber: 1,
                        lastEnqueuedOnUtc: "2026-03-01T10:09:30.000Z",
                    },
                    { partitionId: "1", isEmpty: true, lastEnqueuedSequenceNumber: null, lastEnqueuedOnUtc: null },
                ],
            },
        });
        assert.deepEqual(report.gold.data?.windows, [
            { location: "London", windowStart: "2026-03-01T10:00:00.000Z", windowEnd: "2026-03-01T10:05:00.000Z" },
            { location: "Seattle", windowStart: "2026-03-01T10:05:00.000Z", windowEnd: "2026-03-01T10:10:00.000Z" },
        ]);
        // The newest event (10:09:30) falls inside the newest window (ends 10:10): gold is within one window.
        assert.deepEqual(report.lag.data, {
            newestEventAt: "2026-03-01T10:09:30.000Z",
            newestWindowEnd: "2026-03-01T10:10:00.000Z",
            lagSeconds: 0,
            note: null,
        });
    });

    it("makes only documented read calls, each with the bearer token", async () => {
        await collectStatus(inputs());

        // clusters/get twice: the all-purpose cluster, and the job cluster the run's tasks run on.
        assert.deepEqual(fake.requests.map((request) => `${request.method} ${request.path}`).sort(), [
            "GET /api/2.1/clusters/get",
            "GET /api/2.1/clusters/get",
            "GET /api/2.1/jobs/get",
            "GET /api/2.1/jobs/runs/get",
            "GET /api/2.1/jobs/runs/list",
            "POST /api/2.0/sql/statements",
        ]);
        assert.ok(fake.requests.every((request) => request.authorization === `Bearer ${fakeToken}`));
        assert.deepEqual(fake.requests.find((request) => request.path === "/api/2.1/jobs/runs/get")?.query, {
            run_id: "1001",
        });
        const sql = fake.requests.find((request) => request.path === "/api/2.0/sql/statements")!.body as Record<
            string,
            string
        >;
        assert.equal(sql.warehouse_id, warehouseId);
        assert.equal(sql.wait_timeout, "30s");
        assert.equal(sql.on_wait_timeout, "CONTINUE");
        assert.equal(
            sql.statement,
            "SELECT `location` AS location, max(`start`) AS window_start, max(`end`) AS window_end " +
                "FROM `lakestream_dev`.`gold`.`weather_summary` GROUP BY 1 ORDER BY 1",
        );
    });

    it("polls a statement that is still running until it succeeds", async () => {
        fake.statementPolls = 2;

        const report = await collectStatus(inputs());

        const polls = fake.requests.filter((request) => request.path.startsWith("/api/2.0/sql/statements/"));
        assert.deepEqual(
            polls.map((request) => `${request.method} ${request.path}`),
            ["GET /api/2.0/sql/statements/01ef-statement-1", "GET /api/2.0/sql/statements/01ef-statement-1"],
        );
        assert.equal(report.gold.data?.windows.length, 2);
    });

    it("gives up on a statement after the poll limit, cancels it, and says so", async () => {
        fake.statementPolls = 100;

        const report = await collectStatus(inputs({ statementMaxPolls: 3 }));

        assert.match(
            report.gold.error ?? "",
            /SQL warehouse 7b0c2d1e3f4a5b6c did not answer in time \(state RUNNING\)/,
        );
        const cancel = fake.requests.find((request) => request.path.endsWith("/cancel"));
        assert.equal(cancel?.path, "/api/2.0/sql/statements/01ef-statement-1/cancel");
        assert.equal(
            fake.requests.filter((request) => request.method === "GET" && request.path.includes("/sql/")).length,
            3,
        );
        assert.equal(report.lag.error, "needs the newest gold window, which could not be read (see gold)");
        assert.equal(report.verdict.state, "unknown");
        assert.equal(statusExitCode(report), 1);
    });

    it("reports a failed statement with the warehouse's message", async () => {
        fake.statementFailure =
            "[TABLE_OR_VIEW_NOT_FOUND] The table `lakestream_dev`.`gold`.`weather_summary` cannot be found.";

        const report = await collectStatus(inputs());

        assert.match(report.gold.error ?? "", /ended FAILED: \[TABLE_OR_VIEW_NOT_FOUND\]/);
        assert.notEqual(report.job.data, null);
    });

    it("without a SQL warehouse says one is needed, makes no SQL call, and still judges the rest", async () => {
        delete outputs.sqlWarehouseId;

        const report = await collectStatus(inputs());

        assert.match(report.gold.error ?? "", /^needs a SQL warehouse: stack "dev" has no output "sqlWarehouseId"/);
        assert.ok(fake.requests.every((request) => !request.path.includes("/sql/")));
        assert.equal(report.sqlWarehouseId, null);
        assert.equal(report.verdict.state, "healthy");
        assert.equal(statusExitCode(report), 0);
        assert.match(formatStatus(report).join("\n"), /^gold {7}unavailable: needs a SQL warehouse/m);
    });

    it("prints the dashboards' links from the outputs, and says when the stack has none", async () => {
        const readers = "https://adb-1.1.azuredatabricks.net/dashboardsv3/aaaa/published";
        const owners = "https://adb-1.1.azuredatabricks.net/dashboardsv3/bbbb/published";
        outputs.dashboardUrl = readers;
        outputs.ownerDashboardUrl = owners;

        const withDashboards = await collectStatus(inputs());
        assert.deepEqual(withDashboards.dashboards, { readers, owners });
        const text = formatStatus(withDashboards).join("\n");
        assert.ok(text.includes(`dashboards readers ${readers}`), text);
        assert.ok(text.includes(`           owners  ${owners}`), text);

        delete outputs.dashboardUrl;
        delete outputs.ownerDashboardUrl;
        const without = await collectStatus(inputs());
        assert.equal(without.dashboards, null);
        assert.match(formatStatus(without).join("\n"), /^dashboards none in the stack outputs/m);
    });

    describe("the external location's storage", function () {
        const passing = ["READ", "LIST", "WRITE", "DELETE", "PATH_EXISTS"].map((operation) => ({
            operation,
            result: "PASS",
        }));

        it("asks Unity Catalog to validate the stack's external location with its credential, and shows the answer", async () => {
            outputs.externalLocationName = "lakestream_dev";
            fake.externalLocations.set("lakestream_dev", passing);

            const report = await collectStatus(inputs());

            const call = fake.requests.find((request) => request.path.includes("validate-storage-credentials"))!;
            assert.equal(call.method, "POST");
            assert.deepEqual(call.body, {
                storage_credential_name: "lakestream_dev",
                external_location_name: "lakestream_dev",
            });
            assert.deepEqual(report.storage?.data?.failed, []);
            assert.equal(report.verdict.state, "healthy");
            assert.match(
                formatStatus(report).join("\n"),
                /^storage {4}external location lakestream_dev: READ PASS, LIST PASS, WRITE PASS, DELETE PASS, PATH_EXISTS PASS$/m,
            );
        });

        it("is unhealthy when Unity Catalog cannot write there, and says why that may be", async () => {
            outputs.externalLocationName = "lakestream_dev";
            const denied = "This request is not authorized to perform this operation using this permission.";
            fake.externalLocations.set(
                "lakestream_dev",
                passing.map((entry) =>
                    entry.operation === "WRITE" || entry.operation === "DELETE"
                        ? { ...entry, result: "FAIL", message: denied }
                        : entry,
                ),
            );

            const report = await collectStatus(inputs());

            assert.deepEqual(report.storage?.data?.failed, ["WRITE", "DELETE"]);
            assert.equal(report.verdict.state, "unhealthy");
            assert.match(
                report.verdict.reasons.join("; "),
                /Unity Catalog cannot WRITE, DELETE under external location lakestream_dev \(a role assignment takes minutes/,
            );
            assert.equal(statusExitCode(report), 1);
            assert.match(formatStatus(report).join("\n"), /^ {2}WRITE: This request is not authorized/m);
        });

        it("checks nothing on a stack that created no external location", async () => {
            const report = await collectStatus(inputs());

            assert.equal(report.storage, null);
            assert.ok(fake.requests.every((request) => !request.path.includes("unity-catalog")));
        });

        it("says why it could not validate, and judges the rest without it", async () => {
            outputs.externalLocationName = "lakestream_dev";
            fake.failures.set("POST /api/2.1/unity-catalog/validate-storage-credentials", {
                status: 403,
                body: { error_code: "PERMISSION_DENIED", message: "User does not have CREATE EXTERNAL LOCATION." },
            });

            const report = await collectStatus(inputs());

            assert.match(report.storage?.error ?? "", /HTTP 403 PERMISSION_DENIED/);
            assert.equal(report.verdict.state, "healthy");
            assert.equal(statusExitCode(report), 0);
            assert.match(formatStatus(report).join("\n"), /^storage {4}unavailable: POST /m);
        });
    });

    it("keeps the other parts when the cluster endpoint fails", async () => {
        fake.failures.set("GET /api/2.1/clusters/get", {
            status: 500,
            body: { error_code: "INTERNAL_ERROR", message: "Internal error" },
        });

        const report = await collectStatus(inputs());

        assert.equal(report.cluster?.data, null);
        assert.equal(report.cluster?.error, "GET /api/2.1/clusters/get: HTTP 500 INTERNAL_ERROR Internal error");
        assert.equal(report.job.data?.activeRuns.length, 1);
        assert.equal(report.eventHubs.data?.partitions.length, 2);
        assert.equal(report.gold.data?.windows.length, 2);
        assert.deepEqual(report.verdict, { state: "unknown", reasons: ["cluster could not be read"] });
        assert.equal(statusExitCode(report), 1);
        const text = formatStatus(report).join("\n");
        assert.match(
            text,
            /^cluster {4}unavailable: GET \/api\/2.1\/clusters\/get: HTTP 500 INTERNAL_ERROR Internal error$/m,
        );
        assert.match(text, /^job {8}42 "lakestream-dev-medallion", continuous \(UNPAUSED\), 1 active run$/m);
        assert.match(text, /^ {4}gold {6}RUNNING$/m);
        assert.match(text, /^ {2}partition 0 {2}last enqueued 2026-03-01T10:09:30.000Z, sequence number 1$/m);
    });

    it("keeps the Databricks parts when Event Hubs refuses the key", async () => {
        const report = await collectStatus(
            inputs({ eventHubs: connectionStringReader(hub.connectionString("listen", "d3Jvbmcta2V5LXZhbHVl")) }),
        );

        assert.equal(report.eventHubs.data, null);
        assert.equal(
            report.eventHubs.error,
            `Event Hubs 127.0.0.1:${hub.port}: InvalidSignature: The token has an invalid signature. ` +
                "(the Listen key in the stack outputs was refused: was it rotated? run pulumi refresh and pulumi up)",
        );
        assert.equal(
            report.lag.error,
            "needs the newest event in Event Hubs, which could not be read (see event hubs)",
        );
        assert.equal(report.job.data?.activeRuns[0].runId, activeRunId);
        assert.equal(report.cluster?.data?.state, "RUNNING");
    });

    it("explains a missing Databricks credential in each Databricks part and still reads Event Hubs", async () => {
        const noLogin: TokenCredential = {
            getToken: async () => {
                throw new CredentialUnavailableError(
                    "Please run 'az login' from a command prompt to authenticate before using this credential.",
                );
            },
        };
        const withoutCredential = new DatabricksClient(
            outputs.workspaceUrl!,
            resolveDatabricksAuth({}, () => noLogin),
        );

        const report = await collectStatus(inputs({ databricks: withoutCredential }));

        for (const error of [report.job.error, report.cluster?.error, report.gold.error]) {
            assert.match(
                error ?? "",
                /^no Databricks credential: DATABRICKS_TOKEN is not set and the Azure CLI login gave no token/,
            );
            assert.match(error ?? "", /Please run 'az login'/);
        }
        assert.equal(report.eventHubs.data?.partitions[0].lastEnqueuedSequenceNumber, 1);
        assert.deepEqual(fake.requests, []);
    });

    it("is unhealthy when gold trails Event Hubs by more than the limit", async () => {
        fake.statementResult = { ...goldResult, rows: [goldResult.rows[0]] };

        const report = await collectStatus(inputs({ maxLagSeconds: 120 }));

        // Newest event 10:09:30, newest window end 10:05:00.
        assert.equal(report.lag.data?.lagSeconds, 270);
        assert.deepEqual(report.verdict, {
            state: "unhealthy",
            reasons: ["gold is 270 s behind Event Hubs (limit 120 s)"],
        });
        assert.match(formatStatus(report).join("\n"), /^lag {8}4 min 30 s \(newest event/m);
    });

    it("is unhealthy when a task has failed", async () => {
        fake.runs.find((run) => run.run_id === activeRunId)!.tasks[1].state = {
            life_cycle_state: "TERMINATED",
            result_state: "FAILED",
        };

        const report = await collectStatus(inputs());

        assert.deepEqual(report.verdict, { state: "unhealthy", reasons: ["task silver FAILED"] });
        assert.equal(statusExitCode(report), 1);
    });

    it("reads the single-stream layout's one task the same way, and names it when it fails", async () => {
        const run = fake.runs.find((candidate) => candidate.run_id === activeRunId)!;
        run.tasks = [
            {
                ...run.tasks[0],
                task_key: "pipeline",
                state: { life_cycle_state: "TERMINATED", result_state: "FAILED" },
            },
        ];

        const report = await collectStatus(inputs());

        assert.deepEqual(report.job.data?.activeRuns[0].tasks, [
            { taskKey: "pipeline", state: "TERMINATED", result: "FAILED" },
        ]);
        assert.deepEqual(report.verdict, { state: "unhealthy", reasons: ["task pipeline FAILED"] });
        assert.match(formatStatus(report).join("\n"), /^ {4}pipeline {2}TERMINATED FAILED$/m);
        assert.equal(statusExitCode(report), 1);
    });

    it("calls a pipeline without an active run stopped, and warns about a cluster left running", async () => {
        fake.runs.find((run) => run.run_id === activeRunId)!.state.life_cycle_state = "TERMINATED";
        fake.clusters.get(clusterId)!.last_activity_time = Date.parse("2026-03-01T10:08:00Z");

        const report = await collectStatus(inputs());

        assert.deepEqual(report.verdict, {
            state: "stopped",
            reasons: [
                "job 42 has no active run",
                "cluster 0101-120000-abcd1234 is RUNNING without a job run (costs money until it stops)",
            ],
        });
        assert.equal(
            report.cluster?.data?.autoTermination,
            "at 2026-03-01T10:18:00.000Z (10 min after the last activity)",
        );
        assert.equal(statusExitCode(report), 0);
    });

    it("reports the run's job cluster and no all-purpose cluster on a stack without one", async () => {
        delete outputs.clusterId;
        fake.clusters.delete(clusterId);

        const report = await collectStatus(inputs());

        assert.equal(report.cluster, null);
        assert.deepEqual(report.verdict, { state: "healthy", reasons: [] });
        assert.equal(statusExitCode(report), 0);
        const text = formatStatus(report).join("\n");
        assert.match(text, /^cluster {4}none: the job runs on its own job clusters, which stop with each run$/m);
        assert.match(text, /^ {4}compute {3}0301-090000-job00001 "job-42-run-1001" RUNNING$/m);
        // Only the job cluster of the run is read; there is no all-purpose cluster to ask about.
        const clusterCalls = fake.requests.filter((request) => request.path === "/api/2.1/clusters/get");
        assert.deepEqual(
            clusterCalls.map((request) => request.query.cluster_id),
            [jobClusterId],
        );
    });

    it("is unhealthy when an active run's job cluster has terminated", async () => {
        fake.clusters.get(jobClusterId)!.state = "TERMINATED";

        const report = await collectStatus(inputs());

        assert.deepEqual(report.verdict, {
            state: "unhealthy",
            reasons: ["run 1001 is active but its cluster 0301-090000-job00001 is TERMINATED"],
        });
        assert.equal(statusExitCode(report), 1);
    });

    it("says a stopped stack without an all-purpose cluster leaves nothing running", async () => {
        delete outputs.clusterId;
        fake.runs.find((run) => run.run_id === activeRunId)!.state.life_cycle_state = "TERMINATED";

        const report = await collectStatus(inputs());

        assert.deepEqual(report.verdict, { state: "stopped", reasons: ["job 42 has no active run"] });
        assert.equal(statusExitCode(report), 0);
    });
});
