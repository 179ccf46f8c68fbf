// Sends through the real @azure/event-hubs client to the loopback AMQP endpoint and checks what the hub received.
import assert from "node:assert/strict";
import { EventHubProducerClient } from "@azure/event-hubs";
import { produce } from "../../src/producer/produceCli";
import { producerRetryOptions, sendEvents, type SendReport } from "../../src/producer/sender";
import { WeatherGenerator } from "../../src/producer/weather";
import { FakeEventHubsServer } from "../support/eventHubsServer";
import { CapturedStream } from "./helpers";

async function runProduce(args: string[], env: NodeJS.ProcessEnv = {}) {
    const stdout = new CapturedStream();
    const stderr = new CapturedStream();
    const code = await produce(args, { stdout: stdout.asStream, stderr: stderr.asStream, env, retryDelayMs: 10 });
    return { code, stdout: stdout.text, stderr: stderr.text };
}

// The --json report is the SendReport serialized as it is.
function reportOf(stdout: string): SendReport {
    return JSON.parse(stdout) as SendReport;
}

/** A body without its timestamp, which at `--rate max` is the clock's (everything else follows from the seed). */
function withoutTimestamp(body: string): string {
    const fields = JSON.parse(body) as Record<string, unknown>;
    delete fields.timestamp;
    return JSON.stringify(fields);
}

/** The bodies a seed gives, from a separate generator instance (the stream is deterministic), minus timestamps. */
function expectedBodies(seed: number, locations: string[], count: number): string[] {
    const generator = new WeatherGenerator({ seed, locations, rate: Infinity });
    return Array.from({ length: count }, () => withoutTimestamp(generator.next().body));
}

