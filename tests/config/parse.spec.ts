// Stack config validation: every class of bad value is refused with the key, the value and what is allowed.
import { strict as assert } from "node:assert";
import { ConfigError, defaultMaxEventsPerTrigger, defaultStorageAccountName, parseStackConfig } from "../../src/config";

type Settings = Record<string, unknown>;
interface RawConfig extends Settings {
    eventHubs: Settings;
    cluster: Settings;
}

/** A valid dev-like config; each test changes it in one place. */
function validConfig(): RawConfig {
    return {
        "azure-native:location": "westeurope",
        owner: "data-platform@example.com",
        eventHubs: { sku: "Basic", throughputUnits: 1, partitionCount: 2, retentionHours: 24 },
        cluster: { autoterminationMinutes: 10, workers: 0 },
    };
}

function problemsOf(raw: Record<string, unknown>): string[] {
    try {
        parseStackConfig("dev", raw);
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
        return error.problems;
    }
    assert.fail("the config was accepted");
}

describe("stack config validation", function () {
    it("accepts a minimal config and applies the documented defaults", function () {
        const config = parseStackConfig("dev", validConfig());
        assert.equal(config.environment, "dev");
        assert.equal(config.ephemeral, true);
        assert.equal(config.catalog.name, "lakestream_dev");
        assert.equal(config.catalog.forceDestroy, true);
        assert.equal(config.cluster.sparkVersion, "15.4.x-scala2.12");
        assert.equal(config.eventHubs.hubName, "weather");
        assert.equal(config.job.mode, "availableNow");
        assert.equal(config.job.streams, "single");
        // Scheduled runs are given the default interval too; they ignore it.
        assert.equal(config.job.triggerSeconds, 5);
        // 1 unit × 1,000 events/s × 5 s × 2 = 10,000, which is also the floor.
        assert.equal(config.job.maxEventsPerTrigger, 10_000);
        assert.deepEqual(config.tags, {
            owner: "data-platform@example.com",
            environment: "dev",
            project: "lakestream",
        });
        assert.equal(config.runAs, undefined);
        assert.deepEqual(config.readers, []);
        assert.equal(config.databricks.workspaceFolder, "/lakestream/dev");
        assert.deepEqual(config.powerBi.sqlWarehouse, { clusterSize: "2X-Small", autoStopMinutes: 10 });
    });

    it("turns the dashboards on by default, reads a stack file's 'false', and names a misspelt key", function () {
        assert.deepEqual(parseStackConfig("dev", validConfig()).dashboard, { enabled: true });
        assert.deepEqual(parseStackConfig("dev", { ...validConfig(), dashboard: { enabled: "false" } }).dashboard, {
            enabled: false,
        });
        assert.throws(
            () => parseStackConfig("dev", { ...validConfig(), dashboard: { enable: false } }),
            /lakestream:dashboard\.enable is not a known setting; did you mean lakestream:dashboard\.enabled\?/,
        );
        assert.throws(
            () => parseStackConfig("dev", { ...validConfig(), dashboard: { enabled: "no" } }),
            /lakestream:dashboard\.enabled must be a boolean \(got "no"\)/,
        );
    });

    it("keeps data on destroy by default when the stack is not ephemeral", function () {
        const config = parseStackConfig("prod", { ...validConfig(), ephemeral: false });
        assert.equal(config.catalog.forceDestroy, false);
        assert.equal(config.catalog.name, "lakestream_prod");
    });

    it("names a missing required key", function () {
        const raw = validConfig();
        delete raw.owner;
        assert.deepEqual(problemsOf(raw), ["lakestream:owner is required (a string)"]);
    });

    it("names a value of the wrong type", function () {
        const raw = validConfig();
        raw.eventHubs.throughputUnits = "one";
        assert.deepEqual(problemsOf(raw), [
            'lakestream:eventHubs.throughputUnits must be an integer between 1 and 40 (got "one")',
        ]);
    });

    it("names an unknown enum value and lists the allowed ones", function () {
        const raw = validConfig();
        raw.eventHubs.sku = "Basics";
        assert.deepEqual(problemsOf(raw), [
            'lakestream:eventHubs.sku must be one of "Basic", "Standard", "Premium" (got "Basics")',
        ]);
    });

    for (const partitions of [0, 33, 2.5]) {
        it(`refuses ${partitions} partitions (allowed 1-32)`, function () {
            const raw = validConfig();
            raw.eventHubs.partitionCount = partitions;
            assert.deepEqual(problemsOf(raw), [
                `lakestream:eventHubs.partitionCount must be an integer between 1 and 32 (got ${partitions})`,
            ]);
        });
    }

    it("accepts 1 and 32 partitions, the bounds", function () {
        for (const partitionCount of [1, 32]) {
            const raw = validConfig();
            raw.eventHubs.partitionCount = partitionCount;
            assert.equal(parseStackConfig("dev", raw).eventHubs.partitionCount, partitionCount);
        }
    });

    it("refuses an out-of-range number", function () {
        const raw = validConfig();
        raw.cluster.autoterminationMinutes = 0;
        assert.deepEqual(problemsOf(raw), [
            "lakestream:cluster.autoterminationMinutes must be an integer between 10 and 10000 (got 0)",
        ]);
    });

    it("refuses retention above 24 hours on Basic but allows it on Standard", function () {
        const raw = validConfig();
        raw.eventHubs.retentionHours = 25;
        assert.deepEqual(problemsOf(raw), [
            "lakestream:eventHubs.retentionHours must be at most 24 on the Basic tier (got 25)",
        ]);
        raw.eventHubs.sku = "Standard";
        assert.equal(parseStackConfig("dev", raw).eventHubs.retentionHours, 25);
    });

    it("refuses a consumer group on Basic", function () {
        const raw = validConfig();
        raw.eventHubs.consumerGroup = "databricks";
        assert.deepEqual(problemsOf(raw), [
            'lakestream:eventHubs.consumerGroup is not allowed on the Basic tier, which has only the implicit $Default consumer group (got "databricks")',
        ]);
    });

    it("refuses a runtime that is not an LTS Scala 2.12 image", function () {
        // 12.2 and 13.3 LTS have reached their end of support; 17.3 LTS has no Scala 2.12 image.
        for (const sparkVersion of [
            "17.3.x-scala2.13",
            "15.3.x-scala2.12",
            "16.4.x-scala2.13",
            "12.2.x-scala2.12",
            "13.3.x-scala2.12",
        ]) {
            const raw = validConfig();
            raw.cluster.sparkVersion = sparkVersion;
            const [problem] = problemsOf(raw);
            assert.equal(
                problem,
                `lakestream:cluster.sparkVersion must be one of "14.3.x-scala2.12", "15.4.x-scala2.12", "16.4.x-scala2.12" (got "${sparkVersion}")`,
            );
        }
    });

    it("names an unknown key, the closest known one and the known ones, at the top level and inside an object", function () {
        const raw = validConfig();
        raw.eventHub = {};
        raw.cluster.autoTerminationMinutes = 10;
        const problems = problemsOf(raw);
        assert.equal(problems.length, 2, problems.join("\n"));
        assert.ok(
            problems.some((problem) =>
                problem.startsWith(
                    "lakestream:cluster.autoTerminationMinutes is not a known setting; did you mean lakestream:cluster.autoterminationMinutes? (allowed: autoterminationMinutes, workers,",
                ),
            ),
            problems.join("\n"),
        );
        assert.ok(
            problems.some((problem) =>
                problem.startsWith(
                    "lakestream:eventHub is not a known setting; did you mean lakestream:eventHubs? (allowed: azure-native:location, lakestream:owner, lakestream:environment,",
                ),
            ),
            problems.join("\n"),
        );
    });

    it("reports several bad keys together, cross-key rules included", function () {
        const raw = validConfig();
        raw.eventHubs.partitionCount = 64;
        raw.eventHubs.retentionHours = 48;
        raw.eventHubs.consumerGroup = "cg";
        raw.cluster.sparkVersion = "17.3.x-scala2.13";
        delete raw.owner;
        const problems = problemsOf(raw);
        assert.equal(problems.length, 5, problems.join("\n"));
        for (const key of [
            "lakestream:owner",
            "lakestream:eventHubs.partitionCount",
            "lakestream:eventHubs.retentionHours",
            "lakestream:eventHubs.consumerGroup",
            "lakestream:cluster.sparkVersion",
        ]) {
            assert.ok(
                problems.some((problem) => problem.startsWith(`${key} `)),
                `no problem names ${key}:\n${problems.join("\n")}`,
            );
        }
        assert.throws(() => parseStackConfig("dev", raw), /invalid configuration for stack "dev" \(5 problems\)/);
    });

    it("refuses auto-inflate off Standard, a ceiling below the units, and retries on a continuous job", function () {
        const raw = validConfig();
        raw.eventHubs.autoInflate = true;
        raw.job = { mode: "continuous", maxRetries: 2 };
        assert.deepEqual(problemsOf(raw), [
            "lakestream:eventHubs.autoInflate is only available on the Standard tier (sku is Basic) (got true)",
            "lakestream:eventHubs.maximumThroughputUnits must be set and at least throughputUnits (1) when autoInflate is true (got nothing)",
            "lakestream:job.maxRetries is not allowed with mode continuous: Databricks retries continuous jobs itself (got 2)",
        ]);
    });

    it("refuses workers together with autoscale, and an autoscale range upside down", function () {
        const raw = validConfig();
        raw.cluster.autoscale = { minWorkers: 3, maxWorkers: 2 };
        assert.deepEqual(problemsOf(raw), [
            'lakestream:cluster.autoscale and cluster.workers are exclusive: give a fixed worker count or an autoscale range (got {"minWorkers":3,"maxWorkers":2})',
            "lakestream:cluster.autoscale.maxWorkers must be at least minWorkers (3) (got 2)",
        ]);
    });

    describe("the run-as identity, readers, the code folder and the Power BI warehouse", function () {
        it("takes a service principal by application id, or a user by user name", function () {
            const servicePrincipal = parseStackConfig("dev", {
                ...validConfig(),
                runAs: { servicePrincipal: "9A3F6C1E-2B7D-4C8E-8F0A-1D2E3F4A5B6C" },
            });
            assert.deepEqual(servicePrincipal.runAs, { servicePrincipal: "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c" });
            const user = parseStackConfig("dev", { ...validConfig(), runAs: { user: "runner@example.com" } });
            assert.deepEqual(user.runAs, { user: "runner@example.com" });
        });

        it("runs as the deploying identity with {} or nothing, and refuses both at once or something else", function () {
            assert.equal(parseStackConfig("dev", { ...validConfig(), runAs: {} }).runAs, undefined);
            const both =
                "must name one identity: {servicePrincipal: <application id>} (recommended), {user: <user name>}, or {} for the identity that deploys";
            assert.deepEqual(
                problemsOf({
                    ...validConfig(),
                    runAs: { servicePrincipal: "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c", user: "a@example.com" },
                }),
                [
                    `lakestream:runAs ${both} (got {"servicePrincipal":"9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c","user":"a@example.com"})`,
                ],
            );
            assert.deepEqual(problemsOf({ ...validConfig(), runAs: { group: "engineers" } }), [
                "lakestream:runAs.group is not a known setting (allowed: servicePrincipal, user)",
            ]);
            assert.deepEqual(problemsOf({ ...validConfig(), runAs: "runner@example.com" }), [
                'lakestream:runAs must be an object (got "runner@example.com")',
            ]);
        });

        it("refuses a service principal that is not an application id, and a user that is not a user name", function () {
            assert.deepEqual(problemsOf({ ...validConfig(), runAs: { servicePrincipal: "lakestream-runner" } }), [
                'lakestream:runAs.servicePrincipal must be the service principal\'s application id, a GUID such as 8d23ae77-912e-4a19-81e4-b9c3f5cc9349 (got "lakestream-runner")',
            ]);
            assert.deepEqual(
                problemsOf({ ...validConfig(), runAs: { user: "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c" } }),
                [
                    'lakestream:runAs.user must be a user name: the e-mail address the user signs in with (got "9a3f6c1e-2b7d-4c8e-8f0a-1d2e3f4a5b6c")',
                ],
            );
        });

        it("says what replaced cluster.singleUserName and powerBi.sqlWarehouse.enabled", function () {
            const raw = validConfig();
            raw.cluster.singleUserName = "someone@example.com";
            raw.powerBi = { sqlWarehouse: { enabled: true } };
            assert.deepEqual(problemsOf(raw), [
                "lakestream:cluster.singleUserName was replaced by lakestream:runAs ({servicePrincipal: <application id>} or {user: <user name>}), the one identity the job and its compute run as",
                "lakestream:powerBi.sqlWarehouse.enabled was removed: Power BI always connects through the serverless SQL warehouse; keep clusterSize and autoStopMinutes",
            ]);
        });

        it("takes readers as a list of account-level group names", function () {
            assert.deepEqual(
                parseStackConfig("dev", { ...validConfig(), readers: ["analysts", "Field Ops"] }).readers,
                ["analysts", "Field Ops"],
            );
        });

        it("refuses readers that are not a list of names, a workspace system group, and a group listed twice", function () {
            assert.deepEqual(problemsOf({ ...validConfig(), readers: "analysts" }), [
                'lakestream:readers must be an array (got "analysts")',
            ]);
            assert.deepEqual(problemsOf({ ...validConfig(), readers: [""] }), [
                'lakestream:readers[0] must not be empty (got "")',
            ]);
            assert.deepEqual(problemsOf({ ...validConfig(), readers: ["analysts", "users", "Analysts"] }), [
                'lakestream:readers[1] is a workspace-local system group; list account-level groups (grants need them) (got "users")',
                'lakestream:readers[2] is listed twice (got "Analysts")',
            ]);
        });

        it("takes a workspace folder for the code and refuses a relative one", function () {
            const raw = { ...validConfig(), databricks: { workspaceFolder: "/Teams/data platform/lakestream" } };
            assert.equal(parseStackConfig("dev", raw).databricks.workspaceFolder, "/Teams/data platform/lakestream");
            assert.deepEqual(problemsOf({ ...validConfig(), databricks: { workspaceFolder: "lakestream/dev" } }), [
                'lakestream:databricks.workspaceFolder must be an absolute workspace folder such as /lakestream/dev: letters, digits, dots, dashes, underscores, spaces (got "lakestream/dev")',
            ]);
        });

        it("takes the warehouse's size from the sizes a serverless warehouse has", function () {
            assert.deepEqual(problemsOf({ ...validConfig(), powerBi: { sqlWarehouse: { clusterSize: "Tiny" } } }), [
                'lakestream:powerBi.sqlWarehouse.clusterSize must be one of "2X-Small", "X-Small", "Small", "Medium", "Large" (got "Tiny")',
            ]);
        });
    });

    it("accepts booleans quoted the way the Pulumi CLI writes them, and nothing else for a boolean", function () {
        const raw = { ...validConfig(), ephemeral: "false", catalog: { forceDestroy: "false" } };
        raw.eventHubs = { ...raw.eventHubs, sku: "Standard", autoInflate: "true", maximumThroughputUnits: 2 };
        const config = parseStackConfig("prod", raw);
        assert.equal(config.ephemeral, false);
        assert.equal(config.catalog.forceDestroy, false);
        assert.equal(config.eventHubs.autoInflate, true);
        assert.deepEqual(problemsOf({ ...validConfig(), ephemeral: "yes" }), [
            'lakestream:ephemeral must be a boolean (got "yes")',
        ]);
    });

    it("takes SQL warehouse auto-stop as 0 or at least 10 minutes, with no maximum", function () {
        for (const autoStopMinutes of [0, 10, 600]) {
            const config = parseStackConfig("dev", {
                ...validConfig(),
                powerBi: { sqlWarehouse: { autoStopMinutes } },
            });
            assert.equal(config.powerBi.sqlWarehouse?.autoStopMinutes, autoStopMinutes);
        }
        for (const autoStopMinutes of [1, 9]) {
            assert.deepEqual(problemsOf({ ...validConfig(), powerBi: { sqlWarehouse: { autoStopMinutes } } }), [
                `lakestream:powerBi.sqlWarehouse.autoStopMinutes must be 0 (never stop) or at least 10: the SQL warehouses API refuses 1 to 9 (got ${autoStopMinutes})`,
            ]);
        }
    });

    it("creates the catalog's storage by default, in an account whose name stays the same for the stack", function () {
        const first = parseStackConfig("dev", validConfig()).catalog.storage;
        assert.equal(first.kind, "create");
        assert.match(first.kind === "create" ? first.storageAccountName : "", /^lsdev[0-9a-f]{10}$/);
        assert.deepEqual(parseStackConfig("dev", validConfig()).catalog.storage, first);
        const named = parseStackConfig("dev", { ...validConfig(), catalog: { storageAccountName: "lakestreamdata" } });
        assert.deepEqual(named.catalog.storage, { kind: "create", storageAccountName: "lakestreamdata" });
        const long = defaultStorageAccountName("a-very-long-stack-name-indeed", "westeurope", "o");
        assert.match(long, /^[a-z0-9]{3,24}$/);
    });

    it("uses an existing managed location or external location instead, and refuses both at once", function () {
        const storageRoot = "abfss://lake@acct.dfs.core.windows.net/lakestream";
        assert.deepEqual(parseStackConfig("dev", { ...validConfig(), catalog: { storageRoot } }).catalog.storage, {
            kind: "storageRoot",
            storageRoot,
        });
        assert.deepEqual(
            parseStackConfig("dev", { ...validConfig(), catalog: { externalLocation: "shared_lake" } }).catalog.storage,
            { kind: "externalLocation", externalLocationName: "shared_lake" },
        );
        assert.deepEqual(
            parseStackConfig("dev", { ...validConfig(), catalog: { metastoreStorage: "true" } }).catalog.storage,
            { kind: "metastore" },
        );
        assert.deepEqual(
            problemsOf({
                ...validConfig(),
                catalog: { storageRoot, externalLocation: "shared_lake", storageAccountName: "lakestreamdata" },
            }),
            [
                'lakestream:catalog.externalLocation and catalog.storageRoot are exclusive: name one existing location, or neither to create the storage (got "shared_lake")',
                'lakestream:catalog.storageAccountName names the storage account the stack creates, which it does not do with catalog.storageRoot (got "lakestreamdata")',
            ],
        );
        assert.deepEqual(problemsOf({ ...validConfig(), catalog: { storageAccountName: "Lake_Stream" } }), [
            'lakestream:catalog.storageAccountName must be 3-24 lower-case letters and digits (got "Lake_Stream")',
        ]);
        assert.deepEqual(
            problemsOf({ ...validConfig(), catalog: { storageRoot: "https://acct.blob.core.windows.net/x" } }),
            [
                'lakestream:catalog.storageRoot must be an abfss://container@account.dfs.core.windows.net/path URL (got "https://acct.blob.core.windows.net/x")',
            ],
        );
    });

    it("adopts kept data only in a stack that keeps it, with the subscription the storage is in", function () {
        assert.deepEqual(problemsOf({ ...validConfig(), adoptData: true }), [
            "lakestream:adoptData is for a stack whose data survives destroy: set lakestream:ephemeral to false (got true)",
            "azure-native:subscriptionId is required with lakestream:adoptData: the ids of the kept storage account and its resource group name the subscription (got nothing)",
        ]);
        assert.deepEqual(
            problemsOf({
                ...validConfig(),
                ephemeral: false,
                adoptData: "true",
                catalog: { forceDestroy: true },
                "azure-native:subscriptionId": "not-a-guid",
            }),
            [
                'azure-native:subscriptionId must be a subscription id (a GUID) (got "not-a-guid")',
                'lakestream:adoptData contradicts catalog.forceDestroy: true, which deletes the data it would adopt (got "true")',
            ],
        );
        const subscriptionId = "12345678-1234-1234-1234-123456789abc";
        const config = parseStackConfig("prod", {
            ...validConfig(),
            ephemeral: false,
            adoptData: true,
            "azure-native:subscriptionId": subscriptionId,
        });
        assert.equal(config.adoptData, true);
        assert.equal(config.subscriptionId, subscriptionId);
    });

    describe("the job's compute, triggers and notifications", function () {
        it("creates an ephemeral stack's job paused and a lasting stack's unpaused, unless the stack says", function () {
            assert.equal(parseStackConfig("dev", validConfig()).job.paused, true);
            assert.equal(parseStackConfig("prod", { ...validConfig(), ephemeral: false }).job.paused, false);
            assert.equal(parseStackConfig("dev", { ...validConfig(), job: { paused: false } }).job.paused, false);
            assert.equal(
                parseStackConfig("prod", { ...validConfig(), ephemeral: false, job: { paused: true } }).job.paused,
                true,
            );
        });

        it("runs on job compute without an all-purpose cluster, notifies the owner and bounds scheduled runs", function () {
            const config = parseStackConfig("dev", validConfig());
            assert.equal(config.interactiveCluster, false);
            assert.equal(config.job.compute, "job");
            assert.deepEqual(config.job.notify, ["data-platform@example.com"]);
            assert.deepEqual(config.job.backlog, { maxFiles: 200, maxBytes: 1024 ** 3 });
            assert.equal(config.job.timeoutSeconds, 3600);
            assert.equal(config.job.taskRetryMode, undefined);
        });

        it("gives a continuous job no run timeout and takes the notify list and thresholds as given", function () {
            const config = parseStackConfig("dev", {
                ...validConfig(),
                job: {
                    mode: "continuous",
                    notify: ["oncall@example.com", "lead@example.com"],
                    backlog: { maxFiles: 40 },
                },
            });
            assert.equal(config.job.timeoutSeconds, undefined);
            assert.deepEqual(config.job.notify, ["oncall@example.com", "lead@example.com"]);
            assert.deepEqual(config.job.backlog, { maxFiles: 40, maxBytes: 1024 ** 3 });
        });

        it("takes the stream layout and the trigger interval of a continuous job, and sizes batches from them", function () {
            const config = parseStackConfig("dev", {
                ...validConfig(),
                eventHubs: { sku: "Standard", throughputUnits: 4, partitionCount: 8, retentionHours: 24 },
                job: { mode: "continuous", streams: "layered", triggerSeconds: 10 },
            });
            assert.equal(config.job.streams, "layered");
            assert.equal(config.job.triggerSeconds, 10);
            assert.equal(config.job.maxEventsPerTrigger, 80_000);
            const explicit = parseStackConfig("dev", {
                ...validConfig(),
                job: { mode: "continuous", triggerSeconds: 10, maxEventsPerTrigger: 500 },
            });
            assert.equal(explicit.job.maxEventsPerTrigger, 500);
        });

        it("refuses an unknown stream layout, naming the allowed ones and suggesting the closest key", function () {
            assert.deepEqual(problemsOf({ ...validConfig(), job: { streams: "three" } }), [
                'lakestream:job.streams must be one of "single", "layered" (got "three")',
            ]);
            const [misspelt] = problemsOf({ ...validConfig(), job: { stream: "single" } });
            assert.match(
                misspelt,
                /^lakestream:job\.stream is not a known setting; did you mean lakestream:job\.streams\? \(allowed: /,
            );
        });

        it("refuses a trigger interval out of 1 to 300 seconds, and any on a scheduled job", function () {
            for (const triggerSeconds of [0, 301, 2.5]) {
                assert.deepEqual(problemsOf({ ...validConfig(), job: { mode: "continuous", triggerSeconds } }), [
                    `lakestream:job.triggerSeconds must be an integer between 1 and 300 (got ${triggerSeconds})`,
                ]);
            }
            assert.deepEqual(problemsOf({ ...validConfig(), job: { triggerSeconds: 5 } }), [
                "lakestream:job.triggerSeconds only applies to mode continuous: a scheduled run drains what the hub holds and stops, so it has no trigger interval (got 5)",
            ]);
            assert.deepEqual(
                problemsOf({ ...validConfig(), job: { mode: "availableNow", triggerSeconds: 1 } }).length,
                1,
            );
        });

        it("sizes the default batch at twice the namespace's ingress per trigger, at least 10,000 events", function () {
            assert.equal(defaultMaxEventsPerTrigger(1, 1), 10_000);
            assert.equal(defaultMaxEventsPerTrigger(1, 5), 10_000);
            assert.equal(defaultMaxEventsPerTrigger(1, 6), 12_000);
            assert.equal(defaultMaxEventsPerTrigger(2, 5), 20_000);
            assert.equal(defaultMaxEventsPerTrigger(4, 300), 2_400_000);
        });

        it("refuses a timeout on a continuous job and a retry mode on a scheduled one", function () {
            assert.deepEqual(problemsOf({ ...validConfig(), job: { mode: "continuous", timeoutSeconds: 3600 } }), [
                "lakestream:job.timeoutSeconds is not allowed with mode continuous: a continuous run is meant to run; its health rules and failure notifications watch it (got 3600)",
            ]);
            assert.deepEqual(problemsOf({ ...validConfig(), job: { taskRetryMode: "ON_FAILURE" } }), [
                'lakestream:job.taskRetryMode only applies to mode continuous (scheduled runs retry with job.maxRetries) (got "ON_FAILURE")',
            ]);
            assert.deepEqual(
                problemsOf({ ...validConfig(), job: { mode: "continuous", taskRetryMode: "SOMETIMES" } }),
                ['lakestream:job.taskRetryMode must be one of "ON_FAILURE", "NEVER" (got "SOMETIMES")'],
            );
        });

        it("refuses interactive compute without the cluster", function () {
            assert.deepEqual(problemsOf({ ...validConfig(), job: { compute: "interactive" } }), [
                'lakestream:job.compute interactive needs lakestream:interactiveCluster: true, the cluster the tasks would run on (got "interactive")',
            ]);
            assert.equal(
                parseStackConfig("dev", { ...validConfig(), interactiveCluster: true, job: { compute: "interactive" } })
                    .job.compute,
                "interactive",
            );
            assert.deepEqual(problemsOf({ ...validConfig(), interactiveCluster: "yes" }), [
                'lakestream:interactiveCluster must be a boolean (got "yes")',
            ]);
        });

        it("refuses a notify entry that is not an e-mail address, and an owner that cannot be the default", function () {
            assert.deepEqual(problemsOf({ ...validConfig(), job: { notify: ["oncall@example.com", "pager"] } }), [
                'lakestream:job.notify[1] must be an e-mail address such as data-platform@example.com (got "pager")',
            ]);
            assert.deepEqual(problemsOf({ ...validConfig(), owner: "data-platform" }), [
                'lakestream:job.notify must list the e-mail addresses that hear about failures: it defaults to lakestream:owner, which is not an e-mail address ("data-platform") (got nothing)',
            ]);
            assert.deepEqual(
                parseStackConfig("dev", { ...validConfig(), owner: "data-platform", job: { notify: [] } }).job.notify,
                [],
            );
        });

        it("refuses backlog thresholds out of range and unknown backlog keys", function () {
            assert.deepEqual(problemsOf({ ...validConfig(), job: { backlog: { maxFiles: 0, seconds: 60 } } }).sort(), [
                "lakestream:job.backlog.maxFiles must be an integer between 1 and 1000000 (got 0)",
                "lakestream:job.backlog.seconds is not a known setting (allowed: maxFiles, maxBytes)",
            ]);
        });
    });
});
