// Specs for the pack as a whole: a compliant stack passes every policy, and every policy follows the pack's conventions.
import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { packName, policies } from "../../policies/all";
import { PolicyAnalyzer } from "../../src/gate/analyzer";
import { check } from "./check";
import { compliantStack, continuousJob, job, layeredJob, replaced } from "./factories";

const policiesDir = path.join(__dirname, "..", "..", "policies");
const groups = ["eventhubs", "databricks", "cleanup", "security", "stack"];

describe("lakestream policy pack", () => {
    it("finds nothing wrong with a compliant dev stack", async () => {
        assert.deepEqual(await check(compliantStack()), []);
    });

    it("finds nothing wrong with the one-task and the three-task job, scheduled or continuous", async () => {
        for (const declared of [layeredJob(), continuousJob(), continuousJob({}, "layered")]) {
            const stack = replaced(compliantStack(), declared);
            assert.equal(stack.filter((resource) => resource.urn === job().urn).length, 1);
            assert.deepEqual(await check(stack), []);
        }
    });

    it("lists every policy file of every group exactly once", () => {
        const files = groups.flatMap((group) => readdirSync(path.join(policiesDir, group)).map((f) => `${group}/${f}`));
        assert.equal(policies.length, files.length);
        assert.equal(new Set(policies.map((policy) => policy.name)).size, policies.length);
    });

    for (const policy of policies) {
        it(`${policy.name}: name, one-sentence description, schema, level and severity, in that order`, () => {
            assert.match(policy.name, /^(eventhubs|databricks|cleanup|security|stack)-[a-z0-9-]+$/);
            // One sentence: a capital, no sentence break (a period followed by a space), a final period.
            assert.match(policy.description, /^[A-Z]/);
            assert.match(policy.description, /\.$/);
            assert.doesNotMatch(policy.description.slice(0, -1), /\. /);
            const keys = Object.keys(policy);
            assert.deepEqual(keys.slice(0, 5), ["name", "description", "configSchema", "enforcementLevel", "severity"]);
            assert.ok(keys[5] === "validateResource" || keys[5] === "validateStack");
            // Guardrails are mandatory; a warning about the calendar is advice, not a reason to block a deploy.
            // The shuffle partition count is tuning advice: the pipeline runs either way, only slower.
            const advisory = ["databricks-cluster-runtime-end-of-support", "databricks-job-shuffle-partitions"];
            assert.equal(policy.enforcementLevel, advisory.includes(policy.name) ? "advisory" : "mandatory");
        });
    }

    it("is served under its name and the version of policies/package.json", async () => {
        const info = await PolicyAnalyzer.get().info();
        assert.equal(info.name, packName);
        assert.equal(info.version, "0.1.0");
        assert.equal(info.policies.length, policies.length);
    });
});
