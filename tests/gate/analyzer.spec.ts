// Specs for the gate's analyzer driver: what it sends to Analyze and to AnalyzeStack, as the engine sends them.
import { strict as assert } from "node:assert";
import { violationsOf, check } from "../policies/check";
import { compliantStack, eventHub, firstDeploy } from "../policies/factories";

describe("gate analyzer (src/gate/analyzer.ts)", () => {
    it("sends AnalyzeStack each resource's outputs and Analyze its inputs", async () => {
        const inputs = eventHub().inputs;
        // Inputs within every limit; outputs (as a provider might report them) beyond the retention limit.
        const hub = {
            ...eventHub(),
            outputs: { ...inputs, partitionCount: 2, retentionDescription: { retentionTimeInHours: 72 } },
        };
        const retention = await violationsOf("eventhubs-hub-retention-within-tier", [hub]);
        assert.equal(retention.length, 1);
        assert.match(retention[0].message, /Found a retention of 72 h/);
        // And the other way round: a resource policy judges the inputs, not the outputs.
        const wide = { ...eventHub({ inputs: { partitionCount: 64 } }), outputs: inputs };
        assert.equal((await violationsOf("eventhubs-hub-partition-count", [wide])).length, 1);
        assert.deepEqual(await violationsOf("eventhubs-hub-retention-within-tier", [wide]), []);
    });

    it("sends the inputs to AnalyzeStack when a resource has no outputs field (a plan that does not record them)", async () => {
        const hub = eventHub({ inputs: { retentionDescription: { retentionTimeInHours: 72 } } });
        assert.equal((await violationsOf("eventhubs-hub-retention-within-tier", [hub])).length, 1);
    });

    it("passes a compliant first deploy whose Databricks resources have empty outputs", async () => {
        const stack = firstDeploy(compliantStack());
        assert.ok(stack.some((resource) => resource.type.startsWith("databricks:") && resource.outputs !== undefined));
        assert.deepEqual(await check(stack), []);
    });

    it("sends the empty outputs as they are: with no resource policy to keep inputs, stack policies say so", async () => {
        const stack = firstDeploy(compliantStack());
        const config = {
            all: "disabled",
            "databricks-job-code-not-in-shared": "mandatory",
            "stack-monthly-budget": "mandatory",
        };
        const violations = await check(stack, config);
        assert.deepEqual(
            violations.map((violation) => [violation.policy, violation.enforcementLevel]),
            [
                ["databricks-job-code-not-in-shared", "advisory"],
                ["stack-monthly-budget", "advisory"],
            ],
        );
        for (const violation of violations) {
            assert.match(violation.message, /can't run policy '[a-z-]+' .* during preview: /);
        }
    });
});
