// Specs for stack-destroyable, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { catalog, compliantStack, replaced } from "../factories";

const policy = "stack-destroyable";

describe(policy, () => {
    it("accepts a stack without protected resources", async () => {
        assert.deepEqual(await violationsOf(policy, compliantStack()), []);
    });

    it("rejects a protected catalog in an ephemeral stack, sent as the engine's protect option", async () => {
        const protectedCatalog = catalog({ protect: true });
        const [violation, ...rest] = await violationsOf(policy, replaced(compliantStack(), protectedCatalog));
        assert.equal(rest.length, 0);
        assert.equal(violation.urn, protectedCatalog.urn);
        assert.match(violation.message, /protected in ephemeral stack "dev"; remove protect/);
    });

    it("accepts protection where the stack is not ephemeral", async () => {
        const stack = replaced(compliantStack("prod"), catalog({ stack: "prod", protect: true }));
        assert.deepEqual(await violationsOf(policy, stack, { [policy]: { ephemeral: false } }, "prod"), []);
    });
});