describe("producer: sending to an event hub over AMQP", function () {
    let server: FakeEventHubsServer;

    beforeEach(async function () {
        server = new FakeEventHubsServer({ partitionCount: 2 });
        await server.start();
    });

    afterEach(async function () {
        await server.stop();
    });

    it("delivers every event once, with its body, its location as partition key, batched per location", async function () {
        const result = await runProduce([
            "--connection-string",
            server.connectionString("send"),
            "--count",
            "40",
            "--locations",
            "Alpha,Beta",
            "--rate",
            "max",
            "--seed",
            "11",
            "--json",
        ]);
        assert.equal(result.code, 0, result.stderr);
        const stored = server.allEvents();
        assert.equal(stored.length, 40);
        // Bodies arrive byte for byte as generated (the client must not JSON-encode the string a second time).
        const received = stored.map((event) => withoutTimestamp(event.body.toString("utf8"))).sort();
        assert.deepEqual(received, expectedBodies(11, ["Alpha", "Beta"], 40).sort());
        for (const event of stored) {
            const body = JSON.parse(event.body.toString("utf8")) as Record<string, unknown>;
            assert.equal(event.partitionKey, body.location, "partition key = location");
        }
        // All events of one key share one partition, in the order they were generated.
        for (const key of ["Alpha", "Beta"]) {
            const partitions = new Set(stored.filter((e) => e.partitionKey === key).map((e) => e.partitionId));
            assert.equal(partitions.size, 1, `${key} in one partition`);
        }
        // 40 events over 2 locations, generated in one go: one batch of 20 per location.
        const transfers = server.transfers.map((t) => [t.partitionKey, t.eventCount, t.outcome]).sort();
        assert.deepEqual(transfers, [
            ["Alpha", 20, "accepted"],
            ["Beta", 20, "accepted"],
        ]);
        const report = reportOf(result.stdout);
        assert.equal(report.generated, 40);
        assert.equal(report.sent, 40);
        assert.equal(report.failed, 0);
        assert.equal(report.retried, 0);
        assert.equal(report.retryAttempts, 0);
        assert.equal(report.batches, 2);
        assert.deepEqual(report.errors, []);
    });

    it("retries batches the hub answers with server-busy, and loses or duplicates nothing", async function () {
        server.failNextTransfers(2, "com.microsoft:server-busy");
        const result = await runProduce([
            "--connection-string",
            server.connectionString("send"),
            "--count",
            "30",
            "--locations",
            "A,B,C",
            "--rate",
            "max",
            "--seed",
            "5",
            "--json",
        ]);
        assert.equal(result.code, 0, result.stderr);
        const rejected = server.transfers.filter((t) => t.outcome === "rejected");
        const accepted = server.transfers.filter((t) => t.outcome === "accepted");
        assert.equal(rejected.length, 2);
        assert.ok(rejected.every((t) => t.condition === "com.microsoft:server-busy" && t.eventCount === 10));
        assert.equal(accepted.length, 3);
        const ids = server
            .allEvents()
            .map((e) => (JSON.parse(e.body.toString("utf8")) as { event_id: string }).event_id);
        assert.equal(ids.length, 30, "nothing lost");
        assert.equal(new Set(ids).size, 30, "nothing duplicated");
        const expectedIds = expectedBodies(5, ["A", "B", "C"], 30).map(
            (b) => (JSON.parse(b) as { event_id: string }).event_id,
        );
        assert.deepEqual([...ids].sort(), [...expectedIds].sort());
        const report = reportOf(result.stdout);
        assert.deepEqual(
            [report.sent, report.failed, report.retried, report.retryAttempts, report.batches],
            [30, 0, 20, 2, 3],
        );
    });

    it("reports the events as failed, exits 1 and stores nothing when the hub stays busy past the retries", async function () {
        server.failNextTransfers(1000, "com.microsoft:server-busy");
        const result = await runProduce([
            "--connection-string",
            server.connectionString("send"),
            "--count",
            "12",
            "--locations",
            "A,B",
            "--rate",
            "max",
            "--max-retries",
            "2",
            "--seed",
            "1",
            "--json",
        ]);
        assert.equal(result.code, 1);
        assert.equal(server.allEvents().length, 0);
        // 2 batches, each tried 1 + 2 times.
        assert.equal(server.transfers.length, 6);
        const report = reportOf(result.stdout);
        assert.deepEqual([report.sent, report.failed, report.retried, report.retryAttempts], [0, 12, 12, 4]);
        assert.equal(report.errors.length, 1);
        assert.match(report.errors[0].message, /ServerBusyError/);
        assert.equal(report.errors[0].events, 12);
    });

    it("fails fast on a wrong key, says so and never prints the key", async function () {
        const wrongKey = "V3JvbmdLZXlUaGF0TXVzdE5vdEJlUHJpbnRlZA==";
        const result = await runProduce([
            "--connection-string",
            server.connectionString("send", wrongKey),
            "--count",
            "500",
            "--rate",
            "max",
            "--seed",
            "1",
        ]);
        assert.equal(result.code, 1);
        assert.equal(server.allEvents().length, 0);
        assert.match(result.stdout, /sent 0 of \d+ events/);
        assert.match(result.stdout, /UnauthorizedError/);
        assert.ok(!(result.stdout + result.stderr).includes(wrongKey), "key printed");
        assert.ok(!(result.stdout + result.stderr).includes(server.sasRules[0].key), "key printed");
    });

    it("splits a location's events into several batches when they exceed the hub's message size", async function () {
        await server.stop();
        server = new FakeEventHubsServer({ partitionCount: 2, maxMessageSize: 2048 });
        await server.start();
        const result = await runProduce([
            "--connection-string",
            server.connectionString("send"),
            "--count",
            "60",
            "--locations",
            "Only",
            "--rate",
            "max",
            "--seed",
            "3",
            "--json",
        ]);
        assert.equal(result.code, 0, result.stderr);
        const accepted = server.transfers.filter((t) => t.outcome === "accepted");
        // A body is ~230 bytes, so 60 of them (~14 KB) cannot fit in fewer than 7 messages of 2 KB.
        assert.ok(accepted.length >= 7, `${accepted.length} batches`);
        assert.ok(
            accepted.every((t) => t.sizeInBytes <= 2048),
            "a batch exceeds the link's max message size",
        );
        assert.equal(
            accepted.reduce((sum, t) => sum + t.eventCount, 0),
            60,
        );
        assert.equal(reportOf(result.stdout).batches, accepted.length);
    });

    it("sends one event per batch when batching is off", async function () {
        const producer = new EventHubProducerClient(server.connectionString("send"), {
            retryOptions: { ...producerRetryOptions },
        });
        try {
            const generator = new WeatherGenerator({ seed: 2, locations: ["A", "B"], rate: Infinity });
            const report = await sendEvents({ producer, next: () => generator.next(), count: 10, batching: false });
            assert.equal(report.sent, 10);
            assert.equal(report.batches, 10);
        } finally {
            await producer.close();
        }
        assert.deepEqual(
            server.transfers.map((t) => t.eventCount),
            Array(10).fill(1),
        );
    });

    it("holds the asked rate and stops a --duration run at rate × duration events", async function () {
        const started = Date.now();
        const result = await runProduce([
            "--connection-string",
            server.connectionString("send"),
            "--duration",
            "1",
            "--rate",
            "200",
            "--seed",
            "4",
            "--json",
        ]);
        const wallMs = Date.now() - started;
        assert.equal(result.code, 0, result.stderr);
        const report = reportOf(result.stdout);
        assert.equal(report.generated, 200);
        assert.equal(report.sent, 200);
        assert.equal(server.allEvents().length, 200);
        // The schedule releases event n at n/rate s, so 200 events at 200/s end after ~1 s; ±25% for a busy machine.
        assert.ok(report.elapsedMs >= 950 && report.elapsedMs <= 1250, `elapsed ${report.elapsedMs} ms`);
        assert.ok(wallMs >= 950, `wall ${wallMs} ms`);
        assert.ok(report.achievedRate >= 160 && report.achievedRate <= 211, `rate ${report.achievedRate}`);
    });

    it("prints a text report with the counts and the achieved rate", async function () {
        const result = await runProduce([
            "--connection-string",
            server.connectionString("send"),
            "--count",
            "25",
            "--bad-ratio",
            "1",
            "--rate",
            "max",
            "--seed",
            "9",
        ]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^sent 25 of 25 events in [\d.]+ s \([\d.]+ events\/s, asked max\) in 5 batches$/m);
        assert.match(result.stdout, /^failed 0, retried 0 \(0 re-sends\), malformed on purpose 25$/m);
        assert.equal(server.allEvents().length, 25);
    });

    it("reads the connection string from LAKESTREAM_EVENTHUB_CONNECTION_STRING", async function () {
        const result = await runProduce(["--count", "3", "--seed", "1", "--rate", "1000", "--json"], {
            LAKESTREAM_EVENTHUB_CONNECTION_STRING: server.connectionString("send"),
        });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(server.allEvents().length, 3);
    });

    it("reads the Send connection string from the stack's outputs with --stack", async function () {
        const calls: string[][] = [];
        const stdout = new CapturedStream();
        const stderr = new CapturedStream();
        const code = await produce(["--stack", "dev", "--count", "4", "--rate", "1000", "--seed", "1", "--json"], {
            stdout: stdout.asStream,
            stderr: stderr.asStream,
            env: {},
            runCommand: async (command, args) => {
                calls.push([command, ...args]);
                return JSON.stringify({
                    sendConnectionString: server.connectionString("send"),
                    listenConnectionString: server.connectionString("listen"),
                });
            },
        });
        assert.equal(code, 0, stderr.text);
        assert.deepEqual(calls, [["pulumi", "stack", "output", "--json", "--show-secrets", "--stack", "dev"]]);
        assert.equal(server.allEvents().length, 4);
        assert.ok(!stderr.text.includes(server.sasRules[0].key));
    });
});
