// `npm run produce`: sends realistic weather events to a stack's event hub, or writes them as connector rows.
import { randomInt } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { EventHubProducerClient } from "@azure/event-hubs";
import { ExitCode, UsageError, numberFlag, parseFlags, runMain } from "../shared/cli";
import { Deadline, closeWithin, heartbeat, timeoutFlag, timeoutUsage } from "../shared/deadline";
import { redactSecrets } from "../shared/redact";
import type { CommandRunner } from "../shared/stackOutputs";
import { ConnectorLineBuilder } from "./connectorLines";
import { resolveConnectionString, sendConnectionStringEnv } from "./connection";
import { createProgressReporter } from "./progress";
import { SeededRandom } from "./random";
import { eventsDue, producerRetryOptions, sendEvents, type SendReport } from "./sender";
import { WeatherGenerator, defaultLocations } from "./weather";

export const produceUsage = `Usage: npm run produce -- [connection] [load] [--out FILE] [--json]

Sends JSON weather events (partition key = location) to the stack's event hub, batched per partition key,
at a steady rate, retrying throttling and transient errors; prints what was sent, failed and retried.

Connection (one of; not with --out):
  --stack NAME               read the Send-only connection string (output sendConnectionString) with
                             "pulumi stack output --json --show-secrets"
  --connection-string CS     Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=<hub>
  (neither)                  the environment variable ${sendConnectionStringEnv}

Load:
  --rate EVENTS_PER_S|max    events per second to hold, 0.001..1000000, or max: as fast as the hub accepts
                             (default 100; one Basic throughput unit takes 1000)
  --count N                  events to send, 1..10000000 (default 100 unless --duration is given)
  --duration SECONDS         send for this long instead of a count, > 0 (not with --count)
  --locations A,B,...        locations (partition keys), used in turn (default ${defaultLocations.join(",")})
  --bad-ratio R              share of deliberately malformed bodies, 0..1 (default 0): not JSON, a JSON array,
                             a missing required field, an out-of-range value, a value of the wrong type
  --seed N                   seed, 0..4294967295, to reproduce a stream (default: random, printed)
  --start-time ISO           timestamp of the first event (default now); events are spaced 1/rate apart

Sending:
  --concurrency N            sends in flight at once, 1..64 (default 4)
  --max-retries N            re-sends of a batch after a retryable error, 0..20 (default 5)
${timeoutUsage(29)}; events not confirmed
                             by then count as failed (a --duration or --count at --rate must fit in it)

Output:
  --out FILE                 write the events as connector rows (docs/interfaces.md), one JSON object per line,
                             instead of sending them; the local pipeline reads this file
  --partitions N             partitions of the imitated hub for --out, 1..32 (default 2)
  --json                     print the final report as JSON
  --help                     show this help

Exit codes: 0 every event sent (or written), 1 some event was not sent, 2 bad flags or connection string,
3 the --timeout passed (the report says what was sent until then). Key material is never printed.`;

const flagSpec = {
    stack: { type: "string" },
    "connection-string": { type: "string" },
    rate: { type: "string" },
    count: { type: "string" },
    duration: { type: "string" },
    locations: { type: "string" },
    "bad-ratio": { type: "string" },
    seed: { type: "string" },
    "start-time": { type: "string" },
    concurrency: { type: "string" },
    "max-retries": { type: "string" },
    timeout: { type: "string" },
    out: { type: "string" },
    partitions: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
} as const;

/** The checked flags of one produce run. */
export interface ProduceSettings {
    stack?: string;
    connectionString?: string;
    rate: number;
    count?: number;
    durationSeconds?: number;
    locations: string[];
    badRatio: number;
    seed: number;
    seedGiven: boolean;
    startTime?: Date;
    concurrency: number;
    maxRetries: number;
    /** Total deadline of a send, in seconds. */
    timeoutSeconds: number;
    out?: string;
    partitions: number;
    json: boolean;
}

