// Stack config validation: every class of bad value is refused with the key, the value and what is allowed.
import { strict as assert } from "node:assert";
import { ConfigError, parseStackConfig } from "../../src/config";

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
        assert.equal(config.job.maxEventsPerTrigger, 2000);
        assert.deepEqual(config.tags, {
            owner: "data-platform@example.com",
            environment: "dev",
            project: "lakestream",
        });
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
        for (const sparkVersion of ["17.3.x-scala2.13", "15.3.x-scala2.12", "16.4.x-scala2.13"]) {
            const raw = validConfig();
            raw.cluster.sparkVersion = sparkVersion;
            const [problem] = problemsOf(raw);
            assert.equal(
                problem,
                `lakestream:cluster.sparkVersion must be one of "12.2.x-scala2.12", "13.3.x-scala2.12", "14.3.x-scala2.12", "15.4.x-scala2.12", "16.4.x-scala2.12" (got "${sparkVersion}")`,
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
});
