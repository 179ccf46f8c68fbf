// Specs for databricks-job-shuffle-partitions, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import type { AnalyzedResource } from "../../../src/gate/analyzer";
import { violationsOf } from "../check";
import { cluster, continuousJob, firstDeploy, job, layeredJob, wireUnknown } from "../factories";

const policy = "databricks-job-shuffle-partitions";

/** A job whose shared job cluster has `sparkConf` replaced and its size set by `size` (numWorkers or autoscale). */
function jobWithCluster(
    sparkConf: unknown,
    size: Record<string, unknown> = {},
    base: AnalyzedResource = job(),
): AnalyzedResource {
    const [entry] = structuredClone(base.inputs.jobClusters) as { newCluster: Record<string, unknown> }[];
    entry.newCluster = { ...entry.newCluster, sparkConf, ...size };
    return job({ inputs: { ...base.inputs, jobClusters: [entry] } });
}

const singleNodeConf = { "spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]" };

describe(policy, () => {
    it("accepts the job of either layout, scheduled or continuous, as the program declares it", async () => {
        for (const declared of [job(), layeredJob(), continuousJob(), continuousJob({}, "layered")]) {
            assert.deepEqual(await violationsOf(policy, [declared]), []);
        }
    });

    it("advises setting the count on a job cluster that leaves it at Spark's default, naming the tasks", async () => {
        for (const [base, tasks] of [
            [job(), "pipeline"],
            [layeredJob(), "bronze, silver, gold"],
        ] as const) {
            const unset = jobWithCluster(singleNodeConf, {}, base);
            const [violation, ...rest] = await violationsOf(policy, [unset]);
            assert.deepEqual(rest, []);
            assert.equal(violation.urn, unset.urn);
            assert.equal(violation.enforcementLevel, "advisory");
            assert.match(
                violation.message,
                new RegExp(
                    `^Found job cluster jobClusters\\[0\\]\\.newCluster running the streaming task\\(s\\) ${tasks} ` +
                        "without spark.sql.shuffle.partitions: Spark's default of 200 .* fixed in the stream's " +
                        "checkpoint .*; allowed: 1 to 8 \\(8 per worker × max\\(1, 0 max workers\\)\\), set before " +
                        "the first run\\.$",
                    "m",
                ),
            );
        }
    });

    it("allows 8 per worker of a fixed size and of an autoscaling ceiling, and no more", async () => {
        const fixed = { numWorkers: 2 };
        assert.deepEqual(
            await violationsOf(policy, [jobWithCluster({ "spark.sql.shuffle.partitions": "16" }, fixed)]),
            [],
        );
        const [over] = await violationsOf(policy, [jobWithCluster({ "spark.sql.shuffle.partitions": "17" }, fixed)]);
        assert.match(
            over.message,
            /with spark.sql.shuffle.partitions 17: .*; allowed: 1 to 16 \(8 per worker × max\(1, 2 max workers\)\)/,
        );
        const scaling = { numWorkers: undefined, autoscale: { minWorkers: 1, maxWorkers: 4 } };
        assert.deepEqual(
            await violationsOf(policy, [jobWithCluster({ "spark.sql.shuffle.partitions": "32" }, scaling)]),
            [],
        );
        const [ceiling] = await violationsOf(policy, [
            jobWithCluster({ "spark.sql.shuffle.partitions": "200" }, scaling),
        ]);
        assert.match(ceiling.message, /partitions 200: .*allowed: 1 to 32 \(8 per worker × max\(1, 4 max workers\)\)/);
    });

    it("refuses a count that is not a positive whole number", async () => {
        for (const value of ["0", "auto", "4.5", ""]) {
            const [violation] = await violationsOf(policy, [jobWithCluster({ "spark.sql.shuffle.partitions": value })]);
            assert.match(
                violation.message,
                new RegExp(`partitions "${value}", not a positive whole number; allowed: 1 to 8`),
            );
        }
    });

    it("takes the per-worker allowance from its config", async () => {
        const eight = jobWithCluster({ "spark.sql.shuffle.partitions": "8" });
        const [violation] = await violationsOf(policy, [eight], { [policy]: { maxPartitionsPerWorker: 4 } });
        assert.match(violation.message, /allowed: 1 to 4 \(4 per worker/);
    });

    it("checks a task's own new cluster and the all-purpose cluster a task runs on", async () => {
        const own = job({
            inputs: {
                jobClusters: undefined,
                tasks: [
                    {
                        taskKey: "bronze",
                        newCluster: { sparkVersion: "15.4.x-scala2.12", numWorkers: 0 },
                        notebookTask: { notebookPath: "/x", baseParameters: { checkpoint_volume: "/Volumes/c/b/v" } },
                    },
                ],
            },
        });
        const [inline] = await violationsOf(policy, [own]);
        assert.match(
            inline.message,
            /^Found job cluster tasks\[0\]\.newCluster running the streaming task\(s\) bronze without/m,
        );

        const allPurpose = cluster({ inputs: { numWorkers: 4, sparkConf: {} } });
        const [task] = job().inputs.tasks as Record<string, unknown>[];
        const onCluster = job({
            dependencies: [allPurpose.urn],
            inputs: {
                jobClusters: undefined,
                tasks: [{ ...task, jobClusterKey: undefined, existingClusterId: "0101-abc" }],
            },
        });
        const [violation] = await violationsOf(policy, [allPurpose, onCluster]);
        assert.match(
            violation.message,
            /^Found cluster streaming running the streaming task\(s\) pipeline without .*allowed: 1 to 32/m,
        );
    });

    it("leaves alone a task that runs no stream on a scheduled job", async () => {
        const batch = job({
            inputs: {
                tasks: [
                    {
                        taskKey: "report",
                        jobClusterKey: "medallion",
                        notebookTask: { notebookPath: "/r", baseParameters: {} },
                    },
                ],
            },
        });
        assert.deepEqual(await violationsOf(policy, [jobWithCluster(singleNodeConf, {}, batch)]), []);
    });

    it("says it could not check a Spark conf or a size unknown during preview", async () => {
        const scaling = { numWorkers: undefined, autoscale: wireUnknown };
        for (const pending of [jobWithCluster(wireUnknown), jobWithCluster(singleNodeConf, scaling)]) {
            const [advisory, ...rest] = await violationsOf(policy, [pending]);
            assert.deepEqual(rest, []);
            assert.equal(advisory.enforcementLevel, "advisory");
            assert.match(
                advisory.message,
                /can't run policy 'databricks-job-shuffle-partitions' .* during preview: not checked, unknown until the update runs: spark\.sql\.shuffle\.partitions or the workers of job cluster jobClusters\[0\]\.newCluster \(job medallion\)$/,
            );
        }
    });

    it("on a first deploy (no outputs for the job) still advises a job cluster left at Spark's default", async () => {
        const unset = jobWithCluster(singleNodeConf);
        const [violation, ...rest] = await violationsOf(policy, firstDeploy([unset]));
        assert.deepEqual(rest, []);
        assert.match(
            violation.message,
            /^Found job cluster jobClusters\[0\]\.newCluster running the streaming task\(s\) pipeline without spark\.sql\.shuffle\.partitions/m,
        );
        assert.doesNotMatch(violation.message, /can't run/);
    });
});