function parseLocations(raw: string | undefined): string[] {
    if (raw === undefined) {
        return [...defaultLocations];
    }
    const locations = raw.split(",").map((location) => location.trim());
    if (locations.some((location) => location === "")) {
        throw new UsageError(`--locations must be a comma-separated list of non-empty names (got "${raw}")`);
    }
    const duplicate = locations.find((location, index) => locations.indexOf(location) !== index);
    if (duplicate !== undefined) {
        throw new UsageError(`--locations lists "${duplicate}" twice; each location is one partition key`);
    }
    if (locations.length > 1000) {
        throw new UsageError(`--locations allows at most 1000 locations (got ${locations.length})`);
    }
    return locations;
}

/** Parses and checks the flags; throws UsageError naming the flag and what is allowed. */
export function parseProduceFlags(argv: string[]): ProduceSettings | "help" {
    const flags = parseFlags(argv, flagSpec, produceUsage);
    if (flags.help) {
        return "help";
    }
    if (flags.count !== undefined && flags.duration !== undefined) {
        throw new UsageError("--count and --duration are alternatives: give one of them");
    }
    if (flags.out !== undefined && (flags.stack !== undefined || flags["connection-string"] !== undefined)) {
        throw new UsageError(
            "--out writes the events to a file instead of sending them: drop --stack / --connection-string",
        );
    }
    if (flags.out !== undefined && flags.out.trim() === "") {
        throw new UsageError("--out needs a file path");
    }
    if (flags.out !== undefined && flags.timeout !== undefined) {
        throw new UsageError("--timeout bounds sending to a hub; --out writes a file and needs none");
    }
    if (flags.out === undefined && flags.partitions !== undefined) {
        throw new UsageError("--partitions only applies with --out (a real hub has its own partition count)");
    }
    // Zero and negative rates and durations are refused: the smallest allowed values are in the messages.
    const durationSeconds = numberFlag("duration", flags.duration, { min: 0.001, max: 7 * 24 * 3600 });
    let rate = 100;
    if (flags.rate === "max") {
        rate = Infinity;
    } else if (flags.rate !== undefined) {
        try {
            rate = numberFlag("rate", flags.rate, { min: 0.001, max: 1_000_000 }) as number;
        } catch (error) {
            throw new UsageError(`${(error as Error).message.replace(/ \(got/, ', or "max" (got')}`);
        }
    }
    if (flags.rate === "max" && durationSeconds !== undefined && flags.out !== undefined) {
        throw new UsageError("--out with --duration needs a --rate number (the file holds rate × duration events)");
    }
    const count =
        numberFlag("count", flags.count, { min: 1, max: 10_000_000, integer: true }) ??
        (durationSeconds === undefined ? 100 : undefined);
    const seedFlag = numberFlag("seed", flags.seed, { min: 0, max: 4294967295, integer: true });
    const timeoutSeconds = timeoutFlag(flags.timeout);
    // A run planned to outlast the deadline would be cut short by design: say so now instead of after the timeout.
    const plannedSeconds = durationSeconds ?? (Number.isFinite(rate) && count !== undefined ? count / rate : 0);
    if (flags.out === undefined && plannedSeconds > timeoutSeconds) {
        throw new UsageError(
            `this run is planned to last ${Math.ceil(plannedSeconds)} s (` +
                (durationSeconds !== undefined ? `--duration` : `--count ${count} at --rate ${rate}`) +
                `), longer than --timeout ${timeoutSeconds}: give --timeout ${Math.ceil(plannedSeconds) + 60} or more`,
        );
    }
    let startTime: Date | undefined;
    if (flags["start-time"] !== undefined) {
        const raw = flags["start-time"];
        startTime = new Date(raw);
        if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(startTime.getTime())) {
            throw new UsageError(`--start-time must be an ISO 8601 time such as 2026-01-01T10:00:00Z (got "${raw}")`);
        }
    }
    return {
        stack: flags.stack,
        connectionString: flags["connection-string"],
        rate,
        count,
        durationSeconds,
        locations: parseLocations(flags.locations),
        badRatio: numberFlag("bad-ratio", flags["bad-ratio"], { min: 0, max: 1 }) ?? 0,
        seed: seedFlag ?? randomInt(0, 2 ** 32 - 1),
        seedGiven: seedFlag !== undefined,
        startTime,
        concurrency: numberFlag("concurrency", flags.concurrency, { min: 1, max: 64, integer: true }) ?? 4,
        maxRetries: numberFlag("max-retries", flags["max-retries"], { min: 0, max: 20, integer: true }) ?? 5,
        timeoutSeconds,
        out: flags.out,
        partitions: numberFlag("partitions", flags.partitions, { min: 1, max: 32, integer: true }) ?? 2,
        json: flags.json ?? false,
    };
}

