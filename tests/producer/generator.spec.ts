// Checks the weather stream: valid bodies, reproducible with a seed, malformed share as asked, and --out lines.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { produce } from "../../src/producer/produceCli";
import { WeatherGenerator, type GeneratedEvent } from "../../src/producer/weather";
import { CapturedStream } from "./helpers";

// The validation silver applies, written out from docs/interfaces.md and notebooks/medallion/schema.py.
const compass = "N NNE NE ENE E ESE SE SSE S SSW SW WSW W WNW NW NNW".split(" ");
const ranges: Record<string, [number, number]> = {
    temperature: [-90, 60],
    humidity: [0, 100],
    wind_speed: [0, Infinity],
    precipitation: [0, Infinity],
};

/** Why silver would quarantine this body, or undefined when it is a valid event. */
function invalidReason(body: string): string | undefined {
    let value: unknown;
    try {
        value = JSON.parse(body);
    } catch {
        return "not JSON";
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return "not a JSON object";
    }
    const fields = value as Record<string, unknown>;
    for (const name of ["temperature", "humidity", "location"]) {
        if (fields[name] === undefined || fields[name] === null) {
            return `missing ${name}`;
        }
    }
    for (const [name, [min, max]] of Object.entries(ranges)) {
        const field = fields[name];
        if (field === undefined) {
            continue;
        }
        if (typeof field !== "number") {
            return `${name} is not a number`;
        }
        if (field < min || field > max) {
            return `${name} out of range`;
        }
    }
    return undefined;
}

function take(generator: WeatherGenerator, count: number): GeneratedEvent[] {
    return Array.from({ length: count }, () => generator.next());
}

describe("producer: weather events", function () {
    const start = new Date("2026-01-01T10:00:00Z");

    it("gives well-formed events with every silver field, in plausible ranges", function () {
        const events = take(new WeatherGenerator({ seed: 1, startTime: start, rate: 10 }), 2000);
        for (const event of events) {
            assert.equal(event.malformed, undefined);
            assert.equal(invalidReason(event.body), undefined, event.body);
            const body = JSON.parse(event.body) as Record<string, unknown>;
            assert.deepEqual(Object.keys(body).sort(), [
                "conditions",
                "event_id",
                "humidity",
                "location",
                "precipitation",
                "temperature",
                "timestamp",
                "wind_direction",
                "wind_speed",
            ]);
            assert.match(
                body.event_id as string,
                /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
            );
            assert.ok(compass.includes(body.wind_direction as string), String(body.wind_direction));
            assert.equal(body.location, event.location);
            assert.ok((body.temperature as number) >= -60 && (body.temperature as number) <= 55);
            assert.ok(typeof body.conditions === "string" && body.conditions !== "");
        }
        assert.equal(new Set(events.map((e) => e.eventId)).size, events.length, "event ids repeat");
        // Event i is at 10 events/s: i × 100 ms after the start.
        assert.equal(events[0].timestamp.toISOString(), "2026-01-01T10:00:00.000Z");
        assert.equal(events[25].timestamp.toISOString(), "2026-01-01T10:00:02.500Z");
    });

    it("drifts per location: consecutive readings of one place stay close", function () {
        const events = take(new WeatherGenerator({ seed: 8, locations: ["Oslo", "Lima"], rate: 1 }), 2000);
        for (const location of ["Oslo", "Lima"]) {
            const readings = events
                .filter((e) => e.location === location)
                .map((e) => JSON.parse(e.body) as { temperature: number; humidity: number });
            for (let i = 1; i < readings.length; i++) {
                assert.ok(Math.abs(readings[i].temperature - readings[i - 1].temperature) < 2.5, `${location} jumps`);
                assert.ok(Math.abs(readings[i].humidity - readings[i - 1].humidity) < 10, `${location} jumps`);
            }
        }
    });

    it("repeats the same stream for the same seed and start time, and another for another seed", function () {
        const options = { locations: ["A", "B", "C"], badRatio: 0.2, startTime: start, rate: 50 };
        const first = take(new WeatherGenerator({ seed: 77, ...options }), 500);
        const again = take(new WeatherGenerator({ seed: 77, ...options }), 500);
        const other = take(new WeatherGenerator({ seed: 78, ...options }), 500);
        assert.deepEqual(again, first);
        assert.notDeepEqual(
            other.map((e) => e.body),
            first.map((e) => e.body),
        );
    });

    it("makes the asked share of events malformed, of every kind, each one invalid for silver", function () {
        // 20,000 events at ratio 0.1: the count is binomial (mean 2000, σ ≈ 42); the tolerance is 4σ = ±170.
        const sample = 20_000;
        const events = take(new WeatherGenerator({ seed: 2024, badRatio: 0.1, startTime: start }), sample);
        const malformed = events.filter((e) => e.malformed !== undefined);
        assert.ok(Math.abs(malformed.length - 2000) <= 170, `${malformed.length} malformed of ${sample}`);
        const byKind = new Map<string, number>();
        for (const event of malformed) {
            byKind.set(event.malformed as string, (byKind.get(event.malformed as string) ?? 0) + 1);
            assert.notEqual(invalidReason(event.body), undefined, `${event.malformed} body passes: ${event.body}`);
        }
        assert.deepEqual([...byKind.keys()].sort(), [
            "json-array",
            "missing-field",
            "not-json",
            "out-of-range",
            "wrong-type",
        ]);
        // Each kind is a fifth of the malformed ones: σ ≈ 18 for 2000 × 0.2, tolerance 4σ = ±72.
        for (const [kind, count] of byKind) {
            assert.ok(Math.abs(count - malformed.length / 5) <= 72, `${kind}: ${count}`);
        }
        for (const event of events.filter((e) => e.malformed === undefined)) {
            assert.equal(invalidReason(event.body), undefined);
        }
    });

    it("makes none malformed at ratio 0 and all at ratio 1", function () {
        const none = take(new WeatherGenerator({ seed: 3, badRatio: 0 }), 1000);
        const all = take(new WeatherGenerator({ seed: 3, badRatio: 1 }), 1000);
        assert.equal(none.filter((e) => e.malformed).length, 0);
        assert.equal(all.filter((e) => e.malformed).length, 1000);
        assert.ok(all.every((e) => invalidReason(e.body) !== undefined));
    });
});

