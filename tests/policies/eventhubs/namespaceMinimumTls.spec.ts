// Specs for eventhubs-namespace-minimum-tls, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { namespace, wireUnknown } from "../factories";

const policy = "eventhubs-namespace-minimum-tls";

describe(policy, () => {
    it("accepts TLS 1.2", async () => {
        assert.deepEqual(await violationsOf(policy, [namespace()]), []);
    });

    it("rejects TLS 1.0 and an unset version", async () => {
        const [old] = await violationsOf(policy, [namespace({ inputs: { minimumTlsVersion: "1.0" } })]);
        assert.match(old.message, /Found minimumTlsVersion "1.0"; TLS 1.2 or newer is required\./);
        const [unset] = await violationsOf(policy, [namespace({ inputs: { minimumTlsVersion: undefined } })]);
        assert.match(unset.message, /Found no minimumTlsVersion/);
    });

    it("rejects 1.2 where the stack requires 1.3", async () => {
        const violations = await violationsOf(policy, [namespace()], { [policy]: { minimumTlsVersion: "1.3" } });
        assert.equal(violations.length, 1);
    });

    it("skips a version unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [namespace({ inputs: { minimumTlsVersion: wireUnknown } })]), []);
    });
});
