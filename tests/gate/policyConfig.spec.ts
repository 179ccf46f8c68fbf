// Specs for the per-stack policy config: schema defaults, per-stack overrides and invalid files.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { PolicyAnalyzer } from "../../src/gate/analyzer";
import { policyConfigFor } from "../../src/gate/gate";
import {
    parsePolicyConfig,
    readPolicyConfigFile,
    reconcilePolicyConfig,
    type PolicyDescription,
} from "../../src/gate/policyConfig";
import { UsageError } from "../../src/shared/cli";

const configDir = path.join(__dirname, "..", "..", "policies", "config");

async function reconcile(config: Record<string, unknown>) {
    const { policies } = await PolicyAnalyzer.get().info();
    return reconcilePolicyConfig(policies, parsePolicyConfig(JSON.stringify(config), "test"), "test");
}

describe("policy config", () => {
    it("fills every setting from the schema defaults, the strict dev limits", async () => {
        const settings = await reconcile({});
        assert.deepEqual(settings["eventhubs-namespace-allowed-tier"], {
            enforcementLevel: "mandatory",
            properties: { allowedTiers: ["Basic"] },
        });
        assert.deepEqual(settings["eventhubs-namespace-max-throughput-units"].properties, { maxThroughputUnits: 1 });
        assert.deepEqual(settings["databricks-cluster-auto-termination"].properties, { maxAutoterminationMinutes: 10 });
        assert.deepEqual(settings["databricks-cluster-max-workers"].properties, { maxWorkers: 0 });
        assert.deepEqual(settings["cleanup-ephemeral-force-destroy"].properties, { ephemeral: true });
        assert.deepEqual(settings["cleanup-job-no-unpaused-continuous"].properties, { allowContinuous: false });
        assert.deepEqual(settings["stack-throughput-unit-budget"].properties, { maxTotalThroughputUnits: 1 });
    });

    it("dev.json restates the defaults but lets dev's job run as the engineer who deploys it", async () => {
        // A stack without its own file is held to dev's limits, and to a service principal as run-as identity.
        const dev = readPolicyConfigFile(path.join(configDir, "dev.json"));
        const { policies } = await PolicyAnalyzer.get().info();
        assert.deepEqual(
            reconcilePolicyConfig(policies, dev, "dev.json"),
            await reconcile({ "databricks-job-run-as": { allowUser: true } }),
        );
        const defaults = await reconcile({});
        assert.deepEqual(defaults["databricks-job-run-as"].properties, { allowUser: false });
    });

    it("prod.json raises the limits, allows continuous jobs and keeps data, with four rules advisory", async () => {
        const prod = readPolicyConfigFile(path.join(configDir, "prod.json"));
        const { policies } = await PolicyAnalyzer.get().info();
        const settings = reconcilePolicyConfig(policies, prod, "prod.json");
        assert.deepEqual(settings["eventhubs-namespace-allowed-tier"].properties, { allowedTiers: ["Standard"] });
        assert.deepEqual(settings["eventhubs-namespace-max-throughput-units"].properties, { maxThroughputUnits: 4 });
        assert.deepEqual(settings["cleanup-job-no-unpaused-continuous"].properties, { allowContinuous: true });
        assert.deepEqual(settings["stack-destroyable"].properties, { ephemeral: false });
        const advisory = Object.entries(settings)
            .filter(([, value]) => value.enforcementLevel === "advisory")
            .map(([name]) => name)
            .sort();
        assert.deepEqual(advisory, [
            "cleanup-job-timeout",
            "databricks-cluster-runtime-end-of-support",
            "databricks-job-shuffle-partitions",
            "databricks-sql-warehouse-auto-stop",
        ]);
    });

    it("uses policies/config/<stack>.json when it exists and the pack defaults otherwise", () => {
        assert.equal(policyConfigFor("prod").source, path.relative(process.cwd(), path.join(configDir, "prod.json")));
        assert.deepEqual(policyConfigFor("staging"), { config: {}, source: "pack defaults" });
    });

    it("applies 'all' before each policy's own level", async () => {
        const settings = await reconcile({ all: "advisory", "stack-destroyable": "mandatory" });
        assert.equal(settings["eventhubs-namespace-allowed-tier"].enforcementLevel, "advisory");
        assert.equal(settings["stack-destroyable"].enforcementLevel, "mandatory");
    });

    it("rejects an unknown policy, an unknown setting, a wrong type and a bad level, naming each", async () => {
        await assert.rejects(
            reconcile({ "eventhubs-tier": "mandatory" }),
            /"eventhubs-tier" is not a policy of this pack/,
        );
        await assert.rejects(
            reconcile({ "databricks-cluster-max-workers": { maxWorker: 2 } }),
            /databricks-cluster-max-workers.maxWorker is not a known setting \(allowed: maxWorkers\)/,
        );
        await assert.rejects(
            reconcile({ "databricks-cluster-max-workers": { maxWorkers: "two" } }),
            (error: Error) =>
                error instanceof UsageError && /maxWorkers must be integer \(got "two"\)/.test(error.message),
        );
        await assert.rejects(
            reconcile({ "eventhubs-namespace-allowed-tier": { allowedTiers: ["Gold"] } }),
            /allowedTiers\[0\] must be one of "Basic", "Standard", "Premium" \(got "Gold"\)/,
        );
        assert.throws(
            () => parsePolicyConfig('{"stack-destroyable": "strict"}', "x.json"),
            /allowed: advisory, mandatory/,
        );
        assert.throws(() => parsePolicyConfig("{not json", "x.json"), /policy config x.json is not valid JSON/);
        assert.throws(() => readPolicyConfigFile("/nonexistent/policy.json"), /cannot read policy config/);
    });

    describe("validation with a full JSON Schema validator", () => {
        const policy = (properties: Record<string, unknown>): PolicyDescription => ({
            name: "test-policy",
            enforcementLevel: "mandatory",
            configSchema: { properties: properties as Record<string, Record<string, unknown>>, required: [] },
        });

        it("enforces keywords beyond the old hand-written subset: pattern, uniqueItems, exclusiveMaximum", () => {
            const described = policy({
                prefix: { type: "string", pattern: "^[a-z]+$" },
                tiers: { type: "array", items: { type: "string" }, uniqueItems: true },
                ratio: { type: "number", exclusiveMaximum: 1 },
            });
            const given = parsePolicyConfig(
                JSON.stringify({ "test-policy": { prefix: "Has Spaces", tiers: ["Basic", "Basic"], ratio: 1 } }),
                "x.json",
            );
            assert.throws(
                () => reconcilePolicyConfig([described], given, "x.json"),
                (error: Error) =>
                    error instanceof UsageError &&
                    /test-policy\.prefix must match pattern "\^\[a-z\]\+\$" \(got "Has Spaces"\)/.test(error.message) &&
                    /test-policy\.tiers must NOT have duplicate items/.test(error.message) &&
                    /test-policy\.ratio must be less than 1 \(got 1\)/.test(error.message),
            );
        });

        it("refuses a policy schema with a keyword the validator does not know, instead of ignoring it", () => {
            const described = policy({ maxWorkers: { type: "integer", maximun: 4 } });
            assert.throws(
                () => reconcilePolicyConfig([described], {}, "x.json"),
                /the config schema of policy test-policy is not a valid JSON Schema: strict mode: unknown keyword: "maximun"/,
            );
        });
    });
});
