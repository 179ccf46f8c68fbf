// Producer benchmark against the loopback AMQP endpoint: batching vs one event per send, and rate-limiter accuracy.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EventHubProducerClient } from "@azure/event-hubs";
import { producerRetryOptions, sendEvents, type SendReport } from "../src/producer/sender";
import { WeatherGenerator } from "../src/producer/weather";
import { FakeEventHubsServer } from "../tests/support/eventHubsServer";

const rounds = 5;
const batchedEvents = 20_000;
const singleEvents = 2_000;
const limitedRate = 1000;
const limitedSeconds = 10;

const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function run(
    producer: EventHubProducerClient,
    options: { count?: number; durationMs?: number; rate?: number; batching: boolean },
    seed: number,
): Promise<SendReport> {
    const generator = new WeatherGenerator({ seed, rate: Infinity });
    const report = await sendEvents({ producer, next: () => generator.next(), ...options });
    if (report.failed > 0) {
        throw new Error(`benchmark run lost events: ${JSON.stringify(report.errors)}`);
    }
    return report;
}

async function main(): Promise<void> {
    const server = new FakeEventHubsServer({ partitionCount: 2 });
    await server.start();
    const producer = new EventHubProducerClient(server.connectionString("send"), {
        retryOptions: { ...producerRetryOptions },
    });
    try {
        // Warm-up: opens the connection and the sender link so that the first round is not charged for them.
        await run(producer, { count: 500, batching: true }, 0);
        const batched: number[] = [];
        const single: number[] = [];
        const ratios: number[] = [];
        for (let round = 1; round <= rounds; round++) {
            const withBatching = await run(producer, { count: batchedEvents, batching: true }, round);
            const oneBySend = await run(producer, { count: singleEvents, batching: false }, round);
            batched.push(withBatching.achievedRate);
            single.push(oneBySend.achievedRate);
            ratios.push(withBatching.achievedRate / oneBySend.achievedRate);
            console.log(
                `round ${round}: batched ${withBatching.achievedRate.toFixed(0)} events/s ` +
                    `(${(batchedEvents / withBatching.batches).toFixed(0)} events per batch), ` +
                    `one per send ${oneBySend.achievedRate.toFixed(0)} events/s, ratio ${ratios[ratios.length - 1].toFixed(1)}`,
            );
        }
        const limited = await run(
            producer,
            { durationMs: limitedSeconds * 1000, rate: limitedRate, batching: true },
            99,
        );
        const errorPercent = ((limited.achievedRate - limitedRate) / limitedRate) * 100;
        const results = {
            generatedAt: new Date().toISOString(),
            machine: { cpus: os.cpus().length, node: process.version, platform: process.platform },
            endpoint: "loopback AMQP (tests/support/eventHubsServer.ts), real @azure/event-hubs client",
            batching: {
                rounds,
                batchedEventsPerRound: batchedEvents,
                singleEventsPerRound: singleEvents,
                medianBatchedEventsPerSecond: Math.round(median(batched)),
                medianSingleEventsPerSecond: Math.round(median(single)),
                medianSpeedup: Number(median(ratios).toFixed(2)),
            },
            rateLimiter: {
                askedEventsPerSecond: limitedRate,
                durationSeconds: limitedSeconds,
                events: limited.sent,
                elapsedMs: Math.round(limited.elapsedMs),
                achievedEventsPerSecond: Number(limited.achievedRate.toFixed(1)),
                errorPercent: Number(errorPercent.toFixed(2)),
            },
        };
        console.log(
            `batching: median ${results.batching.medianBatchedEventsPerSecond} vs ` +
                `${results.batching.medianSingleEventsPerSecond} events/s, ${results.batching.medianSpeedup}× faster`,
        );
        console.log(
            `rate limiter at ${limitedRate}/s for ${limitedSeconds} s: ${limited.sent} events, ` +
                `${results.rateLimiter.achievedEventsPerSecond} events/s achieved (${results.rateLimiter.errorPercent}%)`,
        );
        const out = path.join(__dirname, "results", "producer.json");
        mkdirSync(path.dirname(out), { recursive: true });
        writeFileSync(out, JSON.stringify(results, null, 4) + "\n");
        console.log(`written to ${path.relative(process.cwd(), out)}`);
    } finally {
        await producer.close();
        await server.stop();
    }
}

main().catch((error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
});
