// `npm run peek`: prints events from every partition of a stack's event hub, as a smoke test after deploying.
import { ExitCode, UsageError, numberFlag, parseCommandLine, runMain } from "../shared/cli";
import { Deadline, heartbeat, timeoutFlag, timeoutUsage } from "../shared/deadline";
import type { CommandRunner } from "../shared/stackOutputs";
import { describeError, listenConnectionStringEnv, resolveConnectionString } from "./connection";
import { consumerGroup, formatPeekedEvent, peekEvents } from "./peek";

export const peekUsage = `Usage: npm run peek -- [--stack NAME | --connection-string CS] [--count N] [--from start|latest]

Reads events from every partition through the ${consumerGroup} consumer group (the only one on the Basic tier)
and prints one line per event: partition, sequence number, enqueued time, partition key, body.
Stops after N events, or when no event arrived for the idle timeout.

  --stack NAME               read the Listen-only connection string (output listenConnectionString) with
                             "pulumi stack output --json --show-secrets"
  --connection-string CS     Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=<hub>
  (neither)                  the environment variable ${listenConnectionStringEnv}
  --count N                  events to print, 1..100000 (default 10)
  --from start|latest        each partition's oldest retained event, or only new events (default start)
  --idle-timeout SECONDS     stop when nothing arrived for this long, 1..3600 (default 10)
${timeoutUsage(29)}
  --json                     one JSON object per event instead of the text line
  --help                     show this help

Exit codes: 0 events were printed, 1 no event arrived (or the hub could not be read), 2 bad flags or
connection string, 3 the --timeout passed (the events printed until then stay printed). Key material is never
printed.`;

const flagSpec = {
    stack: { type: "string" },
    "connection-string": { type: "string" },
    count: { type: "string" },
    from: { type: "string" },
    "idle-timeout": { type: "string" },
    timeout: { type: "string" },
    json: { type: "boolean" },
} as const;

export interface PeekIo {
    stdout: NodeJS.WriteStream;
    stderr: NodeJS.WriteStream;
    env: NodeJS.ProcessEnv;
    runCommand?: CommandRunner;
    onSubscribed?: () => void;
}

/** Runs the tool with `argv`; returns the exit code (UsageError is thrown for bad input). */
export async function peek(argv: string[], io: PeekIo): Promise<number> {
    const flags = parseCommandLine(argv, flagSpec, peekUsage, (text) => io.stdout.write(text + "\n"));
    if (flags === undefined) {
        return ExitCode.ok;
    }
    const count = numberFlag("count", flags.count, { min: 1, max: 100_000, integer: true }) ?? 10;
    const idleSeconds = numberFlag("idle-timeout", flags["idle-timeout"], { min: 1, max: 3600 }) ?? 10;
    const timeoutSeconds = timeoutFlag(flags.timeout);
    const from = flags.from ?? "start";
    if (from !== "start" && from !== "latest") {
        throw new UsageError(`--from must be "start" or "latest" (got "${from}")`);
    }
    const { connectionString, target } = await resolveConnectionString(
        { connectionString: flags["connection-string"], stack: flags.stack },
        "listenConnectionString",
        listenConnectionStringEnv,
        io.env,
        io.runCommand,
    );
    io.stderr.write(
        `reading event hub "${target.eventHubName}" at ${target.host} (${consumerGroup}, from ${from}) as "${target.keyName}"\n`,
    );
    const endpoint = `${target.endpoint.replace(/\/?$/, "/")}${target.eventHubName}`;
    const deadline = new Deadline(timeoutSeconds);
    let printed = 0;
    const stopHeartbeat = heartbeat(io.stderr, deadline, () => `events from ${endpoint} (${printed} printed so far)`);
    let result;
    try {
        result = await peekEvents({
            connectionString,
            count,
            from,
            idleTimeoutMs: idleSeconds * 1000,
            onEvent: (event) => {
                printed += 1;
                io.stdout.write((flags.json ? JSON.stringify(event) : formatPeekedEvent(event)) + "\n");
            },
            onSubscribed: io.onSubscribed,
            abortSignal: deadline.signal,
        });
    } catch (error) {
        throw new Error(`could not read the event hub: ${describeError(error)}`);
    } finally {
        stopHeartbeat();
        deadline.dispose();
    }
    const partitions = new Set(result.events.map((event) => event.partition)).size;
    if (result.stoppedBy === "deadline") {
        throw result.partitionIds.length === 0
            ? deadline.error(`${endpoint} did not list its partitions`, "no partition list, no event read")
            : deadline.error(
                  `waiting for events from ${endpoint}`,
                  `${result.events.length} of ${count} events printed, from ${partitions} of ` +
                      `${result.partitionIds.length} partitions`,
              );
    }
    if (result.events.length === 0) {
        io.stderr.write(
            `no events within ${idleSeconds} s on any of ${result.partitionIds.length} partitions (from ${from})\n`,
        );
        return ExitCode.failed;
    }
    const why = result.stoppedBy === "count" ? "count reached" : `idle for ${idleSeconds} s`;
    io.stderr.write(
        `${result.events.length} events from ${partitions} of ${result.partitionIds.length} partitions (${why})\n`,
    );
    return ExitCode.ok;
}

if (require.main === module) {
    runMain(() => peek(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }));
}
