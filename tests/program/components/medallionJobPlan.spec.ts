// MedallionJob's plan as plain function calls: settings and their defaults, the streams, the uploads, the job.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import {
    jobArgsProblem,
    jobClusters,
    jobDefinition,
    jobTasks,
    plannedUploads,
    resolveJobSettings,
    runtimeModuleFiles,
    streamTasks,
    workspaceFolderPath,
} from "../../../components/medallionJobPlan";
import { notebooksFolder } from "../harness";

const sources = {
    catalogName: "cat",
    schemaNames: { bronze: "b", silver: "s", gold: "g" },
    checkpointVolumePath: "/Volumes/cat/b/checkpoints",
    secretScope: "scope",
};
const connector = [{ maven: { coordinates: "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22" } }];

describe("medallionJobPlan", function () {
    describe("resolveJobSettings", function () {
        it("fills every setting the stack leaves out with the job's defaults", function () {
            assert.deepEqual(resolveJobSettings({ maxEventsPerTrigger: 100 }), {
                mode: "availableNow",
                streams: "single",
                triggerSeconds: 5,
                schedule: "0 0/15 * * * ?",
                timezone: "UTC",
                timeoutSeconds: 3600,
                maxRetries: 1,
                taskRetryMode: "ON_FAILURE",
                startingPosition: "start",
                maxEventsPerTrigger: 100,
                goldOutputMode: "update",
                paused: true,
                notify: [],
                backlog: { maxFiles: 200, maxBytes: 1024 ** 3 },
            });
        });

        it("keeps what the stack chose, a configured 0 included, and defaults one backlog threshold alone", function () {
            const settings = resolveJobSettings({
                maxEventsPerTrigger: 1,
                maxRetries: 0,
                paused: false,
                backlog: { maxBytes: 10 },
            });
            assert.equal(settings.maxRetries, 0);
            assert.equal(settings.paused, false);
            assert.deepEqual(settings.backlog, { maxFiles: 200, maxBytes: 10 });
        });
    });

    describe("jobArgsProblem", function () {
        const settings = resolveJobSettings({ maxEventsPerTrigger: 1 });

        it("finds nothing wrong with the defaults and an absolute folder", function () {
            assert.equal(jobArgsProblem(settings, {}, "/lakestream/dev/"), undefined);
        });

        it("names the field and the value it refuses", function () {
            assert.equal(
                jobArgsProblem({ ...settings, triggerSeconds: 2.5 }, {}, "/l"),
                "triggerSeconds must be a positive whole number of seconds (got 2.5)",
            );
            assert.equal(
                jobArgsProblem({ ...settings, timeoutSeconds: 0 }, {}, "/l"),
                "timeoutSeconds must be positive (got 0)",
            );
            assert.equal(
                jobArgsProblem(settings, { workers: 1, autoscale: { minWorkers: 1, maxWorkers: 2 } }, "/l"),
                "jobCluster.workers and jobCluster.autoscale are exclusive",
            );
            assert.equal(
                jobArgsProblem(settings, {}, "//x"),
                'workspaceFolder must be an absolute workspace path such as /lakestream/dev (got "//x")',
            );
        });

        it("drops the trailing slashes of the folder", function () {
            assert.equal(workspaceFolderPath("/lakestream/dev//"), "/lakestream/dev");
        });
    });

    describe("streamTasks", function () {
        it("gives the single stream every widget of the pipeline notebook", function () {
            const settings = resolveJobSettings({ maxEventsPerTrigger: 2000, triggerSeconds: 10 });
            assert.deepEqual(streamTasks(settings, { ...sources, consumerGroup: "databricks" }), [
                {
                    key: "pipeline",
                    readsEventHubs: true,
                    readsDelta: false,
                    parameters: {
                        catalog: "cat",
                        checkpoint_volume: "/Volumes/cat/b/checkpoints",
                        trigger: "availableNow",
                        trigger_seconds: "10",
                        bronze_schema: "b",
                        silver_schema: "s",
                        gold_schema: "g",
                        secret_scope: "scope",
                        secret_key: "eventhubs-listen-connection-string",
                        starting_position: "start",
                        max_events_per_trigger: "2000",
                        consumer_group: "databricks",
                        gold_output_mode: "update",
                    },
                },
            ]);
        });

        it("gives each layered stream only the widgets of its own notebook, and Event Hubs' to bronze alone", function () {
            const settings = resolveJobSettings({
                mode: "continuous",
                streams: "layered",
                maxEventsPerTrigger: 5,
                startingPosition: "latest",
                goldOutputMode: "append",
            });
            const common = {
                catalog: "cat",
                checkpoint_volume: "/Volumes/cat/b/checkpoints",
                trigger: "continuous",
                trigger_seconds: "5",
            };
            assert.deepEqual(streamTasks(settings, sources), [
                {
                    key: "bronze",
                    readsEventHubs: true,
                    readsDelta: false,
                    parameters: {
                        ...common,
                        bronze_schema: "b",
                        secret_scope: "scope",
                        secret_key: "eventhubs-listen-connection-string",
                        starting_position: "latest",
                        max_events_per_trigger: "5",
                        consumer_group: "$Default",
                    },
                },
                {
                    key: "silver",
                    readsEventHubs: false,
                    readsDelta: true,
                    parameters: { ...common, bronze_schema: "b", silver_schema: "s" },
                },
                {
                    key: "gold",
                    readsEventHubs: false,
                    readsDelta: true,
                    parameters: { ...common, silver_schema: "s", gold_schema: "g", gold_output_mode: "append" },
                },
            ]);
        });
    });

    describe("jobTasks", function () {
        const paths = { bronze: "/l/bronze", silver: "/l/silver", gold: "/l/gold" };

        it("chains scheduled layered tasks on the job cluster, with retries and backlog rules on the Delta readers", function () {
            const settings = resolveJobSettings({
                streams: "layered",
                maxEventsPerTrigger: 1,
                notify: ["oncall@example.com"],
                backlog: { maxFiles: 50 },
            });
            const tasks = jobTasks(settings, streamTasks(settings, sources), paths, undefined);
            const rules = {
                rules: [
                    { metric: "STREAMING_BACKLOG_FILES", op: "GREATER_THAN", value: 50 },
                    { metric: "STREAMING_BACKLOG_BYTES", op: "GREATER_THAN", value: 1024 ** 3 },
                ],
            };
            const watched = {
                health: rules,
                emailNotifications: { onStreamingBacklogExceededs: ["oncall@example.com"] },
            };
            assert.deepEqual(
                tasks.map(({ notebookTask, ...task }) => ({ ...task, notebookPath: notebookTask.notebookPath })),
                [
                    {
                        taskKey: "bronze",
                        jobClusterKey: "medallion",
                        notebookPath: "/l/bronze",
                        libraries: connector,
                        maxRetries: 1,
                        minRetryIntervalMillis: 60_000,
                        dependsOns: undefined,
                    },
                    {
                        taskKey: "silver",
                        jobClusterKey: "medallion",
                        notebookPath: "/l/silver",
                        libraries: undefined,
                        ...watched,
                        maxRetries: 1,
                        minRetryIntervalMillis: 60_000,
                        dependsOns: [{ taskKey: "bronze" }],
                    },
                    {
                        taskKey: "gold",
                        jobClusterKey: "medallion",
                        notebookPath: "/l/gold",
                        libraries: undefined,
                        ...watched,
                        maxRetries: 1,
                        minRetryIntervalMillis: 60_000,
                        dependsOns: [{ taskKey: "silver" }],
                    },
                ],
            );
        });

        it("runs continuous tasks side by side on the all-purpose cluster, with no retries of their own", function () {
            const settings = resolveJobSettings({ mode: "continuous", maxEventsPerTrigger: 1 });
            const [pipeline] = jobTasks(
                settings,
                streamTasks(settings, sources),
                { pipeline: "/l/pipeline" },
                "0101-abc",
            );
            assert.deepEqual(
                { ...pipeline, notebookTask: undefined },
                {
                    taskKey: "pipeline",
                    existingClusterId: "0101-abc",
                    notebookTask: undefined,
                    libraries: connector,
                },
            );
        });
    });

    describe("jobClusters", function () {
        it("declares the one job cluster the tasks share, sized and dedicated as given", function () {
            const settings = resolveJobSettings({ maxEventsPerTrigger: 1 });
            const [cluster] = jobClusters(settings, { nodeTypeId: "n", singleUserName: "app", workers: 2 });
            assert.equal(cluster.jobClusterKey, "medallion");
            assert.deepEqual(cluster.newCluster, {
                sparkVersion: "15.4.x-scala2.12",
                nodeTypeId: "n",
                dataSecurityMode: "SINGLE_USER",
                singleUserName: "app",
                numWorkers: 2,
                autoscale: undefined,
                sparkConf: {
                    "spark.sql.shuffle.partitions": "8",
                    "spark.databricks.delta.autoCompact.enabled": "auto",
                    "spark.databricks.delta.optimizeWrite.enabled": "true",
                },
                customTags: {},
            });
        });
    });

    describe("jobDefinition", function () {
        const parts = { name: "ls", tasks: [], tags: { owner: "o" }, runAs: { userName: "u" } };

        it("schedules a paused availableNow job with a timeout and no continuous block", function () {
            const settings = resolveJobSettings({ maxEventsPerTrigger: 1, timeoutSeconds: 1800, notify: ["a@b.c"] });
            assert.deepEqual(jobDefinition(settings, parts), {
                name: "ls",
                description: "Event Hubs to bronze, silver and gold Delta tables (lakestream)",
                maxConcurrentRuns: 1,
                timeoutSeconds: 1800,
                jobClusters: undefined,
                tasks: [],
                continuous: undefined,
                controlRunState: undefined,
                schedule: { quartzCronExpression: "0 0/15 * * * ?", timezoneId: "UTC", pauseStatus: "PAUSED" },
                emailNotifications: { onFailures: ["a@b.c"] },
                notificationSettings: { noAlertForCanceledRuns: true, noAlertForSkippedRuns: true },
                tags: { owner: "o" },
                runAs: { userName: "u" },
            });
        });

        it("runs an unpaused continuous job with no timeout, no schedule and a restart on deploy", function () {
            const settings = resolveJobSettings({
                mode: "continuous",
                paused: false,
                taskRetryMode: "NEVER",
                maxEventsPerTrigger: 1,
            });
            const job = jobDefinition(settings, parts);
            assert.equal(job.timeoutSeconds, undefined);
            assert.equal(job.schedule, undefined);
            assert.equal(job.controlRunState, true);
            assert.deepEqual(job.continuous, { pauseStatus: "UNPAUSED", taskRetryMode: "NEVER" });
            assert.equal(job.emailNotifications, undefined);
        });
    });

    describe("plannedUploads", function () {
        it("places the notebooks of the layout and the modules they import under the folder, one resource name each", function () {
            const dir = notebooksFolder({
                "pipeline.py": "from medallion.stream_io import run\n",
                "medallion/__init__.py": "",
                "medallion/stream_io.py": "",
            });
            assert.deepEqual(plannedUploads(dir, "/l", ["pipeline"]), {
                notebooks: [{ name: "pipeline", path: "/l/pipeline", source: path.join(dir, "pipeline.py") }],
                modules: [
                    { name: "init", path: "/l/medallion/__init__.py", source: path.join(dir, "medallion/__init__.py") },
                    {
                        name: "stream-io",
                        path: "/l/medallion/stream_io.py",
                        source: path.join(dir, "medallion/stream_io.py"),
                    },
                ],
            });
        });
    });

    describe("runtimeModuleFiles", function () {
        it("follows imports between modules and ignores modules nobody imports", function () {
            const dir = notebooksFolder({
                "bronze.py": "from medallion.a import x\nimport json\n",
                "medallion/__init__.py": "",
                "medallion/a.py": "from medallion.b import y\n",
                "medallion/b.py": "import medallion.c\n",
                "medallion/c.py": "",
                "medallion/local.py": "from medallion.a import x\n",
            });
            assert.deepEqual(runtimeModuleFiles(dir, ["bronze.py"]), ["__init__.py", "a.py", "b.py", "c.py"]);
        });
    });
});
