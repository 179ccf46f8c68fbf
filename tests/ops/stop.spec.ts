// Tests of `stop`: the Databricks calls it makes, idempotence, dry runs and partial failures, against a loopback fake.
import assert from "node:assert/strict";
import { resolveDatabricksAuth } from "../../src/ops/databricksAuth";
import { DatabricksClient } from "../../src/ops/databricksClient";
import { formatStopReport, stopFailed, stopPipeline } from "../../src/ops/stop";
import { FakeDatabricks } from "./support/fakeDatabricks";
import { activeRunId, clusterId, fakeToken, jobClusterId, jobId, runningPipeline } from "./support/fixtures";

describe("stop", () => {
    let fake: FakeDatabricks;
    let client: DatabricksClient;
    const target = { jobId, clusterId };

    beforeEach(async () => {
        fake = new FakeDatabricks(fakeToken);
        runningPipeline(fake);
        const host = await fake.start();
        client = new DatabricksClient(host, resolveDatabricksAuth({ DATABRICKS_TOKEN: fakeToken }));
    });
    afterEach(() => fake.close());

    it("pauses the continuous job, then cancels its active run, then terminates the cluster", async () => {
        const report = await stopPipeline(client, target, { dryRun: false });

        assert.deepEqual(
            fake.mutatingRequests().map(({ method, path, body }) => ({ method, path, body })),
            [
                {
                    method: "POST",
                    path: "/api/2.1/jobs/update",
                    // The other field of `continuous` goes back unchanged: update replaces the field whole.
                    body: {
                        job_id: 42,
                        new_settings: { continuous: { pause_status: "PAUSED", task_retry_mode: "ON_FAILURE" } },
                    },
                },
                { method: "POST", path: "/api/2.1/jobs/runs/cancel", body: { run_id: 1001 } },
                { method: "POST", path: "/api/2.1/clusters/delete", body: { cluster_id: "0101-120000-abcd1234" } },
            ],
        );
        assert.ok(fake.requests.every((request) => request.authorization === `Bearer ${fakeToken}`));
        const runsList = fake.requests.find((request) => request.path === "/api/2.1/jobs/runs/list");
        assert.equal(runsList?.method, "GET");
        assert.equal(runsList?.query.job_id, "42");
        assert.equal(runsList?.query.active_only, "true");
        assert.deepEqual(
            report.actions.map((action) => [action.kind, action.outcome]),
            [
                ["pause-job", "done"],
                ["cancel-run", "done"],
                ["terminate-cluster", "done"],
            ],
        );
        assert.equal(stopFailed(report), false);
        assert.equal(fake.clusters.get(clusterId)?.state, "TERMINATED");
        assert.deepEqual(fake.jobs.get(jobId)?.settings.continuous, {
            pause_status: "PAUSED",
            task_retry_mode: "ON_FAILURE",
        });
    });

    it("on a stack without an all-purpose cluster, cancels the run, which ends its job cluster, and touches no cluster", async () => {
        fake.clusters.delete(clusterId);

        const report = await stopPipeline(client, { jobId }, { dryRun: false });

        assert.deepEqual(
            fake.mutatingRequests().map(({ path }) => path),
            ["/api/2.1/jobs/update", "/api/2.1/jobs/runs/cancel"],
        );
        assert.ok(!fake.requests.some((request) => request.path.startsWith("/api/2.1/clusters/")));
        assert.equal(stopFailed(report), false);
        // The fake ends a job cluster with its run, as Databricks does.
        assert.equal(fake.clusters.get(jobClusterId)?.state, "TERMINATED");
        const text = formatStopReport(report, "dev", "https://adb-1.1.azuredatabricks.net").join("\n");
        assert.match(text, /^ {2}cancelled run 1001 of job 42 \(RUNNING\)$/m);
        assert.match(text, /^ {2}note: a job cluster ends with its run: cancelling the run stops its compute$/m);
        assert.doesNotMatch(text, /cluster 0101/);

        fake.requests.length = 0;
        const second = await stopPipeline(client, { jobId }, { dryRun: false });
        assert.deepEqual(fake.mutatingRequests(), []);
        assert.match(
            formatStopReport(second, "dev", "https://adb-1.1.azuredatabricks.net").join("\n"),
            /nothing to stop: continuous job 42 "lakestream-dev-medallion" is paused; job 42 "lakestream-dev-medallion" has no active run$/m,
        );
    });

    it("changes nothing the second time and says there was nothing to stop", async () => {
        await stopPipeline(client, target, { dryRun: false });
        fake.requests.length = 0;

        const second = await stopPipeline(client, target, { dryRun: false });

        assert.deepEqual(fake.mutatingRequests(), []);
        assert.deepEqual(second.actions, []);
        assert.equal(stopFailed(second), false);
        const text = formatStopReport(second, "dev", "https://adb-1.1.azuredatabricks.net").join("\n");
        assert.match(
            text,
            /nothing to stop: continuous job 42 "lakestream-dev-medallion" is paused; .*no active run; cluster 0101-120000-abcd1234 "lakestream-dev" is TERMINATED/,
        );
    });

    it("with dryRun only reads, and lists what it would do", async () => {
        const report = await stopPipeline(client, target, { dryRun: true });

        assert.deepEqual(fake.mutatingRequests(), []);
        assert.ok(fake.requests.every((request) => request.method === "GET"));
        assert.equal(fake.clusters.get(clusterId)?.state, "RUNNING");
        assert.equal(fake.runs.find((run) => run.run_id === activeRunId)?.state.life_cycle_state, "RUNNING");
        assert.equal((fake.jobs.get(jobId)?.settings.continuous as { pause_status: string }).pause_status, "UNPAUSED");
        const text = formatStopReport(report, "dev", "https://adb-1.1.azuredatabricks.net").join("\n");
        assert.match(text, /^dry run: nothing is changed/);
        assert.match(text, /would pause continuous job 42/);
        assert.match(text, /would cancel run 1001 of job 42 \(RUNNING\)/);
        assert.match(text, /would terminate cluster 0101-120000-abcd1234 "lakestream-dev" \(RUNNING\)/);
    });

    it("still stops the job when the cluster endpoint refuses, and reports the refusal", async () => {
        fake.failures.set("GET /api/2.1/clusters/get", {
            status: 403,
            body: { error_code: "PERMISSION_DENIED", message: "User does not have permission to view cluster." },
        });

        const report = await stopPipeline(client, target, { dryRun: false });

        assert.deepEqual(
            fake.mutatingRequests().map((request) => request.path),
            ["/api/2.1/jobs/update", "/api/2.1/jobs/runs/cancel"],
        );
        assert.equal(report.errors.length, 1);
        assert.match(
            report.errors[0],
            /^cluster 0101-120000-abcd1234: GET \/api\/2.1\/clusters\/get: HTTP 403 PERMISSION_DENIED/,
        );
        assert.equal(stopFailed(report), true);
        const text = formatStopReport(report, "dev", "https://h").join("\n");
        assert.match(text, /paused continuous job 42/);
        assert.match(text, /cancelled run 1001/);
        assert.match(text, /could not check cluster .*HTTP 403/);
    });

    it("reports a failed terminate and still cancels the run when the jobs API fails first", async () => {
        fake.failures.set("GET /api/2.1/jobs/get", {
            status: 500,
            body: { error_code: "INTERNAL_ERROR", message: "boom" },
        });
        fake.failures.set("POST /api/2.1/clusters/delete", {
            status: 500,
            body: { error_code: "INTERNAL_ERROR", message: "try again later" },
        });

        const report = await stopPipeline(client, target, { dryRun: false });

        assert.deepEqual(
            report.actions.map((action) => [action.kind, action.outcome]),
            [
                ["cancel-run", "done"],
                ["terminate-cluster", "failed"],
            ],
        );
        assert.match(report.actions[1].error ?? "", /HTTP 500 INTERNAL_ERROR try again later/);
        assert.match(report.errors[0], /^job 42: GET \/api\/2.1\/jobs\/get: HTTP 500/);
        assert.equal(stopFailed(report), true);
    });

    it("does not cancel a run that is already terminating, nor terminate a terminating cluster", async () => {
        fake.runs.find((run) => run.run_id === activeRunId)!.state.life_cycle_state = "TERMINATING";
        fake.clusters.get(clusterId)!.state = "TERMINATING";
        (fake.jobs.get(jobId)!.settings.continuous as { pause_status: string }).pause_status = "PAUSED";

        const report = await stopPipeline(client, target, { dryRun: false });

        assert.deepEqual(fake.mutatingRequests(), []);
        assert.deepEqual(report.actions, []);
        assert.ok(report.alreadyStopped.includes("run 1001 is already TERMINATING"));
    });

    it("pauses a scheduled job's schedule, keeping its cron and time zone, so the cluster stays stopped", async () => {
        fake.jobs.get(jobId)!.settings = {
            name: "lakestream-dev-medallion",
            schedule: { quartz_cron_expression: "0 0/15 * * * ?", timezone_id: "UTC", pause_status: "UNPAUSED" },
        };

        const report = await stopPipeline(client, target, { dryRun: false });

        assert.deepEqual(
            fake.mutatingRequests().map(({ path, body }) => ({ path, body })),
            [
                {
                    path: "/api/2.1/jobs/update",
                    body: {
                        job_id: 42,
                        new_settings: {
                            schedule: {
                                quartz_cron_expression: "0 0/15 * * * ?",
                                timezone_id: "UTC",
                                pause_status: "PAUSED",
                            },
                        },
                    },
                },
                { path: "/api/2.1/jobs/runs/cancel", body: { run_id: 1001 } },
                { path: "/api/2.1/clusters/delete", body: { cluster_id: "0101-120000-abcd1234" } },
            ],
        );
        assert.deepEqual(report.actions[0], {
            kind: "pause-job",
            subject: 'the schedule (0 0/15 * * * ?) of job 42 "lakestream-dev-medallion"',
            outcome: "done",
        });
        assert.match(report.notes.join("\n"), /pulumi up --refresh sets the trigger back/);

        const again = await stopPipeline(client, target, { dryRun: false });
        assert.deepEqual(again.actions, []);
        assert.ok(again.alreadyStopped.includes('the schedule of job 42 "lakestream-dev-medallion" is paused'));
    });
});
