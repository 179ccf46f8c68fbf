// The cluster spec shared by the job cluster and the interactive cluster, as plain function calls.
import { strict as assert } from "node:assert";
import {
    clusterShape,
    dedicatedClusterSpec,
    defaultSparkVersion,
    streamingJobClusterSpec,
    streamingSparkConf,
} from "../../../components/clusterSpec";

const fileSizes = {
    "spark.databricks.delta.autoCompact.enabled": "auto",
    "spark.databricks.delta.optimizeWrite.enabled": "true",
};
const rocksDb = {
    "spark.sql.streaming.stateStore.providerClass": "com.databricks.sql.streaming.state.RocksDBStateStoreProvider",
};
const singleNode = { "spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]" };

describe("clusterSpec", function () {
    describe("streamingSparkConf", function () {
        it("gives one shuffle partition per core of the largest size: a single node counts as one 4-core machine", function () {
            for (const [size, partitions] of [
                [{}, "4"],
                [{ workers: 0 }, "4"],
                [{ workers: 1 }, "4"],
                [{ workers: 2 }, "8"],
                [{ autoscale: { minWorkers: 1, maxWorkers: 3 } }, "12"],
            ] as const) {
                assert.deepEqual(
                    streamingSparkConf({ streams: "single", ...size }),
                    { "spark.sql.shuffle.partitions": partitions, ...fileSizes },
                    JSON.stringify(size),
                );
            }
        });

        it("keeps the layered gold's window state in RocksDB", function () {
            assert.deepEqual(streamingSparkConf({ streams: "layered", workers: 2 }), {
                "spark.sql.shuffle.partitions": "8",
                ...rocksDb,
                ...fileSizes,
            });
        });
    });

    describe("clusterShape", function () {
        it("runs a single node for no workers, tagged so Azure and Databricks both know", function () {
            assert.deepEqual(clusterShape(undefined, undefined, { owner: "o" }), {
                numWorkers: 0,
                autoscale: undefined,
                sparkConf: singleNode,
                customTags: { owner: "o", ResourceClass: "SingleNode" },
            });
        });

        it("keeps a fixed worker count or a range, with neither the single-node profile nor its tag", function () {
            assert.deepEqual(clusterShape(2, undefined, undefined), {
                numWorkers: 2,
                autoscale: undefined,
                sparkConf: undefined,
                customTags: {},
            });
            assert.deepEqual(clusterShape(undefined, { minWorkers: 1, maxWorkers: 3 }, { owner: "o" }), {
                numWorkers: undefined,
                autoscale: { minWorkers: 1, maxWorkers: 3 },
                sparkConf: undefined,
                customTags: { owner: "o" },
            });
        });
    });

    describe("dedicatedClusterSpec", function () {
        it("dedicates the cluster to one user on the default runtime, with the caller's settings beside it", function () {
            const spec = dedicatedClusterSpec(
                { nodeTypeId: "Standard_D4ds_v5", singleUserName: "runner@example.com", workers: 0 },
                { autoterminationMinutes: 10 },
            );
            assert.deepEqual(spec, {
                sparkVersion: defaultSparkVersion,
                nodeTypeId: "Standard_D4ds_v5",
                autoterminationMinutes: 10,
                dataSecurityMode: "SINGLE_USER",
                singleUserName: "runner@example.com",
                numWorkers: 0,
                autoscale: undefined,
                sparkConf: singleNode,
                customTags: { ResourceClass: "SingleNode" },
            });
            // The caller's settings sit between the node type and the access mode, as the cluster was always written.
            assert.deepEqual(Object.keys(spec).slice(0, 4), [
                "sparkVersion",
                "nodeTypeId",
                "autoterminationMinutes",
                "dataSecurityMode",
            ]);
        });
    });

    describe("streamingJobClusterSpec", function () {
        it("adds the streaming conf next to the single-node profile of a single-node layered job cluster", function () {
            assert.deepEqual(
                streamingJobClusterSpec({
                    sparkVersion: "16.4.x-scala2.12",
                    nodeTypeId: "Standard_DS3_v2",
                    singleUserName: "app",
                    tags: { owner: "o" },
                    streams: "layered",
                }),
                {
                    sparkVersion: "16.4.x-scala2.12",
                    nodeTypeId: "Standard_DS3_v2",
                    dataSecurityMode: "SINGLE_USER",
                    singleUserName: "app",
                    numWorkers: 0,
                    autoscale: undefined,
                    sparkConf: { ...singleNode, "spark.sql.shuffle.partitions": "4", ...rocksDb, ...fileSizes },
                    customTags: { owner: "o", ResourceClass: "SingleNode" },
                },
            );
        });

        it("sizes the shuffle of an autoscaling single-stream job cluster by its largest size", function () {
            const spec = streamingJobClusterSpec({
                nodeTypeId: "n",
                singleUserName: "app",
                autoscale: { minWorkers: 1, maxWorkers: 2 },
                streams: "single",
            });
            assert.deepEqual(spec.sparkConf, { "spark.sql.shuffle.partitions": "8", ...fileSizes });
            assert.equal(spec.numWorkers, undefined);
        });
    });
});
