// Peek against the loopback endpoint: prints what the hub holds, from start or latest, through $Default.
import assert from "node:assert/strict";
import { EventHubProducerClient } from "@azure/event-hubs";
import { peek } from "../../src/producer/peekCli";
import { FakeEventHubsServer } from "../support/eventHubsServer";
import { CapturedStream } from "./helpers";

describe("peek: reading the hub", function () {
    let server: FakeEventHubsServer;

    beforeEach(async function () {
        server = new FakeEventHubsServer({ partitionCount: 3 });
        await server.start();
    });

    afterEach(async function () {
        await server.stop();
    });

    async function runPeek(argv: string[], onSubscribed?: () => void) {
        const stdout = new CapturedStream();
        const stderr = new CapturedStream();
        const code = await peek(argv, { stdout: stdout.asStream, stderr: stderr.asStream, env: {}, onSubscribed });
        return { code, stdout: stdout.text, stderr: stderr.text };
    }

    it("prints every event the partitions hold, one line each, with the body exactly as stored", async function () {
        const t0 = new Date("2026-01-01T10:00:00.000Z");
        const t1 = new Date("2026-01-01T10:00:01.500Z");
        server.append("0", '{"location":"Oslo","temperature":3.5}', "Oslo", t0);
        server.append("0", "not json at all", "Oslo", t1);
        server.append("2", '[{"location":"Lima"}]', "Lima", t0);
        server.append("1", "no key", undefined, t1);
        const result = await runPeek([
            "--connection-string",
            server.connectionString("listen"),
            "--count",
            "10",
            "--idle-timeout",
            "2",
        ]);
        assert.equal(result.code, 0, result.stderr);
        const lines = result.stdout.trimEnd().split("\n").sort();
        assert.deepEqual(lines, [
            'partition=0 seq=0 enqueued=2026-01-01T10:00:00.000Z key=Oslo body={"location":"Oslo","temperature":3.5}',
            "partition=0 seq=1 enqueued=2026-01-01T10:00:01.500Z key=Oslo body=not json at all",
            "partition=1 seq=0 enqueued=2026-01-01T10:00:01.500Z key=- body=no key",
            'partition=2 seq=0 enqueued=2026-01-01T10:00:00.000Z key=Lima body=[{"location":"Lima"}]',
        ]);
        assert.match(result.stderr, /4 events from 3 of 3 partitions \(idle for 2 s\)/);
        assert.ok(!result.stderr.includes(server.sasRules[1].key));
    });

    it("stops after --count events and prints what a producer sent, as JSON with --json", async function () {
        const producer = new EventHubProducerClient(server.connectionString("send"));
        const batch = await producer.createBatch({ partitionKey: "Quito" });
        for (let i = 0; i < 8; i++) {
            assert.ok(batch.tryAdd({ body: Buffer.from(JSON.stringify({ n: i })) }));
        }
        await producer.sendBatch(batch);
        await producer.close();
        const result = await runPeek([
            "--connection-string",
            server.connectionString("listen"),
            "--count",
            "5",
            "--json",
        ]);
        assert.equal(result.code, 0, result.stderr);
        const events = result.stdout
            .trimEnd()
            .split("\n")
            .map(
                (line) =>
                    JSON.parse(line) as {
                        partition: string;
                        sequenceNumber: number;
                        body: string;
                        partitionKey: string;
                    },
            );
        assert.equal(events.length, 5);
        const partition = server.allEvents()[0].partitionId;
        assert.deepEqual(
            events.map((e) => [e.partition, e.sequenceNumber, e.partitionKey, e.body]),
            [0, 1, 2, 3, 4].map((n) => [partition, n, "Quito", JSON.stringify({ n })]),
        );
        assert.match(result.stderr, /5 events from 1 of 3 partitions \(count reached\)/);
    });

    it("with --from latest, prints only events that arrive after it started", async function () {
        server.append("1", "old event", "Oslo");
        const result = await runPeek(
            ["--connection-string", server.connectionString("listen"), "--from", "latest", "--idle-timeout", "2"],
            () => {
                // The receivers attach asynchronously; add the new event once they have had time to.
                setTimeout(() => server.append("1", "new event", "Oslo"), 700);
            },
        );
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(result.stdout.trimEnd().split("\n"), [
            `partition=1 seq=1 enqueued=${server.eventsIn("1")[1].enqueuedTime.toISOString()} key=Oslo body=new event`,
        ]);
    });

    it("exits 1 and says so when no event arrives before the idle timeout", async function () {
        const result = await runPeek(["--connection-string", server.connectionString("listen"), "--idle-timeout", "1"]);
        assert.equal(result.code, 1);
        assert.equal(result.stdout, "");
        assert.match(result.stderr, /no events within 1 s on any of 3 partitions \(from start\)/);
    });

    it("fails with the service's reason when given the Send-only connection string", async function () {
        server.append("0", "x", "Oslo");
        await assert.rejects(
            runPeek(["--connection-string", server.connectionString("send"), "--idle-timeout", "5"]),
            (error: Error) => /could not read the event hub: UnauthorizedError: .*'Listen'/.test(error.message),
        );
    });
});