/** Where a run prints, and what it reads; replaceable so the tool can be run inside a test. */
export interface ProduceIo {
    stdout: NodeJS.WriteStream;
    stderr: NodeJS.WriteStream;
    env: NodeJS.ProcessEnv;
    runCommand?: CommandRunner;
    signal?: AbortSignal;
    /** First backoff delay of a retry, in ms (default 500). */
    retryDelayMs?: number;
}

function generatorFor(settings: ProduceSettings): WeatherGenerator {
    return new WeatherGenerator({
        seed: settings.seed,
        locations: settings.locations,
        badRatio: settings.badRatio,
        startTime: settings.startTime,
        rate: settings.rate,
    });
}

/** Writes the events as connector rows; returns how many, and how many of them are malformed. */
export function writeConnectorLines(settings: ProduceSettings, file: string): { events: number; malformed: number } {
    const generator = generatorFor(settings);
    const total = settings.count ?? eventsDue(settings.rate, (settings.durationSeconds ?? 0) * 1000);
    // Enqueue latency of 50..250 ms, from its own stream so it does not shift the events' values.
    const latency = new SeededRandom(settings.seed ^ 0x5bd1e995);
    const builder = new ConnectorLineBuilder(settings.partitions, () => Math.round(latency.between(50, 250)));
    let fd: number;
    try {
        fd = openSync(file, "w");
    } catch (error) {
        throw new UsageError(`--out ${file} cannot be written: ${(error as Error).message}`);
    }
    let malformed = 0;
    try {
        let chunk: string[] = [];
        for (let index = 0; index < total; index++) {
            const event = generator.next();
            if (event.malformed) {
                malformed += 1;
            }
            chunk.push(JSON.stringify(builder.line(event)));
            if (chunk.length === 1000 || index === total - 1) {
                writeSync(fd, chunk.join("\n") + "\n");
                chunk = [];
            }
        }
    } finally {
        closeSync(fd);
    }
    return { events: total, malformed };
}

function formatReport(report: SendReport, askedRate: number): string {
    const seconds = (report.elapsedMs / 1000).toFixed(2);
    const asked = Number.isFinite(askedRate) ? `${askedRate}/s` : "max";
    const lines = [
        `sent ${report.sent} of ${report.generated} events in ${seconds} s ` +
            `(${report.achievedRate.toFixed(1)} events/s, asked ${asked}) in ${report.batches} batches`,
        `failed ${report.failed}, retried ${report.retried} (${report.retryAttempts} re-sends), ` +
            `malformed on purpose ${report.malformed}`,
    ];
    for (const error of report.errors) {
        lines.push(`  ${error.events} event(s) failed: ${error.message}`);
    }
    return lines.join("\n") + "\n";
}

