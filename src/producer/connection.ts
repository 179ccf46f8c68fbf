// Finds and checks the Event Hubs connection string the producer and peek tools connect with; describes client errors.
import { UsageError } from "../shared/cli";
import { redactSecrets } from "../shared/redact";
import { readStackOutputs, requireOutput, type CommandRunner } from "../shared/stackOutputs";

/** Environment variable the producer reads its (Send) connection string from when no flag gives one. */
export const sendConnectionStringEnv = "LAKESTREAM_EVENTHUB_CONNECTION_STRING";
/** Environment variable peek reads its (Listen) connection string from when no flag gives one. */
export const listenConnectionStringEnv = "LAKESTREAM_EVENTHUB_LISTEN_CONNECTION_STRING";

/**
 * A one-line description of an error from the Event Hubs client, key material redacted: `Code: message`. The
 * client wraps the errors of exhausted retries in an AggregateError, whose last error says what went wrong.
 */
export function describeError(error: unknown): string {
    let err = error as { code?: unknown; message?: unknown; errors?: unknown };
    if (Array.isArray(err?.errors) && err.errors.length > 0) {
        err = err.errors[err.errors.length - 1] as typeof err;
    }
    const code = typeof err?.code === "string" ? `${err.code}: ` : "";
    const message = typeof err?.message === "string" && err.message !== "" ? err.message : String(err);
    return redactSecrets(`${code}${message}`);
}

/** What a connection string names, without the key. */
export interface ConnectionTarget {
    endpoint: string;
    host: string;
    eventHubName: string;
    keyName: string;
}

/**
 * Checks that `connectionString` is one the Event Hubs client can use for a hub: Endpoint=sb://…, a key name and
 * key (or a shared access signature) and EntityPath. `source` names where it came from, for the message; the
 * message never contains the string itself.
 */
export function parseConnectionString(connectionString: string, source: string): ConnectionTarget {
    const fields = new Map<string, string>();
    for (const part of connectionString.trim().split(";")) {
        if (part.trim() === "") {
            continue;
        }
        const index = part.indexOf("=");
        if (index <= 0) {
            throw new UsageError(
                `${source} is not a connection string: every part must be Name=value ` +
                    `(expected Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=<hub>)`,
            );
        }
        fields.set(part.slice(0, index).trim().toLowerCase(), part.slice(index + 1).trim());
    }
    const endpoint = fields.get("endpoint") ?? "";
    const match = /^sb:\/\/([^/:;]+)(:\d+)?\/?$/.exec(endpoint);
    if (!match) {
        throw new UsageError(
            `${source} needs Endpoint=sb://<namespace>.servicebus.windows.net/ (got ${endpoint ? `"${endpoint}"` : "no Endpoint"})`,
        );
    }
    const keyName = fields.get("sharedaccesskeyname") ?? "";
    const hasKey = (fields.get("sharedaccesskey") ?? "") !== "";
    const hasSignature = (fields.get("sharedaccesssignature") ?? "") !== "";
    if (!hasSignature && (keyName === "" || !hasKey)) {
        throw new UsageError(`${source} needs SharedAccessKeyName and SharedAccessKey (or SharedAccessSignature)`);
    }
    const eventHubName = fields.get("entitypath") ?? "";
    if (eventHubName === "") {
        throw new UsageError(
            `${source} needs EntityPath=<hub>: use the hub-level connection string (stack outputs ` +
                `sendConnectionString / listenConnectionString include it)`,
        );
    }
    return { endpoint, host: match[1], eventHubName, keyName };
}

export interface ConnectionFlags {
    connectionString?: string;
    stack?: string;
}

/**
 * Resolves the connection string: `--connection-string`, else `--stack` (stack output `output`), else the
 * environment variable `envName`. Exactly one of the flags may be given.
 */
export async function resolveConnectionString(
    flags: ConnectionFlags,
    output: "sendConnectionString" | "listenConnectionString",
    envName: string,
    env: NodeJS.ProcessEnv = process.env,
    runCommand?: CommandRunner,
): Promise<{ connectionString: string; target: ConnectionTarget; source: string }> {
    if (flags.connectionString !== undefined && flags.stack !== undefined) {
        throw new UsageError("--connection-string and --stack are alternatives: give one of them");
    }
    let connectionString: string;
    let source: string;
    if (flags.connectionString !== undefined) {
        connectionString = flags.connectionString;
        source = "--connection-string";
    } else if (flags.stack !== undefined) {
        if (flags.stack.trim() === "") {
            throw new UsageError("--stack needs a stack name");
        }
        const outputs = await readStackOutputs(flags.stack, runCommand);
        connectionString = requireOutput(outputs, output, flags.stack);
        source = `stack output ${output} of stack "${flags.stack}"`;
    } else if ((env[envName] ?? "") !== "") {
        connectionString = env[envName] as string;
        source = `environment variable ${envName}`;
    } else {
        throw new UsageError(
            `no connection: give --stack NAME (reads the ${output} output), --connection-string, or set ${envName}`,
        );
    }
    return { connectionString, target: parseConnectionString(connectionString, source), source };
}
