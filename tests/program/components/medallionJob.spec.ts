// MedallionJob: the secret, the code folder, the uploads and the job, under the Pulumi mock runtime.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as components from "../../../components";
import {
    ofType,
    notebooksFolder,
    recordEachTest,
    secretValue,
    settle,
    valueOf,
    type JobInputs,
    type RecordedResource,
} from "../harness";

describe("MedallionJob", function () {
    let recorded: RecordedResource[] = [];
    recordEachTest((resources) => (recorded = resources));

    const appId = "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c";
    const jobArgs = (mode: "continuous" | "availableNow") => ({
        workspaceUrl: "https://adb-1.2.azuredatabricks.net",
        notebooksDir: "notebooks",
        workspaceFolder: "/lakestream/test/",
        runAs: components.fixedRunAs("servicePrincipal", appId),
        catalogName: "cat",
        schemaNames: { bronze: "bronze", silver: "silver", gold: "gold" },
        checkpointVolumePath: "/Volumes/cat/bronze/checkpoints",
        listenConnectionString: pulumi.secret("Endpoint=sb://n/;SharedAccessKeyName=l;SharedAccessKey=k;EntityPath=h"),
        mode,
        maxEventsPerTrigger: 2000,
        notify: ["oncall@example.com"],
        tags: { owner: "o", environment: "test" },
    });
    const jobInputs = () => ofType(recorded, "databricks:index/job:Job")[0].inputs as unknown as JobInputs;
    const connector = [{ maven: { coordinates: "com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22" } }];

    it("stores the Listen key as a secret and chains bronze, silver, gold on a schedule in the layered layout", async function () {
        const job = new components.MedallionJob("ls", {
            ...jobArgs("availableNow"),
            streams: "layered",
            timeoutSeconds: 1800,
        });
        assert.match(await valueOf(job.jobUrl), /^https:\/\/adb-1\.2\.azuredatabricks\.net\/jobs\/\d+$/);
        await settle();
        assert.equal(ofType(recorded, "databricks:index/secretScope:SecretScope").length, 1);
        const [secret] = ofType(recorded, "databricks:index/secret:Secret");
        assert.equal(secret.inputs.key, "eventhubs-listen-connection-string");
        assert.match(String(secretValue(secret.inputs.stringValue)), /SharedAccessKey=k/);
        const notebooks = ofType(recorded, "databricks:index/notebook:Notebook");
        assert.deepEqual(notebooks.map((n) => [n.inputs.path, n.inputs.source]).sort(), [
            ["/lakestream/test/bronze", "notebooks/bronze.py"],
            ["/lakestream/test/gold", "notebooks/gold.py"],
            ["/lakestream/test/silver", "notebooks/silver.py"],
        ]);
        const files = ofType(recorded, "databricks:index/workspaceFile:WorkspaceFile");
        assert.ok(files.length > 0, "the medallion module is uploaded");
        for (const file of files) {
            assert.match(String(file.inputs.path), /^\/lakestream\/test\/medallion\/[a-z_]+\.py$/);
        }
        const [job_] = ofType(recorded, "databricks:index/job:Job");
        const inputs = job_.inputs as unknown as JobInputs;
        assert.deepEqual(inputs.runAs, { servicePrincipalName: appId });
        assert.equal(inputs.maxConcurrentRuns, 1);
        assert.equal(inputs.timeoutSeconds, 1800);
        assert.equal(inputs.continuous, undefined);
        assert.equal(inputs.controlRunState, undefined);
        // Created paused unless told otherwise: nothing runs, nothing costs, until someone unpauses it.
        assert.deepEqual(inputs.schedule, {
            quartzCronExpression: "0 0/15 * * * ?",
            timezoneId: "UTC",
            pauseStatus: "PAUSED",
        });
        assert.deepEqual(
            inputs.tasks.map((t) => [t.taskKey, t.dependsOns?.map((d) => d.taskKey) ?? [], t.maxRetries]),
            [
                ["bronze", [], 1],
                ["silver", ["bronze"], 1],
                ["gold", ["silver"], 1],
            ],
        );
        const bronze = inputs.tasks[0];
        assert.deepEqual(bronze.notebookTask.baseParameters, {
            catalog: "cat",
            checkpoint_volume: "/Volumes/cat/bronze/checkpoints",
            trigger: "availableNow",
            bronze_schema: "bronze",
            secret_scope: "ls",
            secret_key: "eventhubs-listen-connection-string",
            starting_position: "start",
            max_events_per_trigger: "2000",
            consumer_group: "$Default",
            trigger_seconds: "5",
        });
        assert.deepEqual(inputs.tasks[1].notebookTask.baseParameters, {
            catalog: "cat",
            checkpoint_volume: "/Volumes/cat/bronze/checkpoints",
            trigger: "availableNow",
            trigger_seconds: "5",
            bronze_schema: "bronze",
            silver_schema: "silver",
        });
        assert.deepEqual(inputs.tasks[2].notebookTask.baseParameters, {
            catalog: "cat",
            checkpoint_volume: "/Volumes/cat/bronze/checkpoints",
            trigger: "availableNow",
            trigger_seconds: "5",
            silver_schema: "silver",
            gold_schema: "gold",
            gold_output_mode: "update",
        });
        assert.deepEqual(Object.keys(job.notebookPaths), ["bronze", "silver", "gold"]);
        assert.equal(await valueOf(job.notebookPaths.gold), "/lakestream/test/gold");
    });

    it("runs one task, pipeline, in the single layout by default: one notebook, every widget once, the connector, no backlog rules", async function () {
        const job = new components.MedallionJob("ls", { ...jobArgs("availableNow"), triggerSeconds: 10 });
        await settle();
        assert.deepEqual(
            ofType(recorded, "databricks:index/notebook:Notebook").map((n) => [n.inputs.path, n.inputs.source]),
            [["/lakestream/test/pipeline", "notebooks/pipeline.py"]],
        );
        assert.deepEqual(Object.keys(job.notebookPaths), ["pipeline"]);
        assert.equal(await valueOf(job.notebookPaths.pipeline), "/lakestream/test/pipeline");
        const inputs = jobInputs();
        assert.deepEqual(
            inputs.tasks.map((t) => [t.taskKey, t.dependsOns, t.maxRetries, t.jobClusterKey]),
            [["pipeline", undefined, 1, "medallion"]],
        );
        const [pipeline] = inputs.tasks;
        assert.equal(pipeline.notebookTask.notebookPath, "/lakestream/test/pipeline");
        assert.deepEqual(pipeline.notebookTask.baseParameters, {
            catalog: "cat",
            bronze_schema: "bronze",
            silver_schema: "silver",
            gold_schema: "gold",
            checkpoint_volume: "/Volumes/cat/bronze/checkpoints",
            secret_scope: "ls",
            secret_key: "eventhubs-listen-connection-string",
            starting_position: "start",
            max_events_per_trigger: "2000",
            consumer_group: "$Default",
            trigger: "availableNow",
            trigger_seconds: "10",
            gold_output_mode: "update",
        });
        assert.deepEqual(pipeline.libraries, connector);
        // Its source is Event Hubs, which has no Delta backlog metric: the bronze lag alert watches it instead.
        assert.equal(pipeline.health, undefined);
        assert.equal(pipeline.emailNotifications, undefined);
        assert.deepEqual(inputs.emailNotifications, { onFailures: ["oncall@example.com"] });
    });

    it("runs the single stream side by side with nothing, with no retries of its own, in continuous mode", async function () {
        new components.MedallionJob("ls", { ...jobArgs("continuous"), streams: "single", triggerSeconds: 1 });
        await settle();
        const inputs = jobInputs();
        assert.deepEqual(inputs.continuous, { pauseStatus: "PAUSED", taskRetryMode: "ON_FAILURE" });
        assert.equal(inputs.tasks.length, 1);
        const [pipeline] = inputs.tasks;
        assert.equal(pipeline.dependsOns, undefined);
        assert.equal(pipeline.maxRetries, undefined);
        assert.equal(pipeline.notebookTask.baseParameters.trigger, "continuous");
        assert.equal(pipeline.notebookTask.baseParameters.trigger_seconds, "1");
    });

    it("refuses a trigger interval that is not a positive whole number of seconds", function () {
        for (const triggerSeconds of [0, -5, 2.5]) {
            assert.throws(
                () => new components.MedallionJob("ls", { ...jobArgs("continuous"), triggerSeconds }),
                new RegExp(`triggerSeconds must be a positive whole number of seconds \\(got ${triggerSeconds}\\)`),
            );
        }
    });

    it("puts the code in its own folder that only the run-as identity manages, and lets it read the secret scope", async function () {
        const job = new components.MedallionJob("ls", jobArgs("availableNow"));
        assert.equal(await valueOf(job.workspaceFolder), "/lakestream/test");
        await settle();
        const [directory] = ofType(recorded, "databricks:index/directory:Directory");
        assert.deepEqual(directory.inputs, { path: "/lakestream/test", deleteRecursive: true });
        const [permissions] = ofType(recorded, "databricks:index/permissions:Permissions");
        // Admins manage every folder anyway, and Databricks refuses an entry for them: the run-as is the only one.
        assert.deepEqual(permissions.inputs, {
            directoryPath: "/lakestream/test",
            accessControls: [{ servicePrincipalName: appId, permissionLevel: "CAN_MANAGE" }],
        });
        const [acl] = ofType(recorded, "databricks:index/secretAcl:SecretAcl");
        assert.deepEqual(acl.inputs, { scope: "ls", principal: appId, permission: "READ" });
    });

    it("runs as a named user, and leaves the secret scope to the deployer when it is the run-as identity", async function () {
        new components.MedallionJob("user", {
            ...jobArgs("availableNow"),
            runAs: components.fixedRunAs("user", "runner@example.com"),
        });
        new components.MedallionJob("deployer", {
            ...jobArgs("availableNow"),
            workspaceFolder: "/lakestream/other",
            runAs: components.fixedRunAs("user", "deployer@example.com", true),
        });
        await settle();
        const jobs = ofType(recorded, "databricks:index/job:Job").map((job) => job.inputs as unknown as JobInputs);
        assert.deepEqual(jobs.map((job) => JSON.stringify(job.runAs)).sort(), [
            '{"userName":"deployer@example.com"}',
            '{"userName":"runner@example.com"}',
        ]);
        // The scope's creator already has MANAGE; a READ entry for it would lower that.
        assert.deepEqual(
            ofType(recorded, "databricks:index/secretAcl:SecretAcl").map((acl) => acl.inputs.principal),
            ["runner@example.com"],
        );
        assert.deepEqual(
            ofType(recorded, "databricks:index/permissions:Permissions")
                .map((permissions) => permissions.inputs.accessControls)
                .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
            [
                [{ userName: "deployer@example.com", permissionLevel: "CAN_MANAGE" }],
                [{ userName: "runner@example.com", permissionLevel: "CAN_MANAGE" }],
            ],
        );
    });

    it("refuses a workspace folder that is not an absolute path", function () {
        assert.throws(
            () =>
                new components.MedallionJob("ls", {
                    ...jobArgs("availableNow"),
                    workspaceFolder: "lakestream/dev",
                }),
            /workspaceFolder must be an absolute workspace path such as \/lakestream\/dev \(got "lakestream\/dev"\)/,
        );
    });

    it("runs the three tasks of a scheduled run on one single-node job cluster dedicated to the run-as identity", async function () {
        new components.MedallionJob("ls", { ...jobArgs("availableNow"), streams: "layered" });
        await settle();
        const inputs = jobInputs();
        assert.equal(inputs.jobClusters?.length, 1);
        const [jobCluster] = inputs.jobClusters!;
        assert.equal(jobCluster.jobClusterKey, "medallion");
        assert.deepEqual(jobCluster.newCluster, {
            sparkVersion: "15.4.x-scala2.12",
            nodeTypeId: "Standard_D4ds_v5",
            dataSecurityMode: "SINGLE_USER",
            singleUserName: appId,
            numWorkers: 0,
            sparkConf: {
                "spark.databricks.cluster.profile": "singleNode",
                "spark.master": "local[*]",
                "spark.sql.shuffle.partitions": "4",
                "spark.sql.streaming.stateStore.providerClass":
                    "com.databricks.sql.streaming.state.RocksDBStateStoreProvider",
                "spark.databricks.delta.autoCompact.enabled": "auto",
                "spark.databricks.delta.optimizeWrite.enabled": "true",
            },
            customTags: { owner: "o", environment: "test", ResourceClass: "SingleNode" },
        });
        assert.deepEqual(
            inputs.tasks.map((task) => [task.taskKey, task.jobClusterKey, task.existingClusterId, task.libraries]),
            [
                ["bronze", "medallion", undefined, connector],
                ["silver", "medallion", undefined, undefined],
                ["gold", "medallion", undefined, undefined],
            ],
        );
        assert.equal(ofType(recorded, "databricks:index/cluster:Cluster").length, 0);
    });

    it("sizes the job cluster from its arguments: runtime, node type and an autoscaling range", async function () {
        new components.MedallionJob("ls", {
            ...jobArgs("continuous"),
            jobCluster: {
                sparkVersion: "16.4.x-scala2.12",
                nodeType: "Standard_DS3_v2",
                autoscale: { minWorkers: 1, maxWorkers: 2 },
            },
        });
        await settle();
        const cluster = jobInputs().jobClusters![0].newCluster;
        assert.equal(cluster.sparkVersion, "16.4.x-scala2.12");
        assert.equal(cluster.nodeTypeId, "Standard_DS3_v2");
        assert.deepEqual(cluster.autoscale, { minWorkers: 1, maxWorkers: 2 });
        assert.equal(cluster.numWorkers, undefined);
        // Not single node: no single-node profile; one shuffle partition per core of the largest size; the
        // single stream keeps no window state, so no RocksDB.
        assert.deepEqual(cluster.sparkConf, {
            "spark.sql.shuffle.partitions": "8",
            "spark.databricks.delta.autoCompact.enabled": "auto",
            "spark.databricks.delta.optimizeWrite.enabled": "true",
        });
        assert.deepEqual(cluster.customTags, { owner: "o", environment: "test" });
    });

    it("refuses both a worker count and an autoscaling range for the job cluster", function () {
        assert.throws(
            () =>
                new components.MedallionJob("ls", {
                    ...jobArgs("availableNow"),
                    jobCluster: { workers: 1, autoscale: { minWorkers: 1, maxWorkers: 2 } },
                }),
            /jobCluster.workers and jobCluster.autoscale are exclusive/,
        );
    });

    it("runs three streams side by side that retry failed tasks, restart on deploy and have no timeout, in continuous mode", async function () {
        new components.MedallionJob("ls", { ...jobArgs("continuous"), paused: false, timeoutSeconds: 1800 });
        await settle();
        const inputs = jobInputs();
        assert.deepEqual(inputs.continuous, { pauseStatus: "UNPAUSED", taskRetryMode: "ON_FAILURE" });
        assert.equal(inputs.controlRunState, true);
        assert.equal(inputs.timeoutSeconds, undefined);
        assert.equal(inputs.schedule, undefined);
        assert.equal(inputs.jobClusters?.length, 1);
        for (const task of inputs.tasks) {
            assert.equal(task.dependsOns, undefined);
            assert.equal(task.maxRetries, undefined);
            assert.equal(task.jobClusterKey, "medallion");
            assert.equal(task.notebookTask.baseParameters.trigger, "continuous");
        }
    });

    it("leaves a failed continuous task stopped only when asked to", async function () {
        new components.MedallionJob("ls", { ...jobArgs("continuous"), taskRetryMode: "NEVER" });
        await settle();
        assert.deepEqual(jobInputs().continuous, { pauseStatus: "PAUSED", taskRetryMode: "NEVER" });
    });

    it("notifies on failure and watches the backlog of the streams that read Delta", async function () {
        new components.MedallionJob("ls", {
            ...jobArgs("continuous"),
            streams: "layered",
            backlog: { maxFiles: 50 },
        });
        await settle();
        const inputs = jobInputs();
        assert.deepEqual(inputs.emailNotifications, { onFailures: ["oncall@example.com"] });
        assert.deepEqual(
            inputs.tasks.map((task) => [task.taskKey, task.libraries]),
            [
                ["bronze", connector],
                ["silver", undefined],
                ["gold", undefined],
            ],
        );
        assert.deepEqual(inputs.notificationSettings, {
            noAlertForCanceledRuns: true,
            noAlertForSkippedRuns: true,
        });
        const [bronze, silver, gold] = inputs.tasks;
        // The Event Hubs source has no backlog metric in Databricks.
        assert.equal(bronze.health, undefined);
        for (const task of [silver, gold]) {
            assert.deepEqual(task.health, {
                rules: [
                    { metric: "STREAMING_BACKLOG_FILES", op: "GREATER_THAN", value: 50 },
                    { metric: "STREAMING_BACKLOG_BYTES", op: "GREATER_THAN", value: 1024 ** 3 },
                ],
            });
            assert.deepEqual(task.emailNotifications, { onStreamingBacklogExceededs: ["oncall@example.com"] });
        }
    });

    it("sends no notification block when nobody is to be told", async function () {
        new components.MedallionJob("ls", { ...jobArgs("availableNow"), notify: [] });
        await settle();
        const inputs = jobInputs();
        assert.equal(inputs.emailNotifications, undefined);
        assert.ok(inputs.tasks.every((task) => task.emailNotifications === undefined));
    });

    it("runs the tasks on the all-purpose cluster only when given one", async function () {
        new components.MedallionJob("layered", {
            ...jobArgs("availableNow"),
            streams: "layered",
            interactiveClusterId: "0101-abc",
        });
        new components.MedallionJob("single", {
            ...jobArgs("availableNow"),
            workspaceFolder: "/lakestream/single",
            interactiveClusterId: "0101-abc",
        });
        await settle();
        const jobs = ofType(recorded, "databricks:index/job:Job")
            .map((job) => job.inputs as unknown as JobInputs)
            .sort((a, b) => b.tasks.length - a.tasks.length);
        assert.deepEqual(
            jobs.map((inputs) => [
                inputs.jobClusters,
                inputs.tasks.map((task) => [task.taskKey, task.existingClusterId, task.jobClusterKey]),
            ]),
            [
                [
                    undefined,
                    [
                        ["bronze", "0101-abc", undefined],
                        ["silver", "0101-abc", undefined],
                        ["gold", "0101-abc", undefined],
                    ],
                ],
                [undefined, [["pipeline", "0101-abc", undefined]]],
            ],
        );
    });

    it("uploads only the modules the layered notebooks import, not the local-only ones", async function () {
        new components.MedallionJob("ls", { ...jobArgs("availableNow"), streams: "layered" });
        await settle();
        const files = ofType(recorded, "databricks:index/workspaceFile:WorkspaceFile");
        assert.deepEqual(files.map((file) => [file.inputs.path, file.inputs.source]).sort(), [
            ["/lakestream/test/medallion/__init__.py", "notebooks/medallion/__init__.py"],
            ["/lakestream/test/medallion/bronze.py", "notebooks/medallion/bronze.py"],
            ["/lakestream/test/medallion/gold.py", "notebooks/medallion/gold.py"],
            ["/lakestream/test/medallion/idempotent.py", "notebooks/medallion/idempotent.py"],
            ["/lakestream/test/medallion/parallel.py", "notebooks/medallion/parallel.py"],
            ["/lakestream/test/medallion/schema.py", "notebooks/medallion/schema.py"],
            ["/lakestream/test/medallion/silver.py", "notebooks/medallion/silver.py"],
            ["/lakestream/test/medallion/streams.py", "notebooks/medallion/streams.py"],
            ["/lakestream/test/medallion/tables.py", "notebooks/medallion/tables.py"],
            ["/lakestream/test/medallion/widgets.py", "notebooks/medallion/widgets.py"],
        ]);
    });

    it("uploads only the modules the single-stream notebook imports, not the local-only ones", async function () {
        new components.MedallionJob("ls", jobArgs("availableNow"));
        await settle();
        const files = ofType(recorded, "databricks:index/workspaceFile:WorkspaceFile");
        assert.deepEqual(files.map((file) => file.inputs.path).sort(), [
            "/lakestream/test/medallion/__init__.py",
            "/lakestream/test/medallion/bronze.py",
            "/lakestream/test/medallion/gold.py",
            "/lakestream/test/medallion/idempotent.py",
            "/lakestream/test/medallion/parallel.py",
            "/lakestream/test/medallion/schema.py",
            "/lakestream/test/medallion/silver.py",
            "/lakestream/test/medallion/single_stream.py",
            "/lakestream/test/medallion/streams.py",
            "/lakestream/test/medallion/tables.py",
            "/lakestream/test/medallion/widgets.py",
        ]);
    });

    it("uploads only the notebooks of the chosen layout and the modules they import", async function () {
        const dir = notebooksFolder({
            "pipeline.py": "from medallion.everything import run\n",
            "bronze.py": "from medallion.raw import run\n",
            "silver.py": "from medallion.typed import run\n",
            "gold.py": "from medallion.windows import run\n",
            ...Object.fromEntries(
                ["__init__", "everything", "raw", "typed", "windows"].map((module) => [`medallion/${module}.py`, ""]),
            ),
        });
        const uploaded = (folder: string) => {
            const under = (type: string) =>
                ofType(recorded, type)
                    .map((resource) => String(resource.inputs.path))
                    .filter((file) => file.startsWith(`${folder}/`))
                    .map((file) => file.slice(folder.length + 1))
                    .sort();
            return {
                notebooks: under("databricks:index/notebook:Notebook"),
                files: under("databricks:index/workspaceFile:WorkspaceFile"),
            };
        };
        new components.MedallionJob("single", {
            ...jobArgs("availableNow"),
            notebooksDir: dir,
            workspaceFolder: "/s",
        });
        new components.MedallionJob("layered", {
            ...jobArgs("availableNow"),
            notebooksDir: dir,
            workspaceFolder: "/l",
            streams: "layered",
        });
        await settle();
        assert.deepEqual(uploaded("/s"), {
            notebooks: ["pipeline"],
            files: ["medallion/__init__.py", "medallion/everything.py"],
        });
        assert.deepEqual(uploaded("/l"), {
            notebooks: ["bronze", "gold", "silver"],
            files: ["medallion/__init__.py", "medallion/raw.py", "medallion/typed.py", "medallion/windows.py"],
        });
    });

    describe("the job cluster's Spark conf", function () {
        const fileSizes = {
            "spark.databricks.delta.autoCompact.enabled": "auto",
            "spark.databricks.delta.optimizeWrite.enabled": "true",
        };
        const rocksDb = {
            "spark.sql.streaming.stateStore.providerClass":
                "com.databricks.sql.streaming.state.RocksDBStateStoreProvider",
        };

        it("sets the same values on the job cluster, next to the single-node profile, for workers 0, 2 and a range", async function () {
            const sizes = [{ workers: 0 }, { workers: 2 }, { autoscale: { minWorkers: 1, maxWorkers: 4 } }];
            sizes.forEach((jobCluster, index) => {
                new components.MedallionJob(`ls${index}`, {
                    ...jobArgs("continuous"),
                    workspaceFolder: `/lakestream/t${index}`,
                    streams: "layered",
                    jobCluster,
                });
            });
            await settle();
            // Registration order follows when each job's dependencies resolve, so the jobs are read by name.
            const confs = ofType(recorded, "databricks:index/job:Job")
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((job) => (job.inputs as unknown as JobInputs).jobClusters![0].newCluster.sparkConf);
            assert.deepEqual(confs, [
                {
                    "spark.databricks.cluster.profile": "singleNode",
                    "spark.master": "local[*]",
                    "spark.sql.shuffle.partitions": "4",
                    ...rocksDb,
                    ...fileSizes,
                },
                { "spark.sql.shuffle.partitions": "8", ...rocksDb, ...fileSizes },
                { "spark.sql.shuffle.partitions": "16", ...rocksDb, ...fileSizes },
            ]);
        });
    });
});
