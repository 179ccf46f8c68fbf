// Specs for databricks-job-code-not-in-shared, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import type { AnalyzedResource } from "../../../src/gate/analyzer";
import { violationsOf } from "../check";
import { firstDeploy, job, layeredJob, wireUnknown } from "../factories";

const policy = "databricks-job-code-not-in-shared";

function workspaceObject(type: string, name: string, path: unknown): AnalyzedResource {
    return {
        urn: `urn:pulumi:dev::lakestream::lakestream:pipeline:Pipeline$${type}::${name}`,
        type,
        name,
        custom: true,
        protect: false,
        dependencies: [],
        inputs: { path },
    };
}

const notebookAt = (path: unknown) => workspaceObject("databricks:index/notebook:Notebook", "bronze-notebook", path);
const fileAt = (path: unknown) => workspaceObject("databricks:index/workspaceFile:WorkspaceFile", "module", path);

/** The happy-path job with its bronze task pointing at `notebookPath` and depending on `code`. */
function jobWith(notebookPath: unknown, code: AnalyzedResource[] = []): AnalyzedResource {
    const base = job();
    const [task] = base.inputs.tasks as Record<string, Record<string, unknown>>[];
    return job({
        dependencies: [...base.dependencies, ...code.map((resource) => resource.urn)],
        inputs: { tasks: [{ ...task, notebookTask: { ...task.notebookTask, notebookPath } }] },
    });
}

describe(policy, () => {
    it("accepts a job whose notebooks and module live in the stack's own folder", async () => {
        const code = [notebookAt("/lakestream/dev/bronze"), fileAt("/lakestream/dev/medallion/bronze.py")];
        assert.deepEqual(await violationsOf(policy, [...code, jobWith("/lakestream/dev/bronze", code)]), []);
    });

    it("rejects a task notebook under /Shared, with or without the /Workspace prefix", async () => {
        for (const path of ["/Shared/lakestream/bronze", "/Workspace/Shared/lakestream/bronze"]) {
            const shared = jobWith(path);
            const [violation] = await violationsOf(policy, [shared]);
            assert.equal(violation.urn, shared.urn);
            assert.match(violation.message, new RegExp(`Found job medallion running code under /Shared: ${path};`));
        }
    });

    it("checks every task of the three-task job, naming the one under /Shared", async () => {
        assert.deepEqual(await violationsOf(policy, [layeredJob()]), []);
        const tasks = structuredClone(layeredJob().inputs.tasks) as { notebookTask: { notebookPath: string } }[];
        tasks[2].notebookTask.notebookPath = "/Shared/lakestream/gold";
        const [violation, ...rest] = await violationsOf(policy, [layeredJob({ inputs: { tasks } })]);
        assert.deepEqual(rest, []);
        assert.match(violation.message, /running code under \/Shared: \/Shared\/lakestream\/gold;/);
    });

    it("rejects module files under /Shared that the job depends on, even when its notebook path is unknown", async () => {
        const code = [fileAt("/Shared/lakestream/medallion/bronze.py")];
        const [violation] = await violationsOf(policy, [...code, jobWith(wireUnknown, code)]);
        assert.match(violation.message, /\/Shared\/lakestream\/medallion\/bronze\.py/);
    });

    it("does not mistake a folder that only starts like /Shared, nor a Git source path", async () => {
        assert.deepEqual(await violationsOf(policy, [jobWith("/SharedTeam/bronze")]), []);
        const base = job();
        const [task] = base.inputs.tasks as Record<string, Record<string, unknown>>[];
        const fromGit = job({
            inputs: { tasks: [{ ...task, notebookTask: { notebookPath: "Shared/bronze", source: "GIT" } }] },
        });
        assert.deepEqual(await violationsOf(policy, [fromGit]), []);
    });

    it("uses the stack's list of forbidden folders", async () => {
        const config = { [policy]: { forbiddenFolders: ["/Shared", "/Users"] } };
        const [violation] = await violationsOf(policy, [jobWith("/Users/someone/bronze")], config);
        assert.match(violation.message, /under \/Shared, \/Users: \/Users\/someone\/bronze/);
    });

    it("on a first deploy (no outputs for the job) still finds its code under /Shared from its inputs", async () => {
        const shared = jobWith("/Shared/lakestream/bronze");
        const [violation, ...rest] = await violationsOf(policy, firstDeploy([shared]));
        assert.deepEqual(rest, []);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.match(
            violation.message,
            /Found job medallion running code under \/Shared: \/Shared\/lakestream\/bronze;/,
        );
    });

    it("says it could not check a notebook path unknown during preview, never passing it silently", async () => {
        const [advisory, ...rest] = await violationsOf(policy, firstDeploy([jobWith(wireUnknown)]));
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(
            advisory.message,
            /can't run policy 'databricks-job-code-not-in-shared' .* during preview: not checked, unknown until the update runs: job medallion tasks\[0\]\.notebookTask\.notebookPath$/,
        );
    });
});
