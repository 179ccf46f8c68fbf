// Event Hubs connector benchmark: the real connector reading the loopback AMQPS endpoint into bronze (read throughput,
// median of 3, and the scheduled-run drain over 10 x maxEventsPerTrigger), beside the file source on the same events.
// Writes bench/results/connector.json.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WeatherGenerator } from "../src/producer/weather";
import { FakeEventHubsServer } from "../tests/support/eventHubsServer";

const events = Number(process.env.LAKESTREAM_BENCH_EVENTS ?? 20_000);

async function main(): Promise<void> {
    const server = new FakeEventHubsServer({ partitionCount: 2 });
    await server.start();
    await server.startTls();
    const work = mkdtempSync(path.join(os.tmpdir(), "lakestream-connector-bench-"));
    try {
        const generator = new WeatherGenerator({ seed: 42, rate: 1000, startTime: new Date("2026-01-01T10:00:00Z") });
        for (let index = 0; index < events; index++) {
            const event = generator.next();
            server.append(String(index % 2), event.body, event.location, event.timestamp);
        }
        const linesFile = path.join(work, "events.jsonl");
        const lines = server.allEvents().map((event) =>
            JSON.stringify({
                body: event.body.toString("utf8"),
                enqueuedTime: event.enqueuedTime.toISOString(),
                partition: event.partitionId,
                offset: event.offset,
                sequenceNumber: event.sequenceNumber,
                partitionKey: event.partitionKey,
            }),
        );
        writeFileSync(linesFile, lines.join("\n") + "\n");
        const stdout = await new Promise<string>((resolve, reject) => {
            const child = spawn("bash", ["scripts/python.sh", "bench/connector_bench.py", String(events), linesFile], {
                cwd: path.resolve(__dirname, ".."),
                env: {
                    ...process.env,
                    EVENTHUBS_CONNECTION_STRING: server.javaConnectionString("listen"),
                    LAKESTREAM_BENCH_TRUSTSTORE: server.trustStore,
                },
                stdio: ["ignore", "pipe", "inherit"],
            });
            let out = "";
            child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
            child.on("error", reject);
            child.on("close", (code) =>
                code === 0 ? resolve(out) : reject(new Error(`connector_bench.py exited ${code}`)),
            );
        });
        const measured = JSON.parse(stdout.trim().split("\n").pop() as string) as Record<string, unknown>;
        const result = {
            measuredAt: new Date().toISOString(),
            machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))) },
            ...measured,
        };
        mkdirSync(path.join(__dirname, "results"), { recursive: true });
        writeFileSync(path.join(__dirname, "results", "connector.json"), JSON.stringify(result, null, 4) + "\n");
        console.log(JSON.stringify(result, null, 4));
    } finally {
        await server.stop();
        rmSync(work, { recursive: true, force: true });
    }
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
});