describe("producer: --out connector rows", function () {
    let dir: string;

    beforeEach(function () {
        dir = mkdtempSync(path.join(tmpdir(), "lakestream-out-"));
    });

    afterEach(function () {
        rmSync(dir, { recursive: true, force: true });
    });

    async function writeOut(file: string, extra: string[]): Promise<{ code: number; stdout: string }> {
        const stdout = new CapturedStream();
        const stderr = new CapturedStream();
        const code = await produce(["--out", file, ...extra], {
            stdout: stdout.asStream,
            stderr: stderr.asStream,
            env: {},
        });
        return { code, stdout: stdout.text };
    }

    it("writes one connector row per event, with partitions, offsets and sequence numbers like a hub's", async function () {
        const file = path.join(dir, "events.jsonl");
        const args = ["--count", "300", "--seed", "5", "--start-time", "2026-01-01T10:00:00Z", "--rate", "10"];
        const result = await writeOut(file, [...args, "--partitions", "4", "--bad-ratio", "0.2"]);
        assert.equal(result.code, 0);
        const lines = readFileSync(file, "utf8").trimEnd().split("\n");
        assert.equal(lines.length, 300);
        const rows = lines.map(
            (line) =>
                JSON.parse(line) as {
                    body: string;
                    enqueuedTime: string;
                    partition: string;
                    partitionKey: string;
                    offset: string;
                    sequenceNumber: number;
                },
        );
        const partitionOfKey = new Map<string, string>();
        const nextSequence = new Map<string, number>();
        const nextOffset = new Map<string, number>();
        let malformed = 0;
        for (const [index, row] of rows.entries()) {
            assert.deepEqual(Object.keys(row).sort(), [
                "body",
                "enqueuedTime",
                "offset",
                "partition",
                "partitionKey",
                "sequenceNumber",
            ]);
            assert.ok(["0", "1", "2", "3"].includes(row.partition));
            assert.equal(partitionOfKey.get(row.partitionKey) ?? row.partition, row.partition, "key moved partition");
            partitionOfKey.set(row.partitionKey, row.partition);
            assert.equal(row.sequenceNumber, nextSequence.get(row.partition) ?? 0);
            nextSequence.set(row.partition, row.sequenceNumber + 1);
            assert.equal(row.offset, String(nextOffset.get(row.partition) ?? 0));
            nextOffset.set(row.partition, Number(row.offset) + Buffer.byteLength(row.body));
            // Enqueued 50..250 ms after the event's own time, which is index × 100 ms after the start.
            const eventTime = Date.parse("2026-01-01T10:00:00Z") + index * 100;
            const delay = Date.parse(row.enqueuedTime) - eventTime;
            assert.ok(delay >= 50 && delay <= 250, `enqueued ${delay} ms after`);
            if (invalidReason(row.body) !== undefined) {
                malformed += 1;
            } else {
                assert.equal((JSON.parse(row.body) as { location: string }).location, row.partitionKey);
            }
        }
        assert.equal(result.stdout, `wrote 300 events (${malformed} malformed on purpose) to ${file}\n`);
        assert.ok(malformed > 0);
    });

    it("writes byte-identical files for the same seed and start time", async function () {
        const args = ["--count", "200", "--seed", "99", "--start-time", "2026-03-01T00:00:00Z", "--bad-ratio", "0.3"];
        await writeOut(path.join(dir, "a.jsonl"), args);
        await writeOut(path.join(dir, "b.jsonl"), args);
        await writeOut(path.join(dir, "c.jsonl"), [...args.slice(0, 2), "--seed", "100", ...args.slice(4)]);
        const a = readFileSync(path.join(dir, "a.jsonl"));
        assert.ok(a.equals(readFileSync(path.join(dir, "b.jsonl"))));
        assert.ok(!a.equals(readFileSync(path.join(dir, "c.jsonl"))));
    });

    it("writes rate × duration events with --duration", async function () {
        const file = path.join(dir, "d.jsonl");
        const result = await writeOut(file, ["--duration", "3", "--rate", "20", "--seed", "1", "--json"]);
        assert.equal(result.code, 0);
        assert.equal(readFileSync(file, "utf8").trimEnd().split("\n").length, 60);
        assert.equal((JSON.parse(result.stdout) as { events: number }).events, 60);
    });
});
