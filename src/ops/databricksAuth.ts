// Resolves where and as whom the operational tools call Databricks: host and credential, as the Databricks tools do.
import { AzureCliCredential, type TokenCredential } from "@azure/identity";
import { UsageError } from "../shared/cli";
import { requireOutput, type LakestreamStackOutputs } from "../shared/stackOutputs";

/** The application id of the Azure Databricks resource; an Entra ID token for it is accepted by every workspace. */
export const azureDatabricksApplicationId = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
export const azureDatabricksScope = `${azureDatabricksApplicationId}/.default`;

/** No usable credential; the message says which one is missing and how to get it. */
export class CredentialError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CredentialError";
    }
}

/** A way to get a bearer token for the workspace, named so messages can say which credential was used. */
export interface DatabricksAuth {
    /** `personal access token (DATABRICKS_TOKEN)` or `Azure CLI login`. */
    readonly description: string;
    /** The token itself, so the tools can keep it out of anything they print. */
    readonly knownSecret?: string;
    getToken(): Promise<string>;
}

const howToGetACredential =
    "set DATABRICKS_TOKEN to a personal access token (workspace > Settings > Developer > Access tokens), " +
    'or run "az login" as a user who can use the workspace (https://aka.ms/azure-cli)';

/**
 * Picks the credential the way the Databricks CLI and SDKs do for Azure: `DATABRICKS_TOKEN` if set, otherwise an
 * Azure CLI login exchanged for an Entra ID token for the Azure Databricks resource. The Azure CLI is only asked
 * when a call is made, so tools that need no Databricks call never need a login.
 */
export function resolveDatabricksAuth(
    env: NodeJS.ProcessEnv = process.env,
    makeCliCredential: () => TokenCredential = () => new AzureCliCredential(),
): DatabricksAuth {
    const pat = env.DATABRICKS_TOKEN?.trim();
    if (pat) {
        return { description: "personal access token (DATABRICKS_TOKEN)", knownSecret: pat, getToken: async () => pat };
    }
    let cached: { token: string; expiresOnTimestamp: number } | undefined;
    let credential: TokenCredential | undefined;
    return {
        description: "Azure CLI login",
        async getToken() {
            // Entra ID tokens live about an hour; refresh a minute early so a long status call never sends a stale one.
            if (cached && cached.expiresOnTimestamp - 60_000 > Date.now()) {
                return cached.token;
            }
            credential ??= makeCliCredential();
            let reason: string;
            try {
                const accessToken = await credential.getToken(azureDatabricksScope);
                if (accessToken) {
                    cached = accessToken;
                    return accessToken.token;
                }
                reason = "the Azure CLI returned no token";
            } catch (error) {
                reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
            }
            throw new CredentialError(
                `no Databricks credential: DATABRICKS_TOKEN is not set and the Azure CLI login gave no token for ` +
                    `Azure Databricks (${reason}); ${howToGetACredential}`,
            );
        },
    };
}

/**
 * Returns the workspace base URL (`https://adb-….azuredatabricks.net`, no trailing slash): `DATABRICKS_HOST` if set,
 * otherwise the stack output `workspaceUrl`. A bare host name gets `https://`; `http://` is refused but for loopback.
 */
export function resolveWorkspaceHost(
    outputs: Partial<LakestreamStackOutputs>,
    stackLabel: string,
    env: NodeJS.ProcessEnv = process.env,
): string {
    const fromEnv = env.DATABRICKS_HOST?.trim();
    const raw = fromEnv || requireOutput(outputs, "workspaceUrl", stackLabel);
    const source = fromEnv ? "DATABRICKS_HOST" : `output "workspaceUrl" of stack "${stackLabel}"`;
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
    let url: URL;
    try {
        url = new URL(withScheme);
    } catch {
        throw new UsageError(
            `${source} is not a URL (got "${raw}"); expected https://adb-<id>.<n>.azuredatabricks.net`,
        );
    }
    // The token travels in every request: plain http is refused, except to this machine (a local stand-in).
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
        throw new UsageError(
            `${source} must be an https URL such as https://adb-<id>.<n>.azuredatabricks.net (got "${raw}"); ` +
                "plain http is allowed only to this machine (127.0.0.1, localhost)",
        );
    }
    return url.origin;
}
