// Specs for databricks-cluster-runtime-end-of-support, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { sparkVersionEndOfSupport } from "../../../src/config";
import { policies } from "../../../policies/all";
import { violationsOf } from "../check";
import { cluster, job, wireUnknown } from "../factories";

const policy = "databricks-cluster-runtime-end-of-support";
const dayMs = 24 * 60 * 60 * 1000;

/** A date `days` from now, as YYYY-MM-DD. */
function inDays(days: number): string {
    return new Date(Date.now() + days * dayMs).toISOString().slice(0, 10);
}

describe(policy, () => {
    it("knows the same end-of-support dates as the stack config", () => {
        const definition = policies.find((candidate) => candidate.name === policy)!;
        const defaults = definition.configSchema?.properties.endOfSupport.default;
        assert.deepEqual(defaults, sparkVersionEndOfSupport);
    });

    it("warns, as advice, when support ends within 90 days", async () => {
        const config = {
            [policy]: { endOfSupport: { "15.4.x-scala2.12": inDays(30), "16.4.x-scala2.12": inDays(900) } },
        };
        const [violation, ...rest] = await violationsOf(policy, [cluster()], config);
        assert.equal(rest.length, 0);
        assert.equal(violation.enforcementLevel, "advisory");
        assert.match(
            violation.message,
            /Found cluster with sparkVersion "15\.4\.x-scala2\.12", whose support ends on \d{4}-\d{2}-\d{2}, in (29|30) days; move to a newer LTS runtime with a Scala 2\.12 image \(in support: 16\.4\.x-scala2\.12\)\./,
        );
    });

    it("says when support has already ended", async () => {
        const config = { [policy]: { endOfSupport: { "15.4.x-scala2.12": inDays(-10) } } };
        const [violation] = await violationsOf(policy, [cluster()], config);
        assert.match(violation.message, /whose support ended on /);
    });

    it("stays quiet further out than the warning period, and uses the stack's period", async () => {
        const config = { [policy]: { endOfSupport: { "15.4.x-scala2.12": inDays(120) } } };
        assert.deepEqual(await violationsOf(policy, [cluster()], config), []);
        const longer = { [policy]: { ...config[policy], warnDays: 180 } };
        assert.equal((await violationsOf(policy, [cluster()], longer)).length, 1);
    });

    it("checks the job clusters of a job too", async () => {
        const config = { [policy]: { endOfSupport: { "14.3.x-scala2.12": inDays(5) } } };
        const withJobCluster = job({
            inputs: {
                tasks: [
                    {
                        taskKey: "bronze",
                        newCluster: { sparkVersion: "14.3.x-scala2.12", numWorkers: 0 },
                        notebookTask: { notebookPath: "/x" },
                    },
                ],
            },
        });
        const [violation] = await violationsOf(policy, [withJobCluster], config);
        assert.match(
            violation.message,
            /Found job cluster tasks\[0\]\.newCluster with sparkVersion "14\.3\.x-scala2\.12"/,
        );
    });

    it("skips a runtime unknown during preview, or one it has no date for", async () => {
        const config = { [policy]: { endOfSupport: { "15.4.x-scala2.12": inDays(1) } } };
        assert.deepEqual(await violationsOf(policy, [cluster({ inputs: { sparkVersion: wireUnknown } })], config), []);
        const other = cluster({ inputs: { sparkVersion: "16.4.x-scala2.12" } });
        assert.deepEqual(await violationsOf(policy, [other], config), []);
    });

    it("reports a date it cannot read instead of guessing", async () => {
        const config = { [policy]: { endOfSupport: { "15.4.x-scala2.12": "next spring" } } };
        const [violation] = await violationsOf(policy, [cluster()], config);
        assert.match(
            violation.message,
            /Found end of support "next spring" for "15\.4\.x-scala2\.12"; write it as YYYY-MM-DD\./,
        );
    });
});
