// Specs for security-secret-value-is-secret, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { secret } from "../factories";

const policy = "security-secret-value-is-secret";

describe(policy, () => {
    it("accepts a secret whose value is a Pulumi secret", async () => {
        assert.deepEqual(await violationsOf(policy, [secret()]), []);
    });

    it("rejects a secret whose value the engine would store in plain text", async () => {
        const plain = secret({
            inputs: { stringValue: "Endpoint=sb://x/;SharedAccessKey=abc" },
            additionalSecretOutputs: [],
        });
        const [violation] = await violationsOf(policy, [plain]);
        assert.equal(violation.urn, plain.urn);
        assert.match(violation.message, /Found stringValue not declared secret/);
        assert.doesNotMatch(violation.message, /SharedAccessKey=abc/);
    });
});
