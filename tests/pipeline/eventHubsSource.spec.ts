// The local pipeline's Event Hubs source, end to end: `npm run produce` sends to the loopback endpoint, the real
// connector (azure-eventhubs-spark 2.3.22 and its Java client) reads it over AMQPS into bronze, and silver and gold
// follow. Each pipeline run is its own JVM, as a user's run is.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { amqpsPort, FakeEventHubsServer, type StoredEvent } from "../support/eventHubsServer";
import { repoRoot, runCli, type CliResult } from "../producer/helpers";

const maxEventsPerTrigger = 10;
const listenKey = "bGlzdGVuLW9ubHktdGVzdC1rZXk=";

interface Summary {
    bronze: number;
    silver: number;
    quarantine: number;
    gold: Record<string, unknown>[];
}

/** Runs `npm run pipeline:local -- ...args` with `env` added; kills it after `limitMs`. */
function runPipeline(args: string[], env: NodeJS.ProcessEnv, limitMs = 600_000): Promise<CliResult & { ms: number }> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["scripts/python.sh", "-m", "medallion.local", ...args], {
            cwd: repoRoot,
            env: { ...process.env, EVENTHUBS_CONNECTION_STRING: "", ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr, ms: Date.now() - started });
        });
    });
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

function lastJson<T>(stdout: string): T {
    return JSON.parse(stdout.trim().split("\n").pop() as string) as T;
}

/** Rows appended to the bronze table by each streaming commit, read from its Delta log (not from the tool). */
function bronzeCommits(lakehouse: string): number[] {
    const log = path.join(lakehouse, "warehouse", "bronze.db", "weather", "_delta_log");
    let files: string[];
    try {
        files = readdirSync(log).filter((name) => /^\d+\.json$/.test(name));
    } catch {
        return [];
    }
    const rows: number[] = [];
    for (const file of files.sort()) {
        for (const line of readFileSync(path.join(log, file), "utf8").split("\n")) {
            const action = line.trim() === "" ? {} : (JSON.parse(line) as { commitInfo?: Record<string, unknown> });
            const info = action.commitInfo as { operation?: string; operationMetrics?: { numOutputRows?: string } };
            // One commit per micro-batch: a streaming append (layered bronze) or a batch append (the single stream).
            if (info?.operation === "STREAMING UPDATE" || info?.operation === "WRITE") {
                rows.push(Number(info.operationMetrics?.numOutputRows ?? 0));
            }
        }
    }
    return rows.filter((count) => count > 0);
}

/** Connector lines (docs/interfaces.md) for the events the hub holds, with the hub's own positions and times. */
function linesOf(events: StoredEvent[]): string {
    return events
        .map((event) =>
            JSON.stringify({
                body: event.body.toString("utf8"),
                enqueuedTime: event.enqueuedTime.toISOString(),
                partition: event.partitionId,
                offset: event.offset,
                sequenceNumber: event.sequenceNumber,
                partitionKey: event.partitionKey,
            }),
        )
        .join("\n");
}

