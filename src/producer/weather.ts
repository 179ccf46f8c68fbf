// Generates realistic weather events (and, on request, deliberately malformed ones) for the pipeline's input.
import { SeededRandom } from "./random";

/** The body of a well-formed event: every silver field (docs/interfaces.md), units in the names' comments. */
export interface WeatherBody {
    event_id: string;
    /** ISO 8601, when the reading was taken. */
    timestamp: string;
    location: string;
    /** °C */
    temperature: number;
    /** % */
    humidity: number;
    /** m/s */
    wind_speed: number;
    /** mm in the last reading interval */
    precipitation: number;
    conditions: string;
    /** a 16-point compass direction such as "NW" */
    wind_direction: string;
}

/**
 * Kinds of malformed body, each of which silver must quarantine: a body that is not JSON, a JSON array instead of
 * an object, an object without a required field (temperature, humidity or location), a value outside its valid
 * range (temperature -90..60 °C, humidity 0..100 %, wind speed and precipitation ≥ 0), and a required value of the
 * wrong JSON type.
 */
export const malformedKinds = ["not-json", "json-array", "missing-field", "out-of-range", "wrong-type"] as const;
export type MalformedKind = (typeof malformedKinds)[number];

export const defaultLocations = ["Seattle", "London", "Tokyo", "Sydney", "Nairobi"] as const;

export const compassPoints = [
    "N",
    "NNE",
    "NE",
    "ENE",
    "E",
    "ESE",
    "SE",
    "SSE",
    "S",
    "SSW",
    "SW",
    "WSW",
    "W",
    "WNW",
    "NW",
    "NNW",
] as const;

/** One generated event: its partition key (the location), its body as sent, and whether it is malformed. */
export interface GeneratedEvent {
    /** Position in the stream, from 0. */
    index: number;
    location: string;
    eventId: string;
    timestamp: Date;
    /** The exact body text that is sent (UTF-8). */
    body: string;
    /** Set when the body is malformed on purpose. */
    malformed?: MalformedKind;
}

export interface WeatherGeneratorOptions {
    /** Seed of the stream; the same seed, locations, ratio and start time give the same events. */
    seed: number;
    /** Locations, used in turn (event i is at location i mod n). Defaults to defaultLocations. */
    locations?: readonly string[];
    /** Share of malformed events, 0..1; each event is malformed independently with this probability. Defaults to 0. */
    badRatio?: number;
    /** Timestamp of the first event. Defaults to now. */
    startTime?: Date;
    /** Events per second, which spaces the timestamps; Infinity stamps every event with the clock. Defaults to 100. */
    rate?: number;
    /** The clock used when rate is Infinity. Defaults to Date.now. */
    now?: () => number;
}

interface LocationState {
    baseTemperature: number;
    baseHumidity: number;
    temperature: number;
    humidity: number;
    windSpeed: number;
    windDirection: number;
    raining: boolean;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/** An endless, reproducible stream of weather events whose values drift plausibly per location. */
export class WeatherGenerator {
    readonly locations: readonly string[];
    readonly badRatio: number;
    private readonly random: SeededRandom;
    private readonly states = new Map<string, LocationState>();
    private readonly startTime: number;
    private readonly rate: number;
    private readonly now: () => number;
    private index = 0;

    constructor(options: WeatherGeneratorOptions) {
        this.locations = options.locations ?? defaultLocations;
        if (this.locations.length === 0) {
            throw new Error("at least one location is needed");
        }
        this.badRatio = options.badRatio ?? 0;
        if (!(this.badRatio >= 0 && this.badRatio <= 1)) {
            throw new Error(`badRatio must be between 0 and 1 (got ${this.badRatio})`);
        }
        this.random = new SeededRandom(options.seed);
        this.rate = options.rate ?? 100;
        this.now = options.now ?? Date.now;
        this.startTime = (options.startTime ?? new Date(this.now())).getTime();
        // Each location gets its own climate, drawn from the seed in a fixed order so it does not depend on timing.
        for (const location of this.locations) {
            const baseTemperature = this.random.between(-5, 28);
            const baseHumidity = this.random.between(45, 85);
            this.states.set(location, {
                baseTemperature,
                baseHumidity,
                temperature: baseTemperature + this.random.normal() * 2,
                humidity: baseHumidity + this.random.normal() * 5,
                windSpeed: this.random.between(0.5, 8),
                windDirection: this.random.int(compassPoints.length),
                raining: false,
            });
        }
    }

