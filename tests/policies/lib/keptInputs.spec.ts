// Specs for the inputs kept for stack policies: what they hold, when they are used, and that no stack sees another's.
import { strict as assert } from "node:assert";
import { unknownCheckingProxy } from "@pulumi/policy";
import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { keepInputs, resetKeptInputs, stackPropsOf } from "../../../policies/lib/keptInputs";
import { isUnknown, known } from "../../../policies/lib/read";
import { violationsOf } from "../check";
import { firstDeploy, job, wireSecret, wireUnknown } from "../factories";

const jobUrn = "urn:pulumi:dev::lakestream::lakestream:pipeline:Pipeline$databricks:index/job:Job::medallion";

/** What the library hands a resource policy: the props behind its unknown-checking proxy. */
function resourceArgs(props: Record<string, unknown>, stackTags: unknown, urn = jobUrn): ResourceValidationArgs {
    return { urn, props: unknownCheckingProxy(props), stackTags } as unknown as ResourceValidationArgs;
}

/** What the library hands a stack policy about one resource. */
function stackResource(props: Record<string, unknown>, urn = jobUrn): PolicyResource {
    return { urn, props: unknownCheckingProxy(props), dependencies: [] } as unknown as PolicyResource;
}

const sharedJob = () => {
    const base = job();
    const [task] = base.inputs.tasks as Record<string, Record<string, unknown>>[];
    return job({
        inputs: { tasks: [{ ...task, notebookTask: { ...task.notebookTask, notebookPath: "/Shared/pipeline" } }] },
    });
};

describe("kept inputs (policies/lib/keptInputs.ts)", () => {
    afterEach(() => resetKeptInputs());

    it("hands a stack policy the outputs when there are any, and the kept inputs when the outputs are empty", () => {
        const stackTags = {};
        keepInputs(resourceArgs({ name: "from-inputs" }, stackTags));
        const fromOutputs = stackPropsOf(stackResource({ name: "from-outputs" }), { stackTags });
        assert.equal(fromOutputs.source, "outputs");
        assert.equal(fromOutputs.props.name, "from-outputs");
        const fromInputs = stackPropsOf(stackResource({}), { stackTags });
        assert.equal(fromInputs.source, "inputs");
        assert.equal(fromInputs.props.name, "from-inputs");
    });

    it("keeps unknowns unknown to the same readers, and nested values and arrays as they were", () => {
        const stackTags = {};
        // The library's unknown sentinels: an array, a string.
        const unknownArray = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
        const inputs = { runAs: { userName: wireUnknown }, tasks: unknownArray, tags: ["a", wireUnknown], n: 3 };
        keepInputs(resourceArgs(inputs, stackTags));
        const { props } = stackPropsOf(stackResource({}), { stackTags });
        assert.ok(isUnknown(known(() => props.runAs.userName)));
        assert.ok(isUnknown(known(() => props.tasks)));
        assert.equal(
            known(() => props.tags[0]),
            "a",
        );
        assert.ok(isUnknown(known(() => props.tags[1])));
        assert.equal(props.n, 3);
        assert.throws(() => props.runAs.userName, /string value at \.runAs\.userName can't be known during preview/);
    });

    it("says 'none' for a resource whose outputs are empty and whose inputs were not kept", () => {
        const stackTags = {};
        keepInputs(resourceArgs({ name: "job" }, stackTags));
        const other = stackPropsOf(stackResource({}, jobUrn.replace("medallion", "other")), { stackTags });
        assert.equal(other.source, "none");
        assert.deepEqual(Object.keys(other.props), []);
    });

    it("never hands one stack's inputs to another stack", () => {
        const stackTags = {};
        keepInputs(resourceArgs({ name: "dev job" }, stackTags));
        const prodUrn = jobUrn.replace("urn:pulumi:dev::", "urn:pulumi:prod::");
        assert.equal(stackPropsOf(stackResource({}, prodUrn), { stackTags }).source, "none");
    });

    it("starts afresh on a new ConfigureStack (new stack tags), even before any resource is analyzed", () => {
        keepInputs(resourceArgs({ name: "first" }, {}));
        // A new ConfigureStack gives the library new stack tags; the stack policies then see none of the old inputs.
        assert.equal(stackPropsOf(stackResource({}), { stackTags: {} }).source, "none");
    });

    it("starts afresh on the next pass once the stack policies have read the store", () => {
        const stackTags = {};
        keepInputs(resourceArgs({ name: "run one" }, stackTags));
        keepInputs(resourceArgs({ name: "run one, again" }, stackTags));
        assert.equal(stackPropsOf(stackResource({}), { stackTags }).props.name, "run one");
        keepInputs(resourceArgs({ name: "run two" }, stackTags));
        assert.equal(stackPropsOf(stackResource({}), { stackTags }).props.name, "run two");
    });

    it("keeps a secret input readable, as the library hands secrets to policies unwrapped", async () => {
        // Through the analyzer: the secret arrives in the engine's wire form and the library unwraps it.
        const secretPath = job({
            inputs: {
                tasks: [
                    {
                        taskKey: "pipeline",
                        notebookTask: { notebookPath: wireSecret("/Shared/pipeline") },
                    },
                ],
            },
        });
        const [violation] = await violationsOf("databricks-job-code-not-in-shared", firstDeploy([secretPath]));
        assert.equal(violation.enforcementLevel, "mandatory");
    });

    it("through the pack: a first deploy's stack policy sees the job's inputs, and the next stack does not", async () => {
        const policy = "databricks-job-code-not-in-shared";
        const [found] = await violationsOf(policy, firstDeploy([sharedJob()]));
        assert.equal(found.enforcementLevel, "mandatory");
        assert.match(found.message, /running code under \/Shared: \/Shared\/pipeline;/);
        // Same URN in the next stack, with every resource policy disabled: nothing keeps its inputs this time.
        const onlyStackPolicy = { all: "disabled", [policy]: "mandatory" };
        const [next, ...rest] = await violationsOf(policy, firstDeploy([sharedJob()]), onlyStackPolicy);
        assert.deepEqual(rest, []);
        assert.equal(next.enforcementLevel, "advisory");
        assert.match(next.message, /can't run policy 'databricks-job-code-not-in-shared' .* during preview: /);
    });
});