describe("local pipeline --source eventhubs (real connector, loopback AMQPS endpoint)", function () {
    // Every run starts Spark in a JVM and runs three layers: minutes on a small, shared machine.
    this.timeout(1_800_000);
    let server: FakeEventHubsServer;
    let dir: string;
    let env: NodeJS.ProcessEnv;

    async function produce(count: number, seed: number): Promise<void> {
        const sent = await runCli(
            "src/producer/produceCli.ts",
            ["--count", String(count), "--rate", "max", "--seed", String(seed), "--bad-ratio", "0.2", "--json"],
            { LAKESTREAM_EVENTHUB_CONNECTION_STRING: server.connectionString("send") },
        );
        assert.equal(sent.code, 0, sent.stderr);
    }

    before(async function () {
        dir = mkdtempSync(path.join(tmpdir(), "lakestream-eventhubs-"));
        server = new FakeEventHubsServer({ partitionCount: 2 });
        await server.start();
        // Fails with "127.0.0.1:5671 is taken ..." when another process holds the port, instead of hanging.
        await server.startTls();
        env = { EVENTHUBS_CONNECTION_STRING: server.javaConnectionString("listen") };
    });

    after(async function () {
        await server?.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    it("drains 10 x maxEventsPerTrigger + 7 produced events into bronze in 11 batches, and silver and gold follow", async function () {
        await produce(10 * maxEventsPerTrigger + 7, 11);
        assert.equal(server.allEvents().length, 107);
        const lakehouse = path.join(dir, "first");
        const args = ["--source", "eventhubs", "--truststore", server.trustStore, "--json", "--keep", lakehouse];
        const result = await runPipeline([...args, "--max-events-per-trigger", String(maxEventsPerTrigger)], env);
        assert.equal(result.code, 0, result.stderr.slice(-3000));
        const summary = lastJson<Summary>(result.stdout);
        assert.equal(summary.bronze, 107);
        assert.equal(summary.silver + summary.quarantine, 107);
        assert.ok(summary.quarantine > 0 && summary.silver > 0);
        // The connector shares maxEventsPerTrigger among the partitions by what each holds, so a batch may carry a
        // little less than the limit; never more, and eleven batches are enough for 107 events.
        const batches = bronzeCommits(lakehouse);
        assert.equal(batches.length, 11, `batches: ${batches.join(", ")}`);
        assert.equal(sum(batches), 107);
        assert.ok(
            batches.every((rows) => rows <= maxEventsPerTrigger),
            `batches: ${batches.join(", ")}`,
        );
        // The connection string is never printed, not even the key alone.
        assert.ok(!result.stdout.includes(listenKey) && !result.stderr.includes(listenKey));

        // Restart from the checkpoints: exactly the new events, nothing read twice.
        await produce(13, 12);
        const again = await runPipeline([...args, "--max-events-per-trigger", String(maxEventsPerTrigger)], env);
        assert.equal(again.code, 0, again.stderr.slice(-3000));
        assert.equal(lastJson<Summary>(again.stdout).bronze, 120);
        const newBatches = bronzeCommits(lakehouse).slice(11);
        assert.equal(sum(newBatches), 13);
        assert.ok(newBatches.length >= 2 && newBatches.every((rows) => rows <= maxEventsPerTrigger));

        // Bronze holds the connector's rows for exactly the hub's events; the file source gives the same maps for
        // the same events, and the same gold.
        const events = server.allEvents();
        const linesFile = path.join(dir, "same-events.jsonl");
        writeFileSync(linesFile, linesOf(events));
        const read = await new Promise<CliResult>((resolve, reject) => {
            const child = spawn(
                "bash",
                ["scripts/python.sh", "tests/notebooks/read_lakehouse.py", lakehouse, linesFile],
                {
                    cwd: repoRoot,
                    stdio: ["ignore", "pipe", "pipe"],
                },
            );
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
            child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
            child.on("error", reject);
            child.on("close", (code) => resolve({ code, stdout, stderr }));
        });
        assert.equal(read.code, 0, read.stderr.slice(-3000));
        type Row = Record<string, unknown> & { partition: string; sequenceNumber: number };
        const tables = lastJson<{ kept: Summary & { bronze_rows: Row[] }; file: Summary & { bronze_rows: Row[] } }>(
            read.stdout,
        );
        const key = (row: Row) => `${row.partition}/${String(row.sequenceNumber).padStart(6, "0")}`;
        const bronze = [...tables.kept.bronze_rows].sort((a, b) => key(a).localeCompare(key(b)));
        const expected = events.map((event) => ({
            partition: event.partitionId,
            offset: event.offset,
            sequenceNumber: event.sequenceNumber,
            enqueuedTime: event.enqueuedTime.toISOString(),
            publisher: null,
            partitionKey: event.partitionKey,
            properties: {},
            systemProperties: { "x-opt-partition-key": event.partitionKey },
            body: event.body.toString("utf8"),
        }));
        expected.sort((a, b) => key(a as Row).localeCompare(key(b as Row)));
        assert.deepEqual(bronze, expected);
        const fileBronze = [...tables.file.bronze_rows].sort((a, b) => key(a).localeCompare(key(b)));
        assert.deepEqual(fileBronze, expected);
        assert.ok(tables.kept.gold.length > 0);
        // Averages are sums of doubles, whose last bits depend on the order Spark adds them in.
        const rounded = (rows: Record<string, unknown>[]) =>
            rows.map((row) =>
                Object.fromEntries(
                    Object.entries(row).map(([name, value]) => [
                        name,
                        typeof value === "number" ? Number(value.toFixed(9)) : value,
                    ]),
                ),
            );
        assert.deepEqual(rounded(tables.kept.gold), rounded(tables.file.gold));
        assert.equal(tables.kept.silver, tables.file.silver);
        assert.equal(tables.kept.quarantine, tables.file.quarantine);
    });

    it("starts at the end of the hub with --starting-position latest, then reads only what came after", async function () {
        const lakehouse = path.join(dir, "latest");
        const args = ["--source", "eventhubs", "--truststore", server.trustStore, "--json", "--keep", lakehouse];
        const first = await runPipeline([...args, "--starting-position", "latest"], env);
        assert.equal(first.code, 0, first.stderr.slice(-3000));
        assert.equal(lastJson<Summary>(first.stdout).bronze, 0);
        await produce(6, 13);
        const second = await runPipeline(args, env);
        assert.equal(second.code, 0, second.stderr.slice(-3000));
        assert.equal(lastJson<Summary>(second.stdout).bronze, 6);
        assert.deepEqual(bronzeCommits(lakehouse), [6]);
    });

    it("refuses a wrong key with a clear message, exit 1, and writes no data", async function () {
        const lakehouse = path.join(dir, "wrong-key");
        const wrongKey = "d3Jvbmcta2V5LWZvci10ZXN0cw==";
        const result = await runPipeline(
            ["--source", "eventhubs", "--truststore", server.trustStore, "--keep", lakehouse, "--timeout", "120"],
            { EVENTHUBS_CONNECTION_STRING: server.javaConnectionString("listen", wrongKey) },
        );
        assert.equal(result.code, 1, result.stderr.slice(-3000));
        assert.match(
            result.stderr,
            /error: Event Hubs at localhost refused the Listen connection string: .*signature/i,
        );
        assert.ok(!result.stderr.includes(wrongKey) && !result.stdout.includes(wrongKey));
        assert.deepEqual(bronzeCommits(lakehouse), []);
    });

    it("fails with exit 3 within the timeout when the endpoint accepts connections but never answers", async function () {
        const trustStore = server.trustStore;
        await server.stop();
        const silent: Socket[] = [];
        const blackhole: Server = createServer((socket) => silent.push(socket));
        await new Promise<void>((resolve, reject) => {
            blackhole.once("error", reject);
            blackhole.listen(amqpsPort, "127.0.0.1", resolve);
        });
        try {
            const result = await runPipeline(
                ["--source", "eventhubs", "--truststore", trustStore, "--timeout", "20"],
                env,
                400_000,
            );
            assert.equal(result.code, 3, result.stderr.slice(-3000));
            assert.match(
                result.stderr,
                /error: timed out after 20 s \(--timeout\): Event Hubs at localhost:5671 did not answer/,
            );
        } finally {
            silent.forEach((socket) => socket.destroy());
            await new Promise<void>((resolve) => blackhole.close(() => resolve()));
        }
    });

    it("exits 2 before starting Spark without a connection string, with --input, or with a bad flag value", async function () {
        const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
            [["--source", "eventhubs"], {}, /no connection: give --stack NAME .* or set EVENTHUBS_CONNECTION_STRING/],
            [["--source", "eventhubs", "--input", "x.json"], env, /--input reads a file/],
            [
                ["--source", "eventhubs", "--timeout", "0"],
                env,
                /--timeout must be a number of seconds between 1 and 86400/,
            ],
            [
                ["--source", "eventhubs", "--max-events-per-trigger", "ten"],
                env,
                /--max-events-per-trigger must be an integer/,
            ],
            [
                ["--source", "eventhubs", "--truststore", path.join(dir, "none.p12")],
                env,
                /--truststore .*: no such file/,
            ],
            [["--timeout", "5"], {}, /--timeout only apply with --source eventhubs/],
            [
                ["--source", "eventhubs"],
                { EVENTHUBS_CONNECTION_STRING: `${server.connectionString("listen")}` },
                /the endpoint has no port/,
            ],
        ];
        for (const [args, extraEnv, message] of cases) {
            const result = await runPipeline(args, extraEnv, 120_000);
            assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
            assert.match(result.stderr, message);
            assert.ok(!result.stderr.includes(listenKey));
        }
    });
});
