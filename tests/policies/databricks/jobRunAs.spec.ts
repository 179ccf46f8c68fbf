// Specs for databricks-job-run-as, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { job, runAsApplicationId, wireUnknown } from "../factories";

const policy = "databricks-job-run-as";

describe(policy, () => {
    it("accepts a job running as a service principal", async () => {
        assert.deepEqual(await violationsOf(policy, [job()]), []);
    });

    it("rejects a job that names no run-as identity, and one with an empty name", async () => {
        for (const runAs of [undefined, {}, { servicePrincipalName: " " }]) {
            const [violation] = await violationsOf(policy, [job({ inputs: { runAs } })]);
            assert.match(violation.message, /Found no runAs: the job would run as whoever created it/);
            assert.match(violation.message, /allowed: runAs\.servicePrincipalName\.$/);
        }
    });

    it("rejects a user under the defaults and accepts one where the stack allows it", async () => {
        const asUser = job({ inputs: { runAs: { userName: "engineer@example.com" } } });
        const [violation] = await violationsOf(policy, [asUser]);
        assert.equal(violation.urn, asUser.urn);
        assert.match(
            violation.message,
            /Found runAs\.userName "engineer@example\.com"; allowed: runAs\.servicePrincipalName/,
        );
        assert.deepEqual(await violationsOf(policy, [asUser], { [policy]: { allowUser: true } }), []);
    });

    it("rejects a group and two identities at once, even where users are allowed", async () => {
        const config = { [policy]: { allowUser: true } };
        const [group] = await violationsOf(policy, [job({ inputs: { runAs: { groupName: "engineers" } } })], config);
        assert.match(
            group.message,
            /Found runAs\.groupName "engineers"; allowed: runAs\.servicePrincipalName or runAs\.userName/,
        );
        const both = job({
            inputs: { runAs: { servicePrincipalName: runAsApplicationId, userName: "a@example.com" } },
        });
        const [twice] = await violationsOf(policy, [both], config);
        assert.match(twice.message, /Found runAs naming 2 identities; name exactly one/);
    });

    it("says it could not check a run-as identity unknown during preview (the deployer on a first deploy)", async () => {
        const deployer = job({ inputs: { runAs: { userName: wireUnknown } } });
        const [advisory, ...rest] = await violationsOf(policy, [deployer], { [policy]: { allowUser: true } });
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.equal(advisory.urn, deployer.urn);
        assert.match(
            advisory.message,
            /can't run policy 'databricks-job-run-as' .* during preview: runAs\.userName of job medallion is unknown until the update runs/,
        );
        const [whole] = await violationsOf(policy, [job({ inputs: { runAs: wireUnknown } })]);
        assert.equal(whole.enforcementLevel, "advisory");
        assert.match(whole.message, /during preview: runAs of job \S+ is unknown/);
    });

    it("still fails a group beside an unknown name: no name makes a group allowed", async () => {
        const group = job({ inputs: { runAs: { groupName: "engineers", userName: wireUnknown } } });
        const [violation, ...rest] = await violationsOf(policy, [group], { [policy]: { allowUser: true } });
        assert.deepEqual(rest, []);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.match(violation.message, /Found runAs\.groupName "engineers"/);
    });
});