/** Runs the tool with `argv`; returns the exit code (UsageError is thrown for bad input). */
export async function produce(argv: string[], io: ProduceIo): Promise<number> {
    const settings = parseProduceFlags(argv);
    if (settings === "help") {
        io.stdout.write(produceUsage + "\n");
        return ExitCode.ok;
    }
    if (!settings.seedGiven) {
        io.stderr.write(`seed ${settings.seed} (pass --seed ${settings.seed} to repeat this stream)\n`);
    }
    if (settings.out !== undefined) {
        const written = writeConnectorLines(settings, settings.out);
        const summary = { out: settings.out, events: written.events, malformed: written.malformed };
        io.stdout.write(
            settings.json
                ? JSON.stringify(summary) + "\n"
                : `wrote ${written.events} events (${written.malformed} malformed on purpose) to ${settings.out}\n`,
        );
        return ExitCode.ok;
    }
    const { connectionString, target } = await resolveConnectionString(
        { connectionString: settings.connectionString, stack: settings.stack },
        "sendConnectionString",
        sendConnectionStringEnv,
        io.env,
        io.runCommand,
    );
    const endpoint = `${target.endpoint.replace(/\/?$/, "/")}${target.eventHubName}`;
    io.stderr.write(`sending to event hub "${target.eventHubName}" at ${target.host} as "${target.keyName}"\n`);
    const deadline = new Deadline(settings.timeoutSeconds);
    const producer = new EventHubProducerClient(connectionString, { retryOptions: { ...producerRetryOptions } });
    const reporter = createProgressReporter(io.stderr);
    let sent = 0;
    let generated = 0;
    // The progress reporter stays quiet until something is sent; this says what the tool is waiting for meanwhile.
    const stopHeartbeat = heartbeat(
        io.stderr,
        deadline,
        () => `${endpoint} (${sent} of ${settings.count ?? generated} events sent)`,
    );
    let report: SendReport;
    try {
        const generator = generatorFor(settings);
        report = await sendEvents({
            producer,
            next: () => generator.next(),
            count: settings.count,
            durationMs: settings.durationSeconds !== undefined ? settings.durationSeconds * 1000 : undefined,
            rate: settings.rate,
            concurrency: settings.concurrency,
            maxRetries: settings.maxRetries,
            retryDelayMs: io.retryDelayMs,
            signal: io.signal,
            abortSignal: deadline.signal,
            abortMessage: `not confirmed by the hub before the --timeout of ${settings.timeoutSeconds} s`,
            onProgress: (progress) => {
                sent = progress.sent;
                generated = progress.generated;
                reporter.update(progress);
            },
        });
    } catch (error) {
        throw new Error(redactSecrets((error as Error).message));
    } finally {
        stopHeartbeat();
        reporter.stop();
        deadline.dispose();
        // A namespace that never answered may never answer the close either.
        await closeWithin(() => producer.close(), deadline.expired ? 500 : 2000);
    }
    const timedOut = deadline.expired;
    io.stdout.write(
        settings.json
            ? JSON.stringify({
                  ...report,
                  askedRate: Number.isFinite(settings.rate) ? settings.rate : "max",
                  timedOut,
              }) + "\n"
            : formatReport(report, settings.rate),
    );
    if (timedOut) {
        throw deadline.error(
            `${endpoint} did not confirm every send in time`,
            `${report.sent} of ${settings.count ?? report.generated} events sent, ${report.failed} not confirmed` +
                (settings.count !== undefined && report.generated < settings.count
                    ? `, ${settings.count - report.generated} not generated`
                    : ""),
        );
    }
    return report.failed > 0 ? ExitCode.failed : ExitCode.ok;
}

if (require.main === module) {
    // The first Ctrl-C stops generating and lets the events already generated be sent; a second one exits.
    const controller = new AbortController();
    process.once("SIGINT", () => {
        process.stderr.write("\nstopping: sending the events already generated (Ctrl-C again to quit)\n");
        controller.abort();
    });
    runMain(() =>
        produce(process.argv.slice(2), {
            stdout: process.stdout,
            stderr: process.stderr,
            env: process.env,
            signal: controller.signal,
        }),
    );
}
