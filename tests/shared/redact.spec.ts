// The TypeScript redactor against the table of secret formats it shares with the Python one.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { redactSecrets } from "../../src/shared/redact";

interface SecretFormat {
    format: string;
    input: string;
    secrets?: string[];
    expected: string;
}

const table = JSON.parse(readFileSync(path.join(__dirname, "..", "fixtures", "secret-formats.json"), "utf8")) as {
    cases: SecretFormat[];
};

describe("redactSecrets", function () {
    for (const entry of table.cases) {
        it(`masks ${entry.format}`, function () {
            assert.equal(redactSecrets(entry.input, entry.secrets ?? []), entry.expected);
        });
    }

    it("leaves short known values alone: they would blank out ordinary words", function () {
        assert.equal(redactSecrets("the run is ok", ["ok"]), "the run is ok");
    });
});