    /** The next event of the stream. */
    next(): GeneratedEvent {
        const index = this.index++;
        const location = this.locations[index % this.locations.length];
        const timestamp = new Date(
            Number.isFinite(this.rate) ? this.startTime + Math.floor((index * 1000) / this.rate) : this.now(),
        );
        const body = this.reading(location, timestamp);
        // Always draw both numbers so that the valid events of a stream do not depend on the bad ratio's outcome.
        const badDraw = this.random.next();
        const kindDraw = this.random.next();
        const event: GeneratedEvent = { index, location, eventId: body.event_id, timestamp, body: "" };
        if (badDraw < this.badRatio) {
            const kind = malformedKinds[Math.floor(kindDraw * malformedKinds.length)];
            event.malformed = kind;
            event.body = this.malformedBody(kind, body, kindDraw);
        } else {
            event.body = JSON.stringify(body);
        }
        return event;
    }

    /** Moves the location's weather one step (mean-reverting drift) and returns a well-formed reading. */
    private reading(location: string, timestamp: Date): WeatherBody {
        const state = this.states.get(location) as LocationState;
        const random = this.random;
        state.temperature += 0.05 * (state.baseTemperature - state.temperature) + random.normal() * 0.3;
        state.humidity += 0.05 * (state.baseHumidity - state.humidity) + random.normal() * 1.2;
        state.humidity = clamp(state.humidity, 5, 100);
        state.windSpeed = clamp(state.windSpeed + 0.05 * (4 - state.windSpeed) + random.normal() * 0.4, 0, 40);
        const turn = random.next();
        state.windDirection = (state.windDirection + (turn < 0.1 ? -1 : turn > 0.9 ? 1 : 0) + 16) % 16;
        // Rain starts more easily when it is humid and stops by itself after a while.
        const rainDraw = random.next();
        state.raining = state.raining ? rainDraw > 0.05 : rainDraw < Math.max(0, (state.humidity - 70) / 400);
        const precipitation = state.raining ? round1(random.between(0.1, 4)) : 0;
        const conditions = state.raining
            ? state.temperature < 0
                ? "Snow"
                : precipitation > 2.5
                  ? "Heavy Rain"
                  : "Rain"
            : state.humidity > 80
              ? "Cloudy"
              : state.humidity > 65
                ? "Partly Cloudy"
                : "Sunny";
        return {
            event_id: random.uuid(),
            timestamp: timestamp.toISOString(),
            location,
            temperature: round1(clamp(state.temperature, -60, 55)),
            humidity: round1(state.humidity),
            wind_speed: round1(state.windSpeed),
            precipitation,
            conditions,
            wind_direction: compassPoints[state.windDirection],
        };
    }

    private malformedBody(kind: MalformedKind, body: WeatherBody, draw: number): string {
        // `variant` picks among the forms of a kind from the same draw, so no extra random number is consumed.
        const variant = Math.floor(draw * 1000) % 3;
        const fields: Record<string, unknown> = { ...body };
        switch (kind) {
            case "not-json":
                return variant === 0
                    ? JSON.stringify(body).slice(0, 40)
                    : `temperature=${body.temperature};humidity=${body.humidity};location=${body.location}`;
            case "json-array":
                return JSON.stringify([body]);
            case "missing-field":
                delete fields[["temperature", "humidity", "location"][variant]];
                return JSON.stringify(fields);
            case "out-of-range":
                if (variant === 0) {
                    fields.temperature = 75.5;
                } else if (variant === 1) {
                    fields.humidity = 140;
                } else {
                    fields.wind_speed = -3.2;
                }
                return JSON.stringify(fields);
            case "wrong-type":
                if (variant === 0) {
                    fields.temperature = "warm";
                } else if (variant === 1) {
                    fields.humidity = "high";
                } else {
                    fields.temperature = { value: body.temperature, unit: "C" };
                }
                return JSON.stringify(fields);
        }
    }
}
