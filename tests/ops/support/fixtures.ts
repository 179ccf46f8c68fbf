// A running lakestream pipeline as the fake workspace holds it: a continuous job with an active run on its job cluster,
// and the stack's all-purpose cluster (lakestream:interactiveCluster) running beside it.
import type { FakeDatabricks } from "./fakeDatabricks";

export const fakeToken = "dapi-fake-token-0123456789abcdef";
export const jobId = 42;
export const activeRunId = 1001;
export const clusterId = "0101-120000-abcd1234";
export const jobClusterId = "0301-090000-job00001";
export const warehouseId = "7b0c2d1e3f4a5b6c";
export const startedAt = Date.parse("2026-03-01T09:00:00Z");

/** Fills `fake` with a healthy running pipeline: every test starts here and changes one thing. */
export function runningPipeline(fake: FakeDatabricks): void {
    fake.jobs.set(jobId, {
        job_id: jobId,
        settings: {
            name: "lakestream-dev-medallion",
            continuous: { pause_status: "UNPAUSED", task_retry_mode: "ON_FAILURE" },
            max_concurrent_runs: 1,
        },
    });
    fake.runs.push(
        {
            run_id: 900,
            job_id: jobId,
            state: { life_cycle_state: "TERMINATED", result_state: "CANCELED" },
            start_time: startedAt - 86_400_000,
            tasks: [],
        },
        {
            run_id: activeRunId,
            job_id: jobId,
            state: { life_cycle_state: "RUNNING" },
            start_time: startedAt,
            run_page_url: "https://adb-1.1.azuredatabricks.net/?o=1#job/42/run/1001",
            tasks: ["bronze", "silver", "gold"].map((task_key, index) => ({
                task_key,
                run_id: 2000 + index,
                state: { life_cycle_state: "RUNNING" },
                cluster_instance: { cluster_id: jobClusterId, spark_context_id: "5550001" },
            })),
        },
    );
    fake.clusters.set(clusterId, {
        cluster_id: clusterId,
        cluster_name: "lakestream-dev",
        state: "RUNNING",
        autotermination_minutes: 10,
        start_time: startedAt - 60_000,
        last_activity_time: Date.parse("2026-03-01T10:00:00Z"),
    });
    // A job cluster: Databricks names it job-<job id>-run-<run id> and ends it with the run.
    fake.clusters.set(jobClusterId, {
        cluster_id: jobClusterId,
        cluster_name: `job-${jobId}-run-${activeRunId}`,
        state: "RUNNING",
        autotermination_minutes: 0,
        start_time: startedAt,
    });
    fake.warehouses.add(warehouseId);
}
