// Specs for databricks-dashboard-no-embedded-credentials, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { dashboard, firstDeploy, sqlEndpoint, wireUnknown } from "../factories";

const policy = "databricks-dashboard-no-embedded-credentials";
const forbid = { [policy]: { forbidEmbeddedCredentials: true } };

describe(policy, () => {
    it("accepts embedCredentials: false", async () => {
        assert.deepEqual(await violationsOf(policy, [sqlEndpoint(), dashboard()], forbid), []);
    });

    it("rejects embedCredentials: true, on a first deploy too", async () => {
        const embedded = dashboard({ inputs: { embedCredentials: true } });
        const [violation, ...rest] = await violationsOf(policy, firstDeploy([sqlEndpoint(), embedded]), forbid);
        assert.deepEqual(rest, []);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.match(
            violation.message,
            /^Found dashboard readers with embedCredentials true; allowed: embedCredentials: false/m,
        );
    });

    it("rejects a dashboard that leaves embedCredentials out, since the provider then embeds them", async () => {
        const [violation] = await violationsOf(
            policy,
            [sqlEndpoint(), dashboard({ inputs: { embedCredentials: undefined } })],
            forbid,
        );
        assert.match(violation.message, /without embedCredentials, which the provider publishes as true/);
    });

    it("allows embedded credentials when the stack does not forbid them (the default)", async () => {
        const embedded = dashboard({ inputs: { embedCredentials: true } });
        assert.deepEqual(await violationsOf(policy, [sqlEndpoint(), embedded]), []);
    });

    it("says it could not check a value unknown during preview", async () => {
        const pending = dashboard({ inputs: { embedCredentials: wireUnknown } });
        const [advisory, ...rest] = await violationsOf(policy, [sqlEndpoint(), pending], forbid);
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(advisory.message, /unknown until the update runs: embedCredentials of dashboard readers/);
    });
});
