// Tests of how the tools pick the Databricks host and credential, and keep secrets out of what they print.
import assert from "node:assert/strict";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { resolveDatabricksAuth, resolveWorkspaceHost } from "../../src/ops/databricksAuth";
import { redactSecrets } from "../../src/shared/redact";
import { UsageError } from "../../src/shared/cli";

/** A stand-in for an Azure CLI login that records the scopes it is asked for. */
function recordingCredential(token: AccessToken): TokenCredential & { scopes: (string | string[])[] } {
    const scopes: (string | string[])[] = [];
    return {
        scopes,
        getToken: async (scope) => {
            scopes.push(scope);
            return token;
        },
    };
}

describe("Databricks credential and host", () => {
    it("uses DATABRICKS_TOKEN when set and never asks the Azure CLI", async () => {
        let cliAsked = false;
        const auth = resolveDatabricksAuth({ DATABRICKS_TOKEN: "dapi-abc-123456" }, () => {
            cliAsked = true;
            return recordingCredential({ token: "unused", expiresOnTimestamp: Date.now() + 3_600_000 });
        });
        assert.equal(await auth.getToken(), "dapi-abc-123456");
        assert.equal(auth.description, "personal access token (DATABRICKS_TOKEN)");
        assert.equal(cliAsked, false);
    });

    it("otherwise asks the Azure CLI for the Azure Databricks resource, once while the token is fresh", async () => {
        const credential = recordingCredential({
            token: "eyJ-entra-token",
            expiresOnTimestamp: Date.now() + 3_600_000,
        });
        const auth = resolveDatabricksAuth({ DATABRICKS_TOKEN: "  " }, () => credential);
        assert.equal(auth.description, "Azure CLI login");
        assert.equal(await auth.getToken(), "eyJ-entra-token");
        assert.equal(await auth.getToken(), "eyJ-entra-token");
        assert.deepEqual(credential.scopes, ["2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default"]);
    });

    it("asks again when the cached token is about to expire", async () => {
        const credential = recordingCredential({ token: "short-lived-token", expiresOnTimestamp: Date.now() + 30_000 });
        const auth = resolveDatabricksAuth({}, () => credential);
        await auth.getToken();
        await auth.getToken();
        assert.equal(credential.scopes.length, 2);
    });

    it("takes the host from the workspaceUrl output, adding https to a bare host name", () => {
        assert.equal(
            resolveWorkspaceHost({ workspaceUrl: "adb-123.4.azuredatabricks.net" }, "dev", {}),
            "https://adb-123.4.azuredatabricks.net",
        );
        assert.equal(
            resolveWorkspaceHost({ workspaceUrl: "https://adb-123.4.azuredatabricks.net/" }, "dev", {}),
            "https://adb-123.4.azuredatabricks.net",
        );
    });

    it("lets DATABRICKS_HOST override the output", () => {
        assert.equal(
            resolveWorkspaceHost({ workspaceUrl: "https://adb-1.1.azuredatabricks.net" }, "dev", {
                DATABRICKS_HOST: "https://adb-2.2.azuredatabricks.net",
            }),
            "https://adb-2.2.azuredatabricks.net",
        );
    });

    it("names the missing output or the bad value", () => {
        assert.throws(() => resolveWorkspaceHost({}, "dev", {}), /stack "dev" has no output "workspaceUrl"/);
        assert.throws(
            () => resolveWorkspaceHost({}, "dev", { DATABRICKS_HOST: "ftp://adb-1.1.azuredatabricks.net" }),
            (error: unknown) =>
                error instanceof UsageError && /DATABRICKS_HOST must be an https URL/.test(error.message),
        );
    });

    it("refuses a plain http workspace URL, which would send the token in clear, but for this machine", () => {
        for (const [source, outputs, env] of [
            ["DATABRICKS_HOST", {}, { DATABRICKS_HOST: "http://adb-1.1.azuredatabricks.net" }],
            ['output "workspaceUrl"', { workspaceUrl: "http://adb-1.1.azuredatabricks.net" }, {}],
        ] as const) {
            assert.throws(
                () => resolveWorkspaceHost(outputs, "dev", env),
                (error: unknown) =>
                    error instanceof UsageError &&
                    error.message.includes(`${source}`) &&
                    /must be an https URL .*\(got "http:\/\/adb-1\.1\.azuredatabricks\.net"\); plain http is allowed only to this machine/.test(
                        error.message,
                    ),
            );
        }
        assert.equal(
            resolveWorkspaceHost({ workspaceUrl: "http://127.0.0.1:8443" }, "dev", {}),
            "http://127.0.0.1:8443",
        );
    });

    it("redacts known secrets, shared access keys and bearer tokens", () => {
        const text =
            "failed with Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=abc+/=123;" +
            "EntityPath=weather and header Authorization: Bearer eyJhbGciOi.payload.sig and dapi-secret-987654";
        assert.equal(
            redactSecrets(text, ["dapi-secret-987654", undefined]),
            "failed with Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=***;" +
                "EntityPath=weather and header Authorization: Bearer *** and ***",
        );
    });
});
