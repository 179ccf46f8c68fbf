// Specs for cleanup-ephemeral-force-destroy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { catalog, schema, wireUnknown } from "../factories";

const policy = "cleanup-ephemeral-force-destroy";

describe(policy, () => {
    it("accepts a force-destroy catalog and schema in an ephemeral stack", async () => {
        assert.deepEqual(await violationsOf(policy, [catalog(), schema()]), []);
    });

    it("rejects a catalog and a schema without forceDestroy in an ephemeral stack", async () => {
        const kept = [catalog({ inputs: { forceDestroy: false } }), schema({ inputs: { forceDestroy: undefined } })];
        const violations = await violationsOf(policy, kept);
        assert.deepEqual(
            violations.map((violation) => violation.urn),
            kept.map((resource) => resource.urn),
        );
        assert.match(violations[0].message, /Found a catalog with forceDestroy false in ephemeral stack "dev"/);
        assert.match(violations[1].message, /Found a schema with forceDestroy unset/);
    });

    it("accepts kept data where the stack is not ephemeral", async () => {
        const kept = catalog({ inputs: { forceDestroy: false } });
        assert.deepEqual(await violationsOf(policy, [kept], { [policy]: { ephemeral: false } }), []);
    });

    it("skips a value unknown during preview", async () => {
        assert.deepEqual(await violationsOf(policy, [catalog({ inputs: { forceDestroy: wireUnknown } })]), []);
    });
});
