// Sends generated events to Event Hubs: paced by a rate schedule, batched by partition key, retried on transient errors.
import type { EventDataBatch, EventHubProducerClient } from "@azure/event-hubs";
import { describeError } from "./connection";
import type { GeneratedEvent } from "./weather";

/**
 * Retry split between the SDK and this module. The client is created with `retryOptions.maxRetries = 0`
 * (producerRetryOptions), so every failed attempt surfaces here and is retried by `sendWithRetries`. The SDK
 * retries internally without telling its caller, so with its own retries on, a "retried" figure would be a guess;
 * with them off, every re-send is one we made and counted. A batch is re-sent as the same EventDataBatch (same
 * events, same event_ids) and only on errors the SDK marks retryable (server busy, timeouts, connection loss);
 * an error that is not retryable (unauthorized, not found, too large) fails the batch at once. No event is ever
 * dropped silently: each ends up counted as sent or failed. The one case where a retry can duplicate is an
 * attempt whose outcome is unknown (a timeout or a dropped connection after the service stored the batch); not
 * retrying would risk losing it instead, and the event_id lets the pipeline drop such a duplicate.
 */
export const producerRetryOptions = { maxRetries: 0, timeoutInMs: 30_000 } as const;

export interface SendOptions {
    /** The client to send with, created with producerRetryOptions; the caller closes it. */
    producer: EventHubProducerClient;
    /** Where events come from. */
    next: () => GeneratedEvent;
    /** Events to send; with durationMs, the run stops at whichever comes first. */
    count?: number;
    /** How long to generate events for, in milliseconds. */
    durationMs?: number;
    /** Events per second to hold; Infinity sends as fast as the hub accepts. Defaults to Infinity. */
    rate?: number;
    /** Batch events that share a partition key (true), or send each event on its own (false). Defaults to true. */
    batching?: boolean;
    /** Sends in flight at once. Defaults to 4. */
    concurrency?: number;
    /** Re-sends of one batch after a retryable error. Defaults to 5. */
    maxRetries?: number;
    /** First backoff delay in ms, doubled at each retry (with jitter) up to maxRetryDelayMs. Defaults to 500. */
    retryDelayMs?: number;
    /** Longest backoff delay in ms. Defaults to 8000. */
    maxRetryDelayMs?: number;
    /** Largest batch in bytes; defaults to what the hub allows on the link. */
    maxBatchBytes?: number;
    /** Stops generating new events (those generated are still sent). */
    signal?: AbortSignal;
    /**
     * Ends the run at once (the tool's deadline): generating stops, calls in flight are abandoned, nothing is retried,
     * and every event generated but not confirmed by the hub is counted as failed with `abortMessage`.
     */
    abortSignal?: AbortSignal;
    /** Why an event was not sent when abortSignal fired. Defaults to "not sent: the run was aborted". */
    abortMessage?: string;
    /** Called about every 250 ms and at the end with the running totals. */
    onProgress?: (progress: SendProgress) => void;
    /** Clock, for tests. Defaults to performance.now. */
    now?: () => number;
}

export interface SendProgress {
    generated: number;
    sent: number;
    failed: number;
    retried: number;
    elapsedMs: number;
    /** Events the run will generate in total, when known from count (or rate × duration). */
    target?: number;
}

/** The outcome of a run; every generated event is counted once, as sent or as failed. */
export interface SendReport {
    generated: number;
    sent: number;
    failed: number;
    /** Events that needed at least one re-send (whether they were sent in the end or not). */
    retried: number;
    /** Re-sends of batches. */
    retryAttempts: number;
    /** Batches accepted by the hub. */
    batches: number;
    malformed: number;
    elapsedMs: number;
    /** Sent events per second over the whole run. */
    achievedRate: number;
    /** Distinct error messages (key material redacted), with how many events each failed. */
    errors: { message: string; events: number }[];
}

interface PendingBatch {
    batch: EventDataBatch;
    events: GeneratedEvent[];
}

const tickMs = 20;
const unlimitedChunk = 500;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
        if (signal?.aborted) {
            resolve();
            return;
        }
        const timer = setTimeout(done, ms);
        function done(): void {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            resolve();
        }
        signal?.addEventListener("abort", done, { once: true });
    });

function isRetryable(error: unknown): boolean {
    return typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === true;
}

/** Number of events due `elapsedMs` after the start at `rate` events per second (a fixed schedule, no drift). */
export function eventsDue(rate: number, elapsedMs: number): number {
    return Math.floor((rate * elapsedMs) / 1000 + 1e-9);
}

/** Sends events until the count or duration is reached, and reports what happened to each of them. */
export async function sendEvents(options: SendOptions): Promise<SendReport> {
    const producer = options.producer;
    const rate = options.rate ?? Infinity;
    const batching = options.batching ?? true;
    const concurrency = options.concurrency ?? 4;
    const maxRetries = options.maxRetries ?? 5;
    const retryDelayMs = options.retryDelayMs ?? 500;
    const maxRetryDelayMs = options.maxRetryDelayMs ?? 8000;
    const now = options.now ?? (() => performance.now());
    if (options.count === undefined && options.durationMs === undefined) {
        throw new Error("sendEvents needs a count or a duration");
    }
    const countLimit = options.count ?? Infinity;
    const target =
        options.count ??
        (Number.isFinite(rate) && options.durationMs !== undefined ? eventsDue(rate, options.durationMs) : undefined);

    const report: SendReport = {
        generated: 0,
        sent: 0,
        failed: 0,
        retried: 0,
        retryAttempts: 0,
        batches: 0,
        malformed: 0,
        elapsedMs: 0,
        achievedRate: 0,
        errors: [],
    };
    const errors = new Map<string, number>();
    const queue: PendingBatch[] = [];
    const inFlight = new Set<Promise<void>>();
    // A non-retryable error (a wrong key, a missing hub) would fail every later batch the same way: stop generating.
    let fatal = false;
    const start = now();
    let lastProgress = start;

    const progress = (): void => {
        options.onProgress?.({
            generated: report.generated,
            sent: report.sent,
            failed: report.failed,
            retried: report.retried,
            elapsedMs: now() - start,
            target,
        });
    };

    const abortSignal = options.abortSignal;
    const aborted = (): boolean => abortSignal?.aborted === true;
    const fail = (events: number, error: unknown): void => {
        report.failed += events;
        // After an abort, every failure is the abort's (the SDK's own AbortError says only "operation was aborted").
        const message = aborted() ? (options.abortMessage ?? "not sent: the run was aborted") : describeError(error);
        errors.set(message, (errors.get(message) ?? 0) + events);
    };

    /** Packs events into batches, one partition key per batch, as few batches as the size limit allows. */
    const enqueue = async (events: GeneratedEvent[]): Promise<void> => {
        const byLocation = new Map<string, GeneratedEvent[]>();
        for (const event of events) {
            const group = byLocation.get(event.location) ?? [];
            group.push(event);
            byLocation.set(event.location, group);
        }
        for (const [location, group] of byLocation) {
            let pending: PendingBatch | undefined;
            for (const [position, event] of group.entries()) {
                const data = { body: Buffer.from(event.body, "utf8") };
                if (pending && batching && pending.batch.tryAdd(data)) {
                    pending.events.push(event);
                    continue;
                }
                if (pending) {
                    queue.push(pending);
                    pending = undefined;
                }
                let batch: EventDataBatch;
                try {
                    batch = await withRetries(() =>
                        producer.createBatch({
                            partitionKey: location,
                            maxSizeInBytes: options.maxBatchBytes,
                            abortSignal,
                        }),
                    );
                } catch (error) {
                    // Not even a link to the hub (after retries): the rest of this group and the run cannot be sent.
                    fail(group.length - position, error);
                    fatal = true;
                    break;
                }
                if (!batch.tryAdd(data)) {
                    fail(1, new Error(`event ${event.eventId} is larger than the largest batch the hub accepts`));
                    continue;
                }
                pending = { batch, events: [event] };
            }
            if (pending) {
                queue.push(pending);
            }
        }
    };

    /** Runs an operation, re-running it on retryable errors with exponential backoff; calls onRetry before each. */
    const withRetries = async <T>(operation: () => Promise<T>, onRetry?: (attempt: number) => void): Promise<T> => {
        for (let attempt = 0; ; attempt++) {
            try {
                return await operation();
            } catch (error) {
                if (!isRetryable(error) || attempt >= maxRetries || aborted()) {
                    throw error;
                }
                onRetry?.(attempt + 1);
                const backoff = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** attempt);
                await sleep(backoff * (0.5 + Math.random() * 0.5), abortSignal);
                if (aborted()) {
                    throw error;
                }
            }
        }
    };

    const send = async (pending: PendingBatch): Promise<void> => {
        let counted = false;
        try {
            await withRetries(
                () => producer.sendBatch(pending.batch, { abortSignal }),
                () => {
                    report.retryAttempts += 1;
                    if (!counted) {
                        report.retried += pending.events.length;
                        counted = true;
                    }
                },
            );
            report.sent += pending.events.length;
            report.batches += 1;
        } catch (error) {
            fail(pending.events.length, error);
            fatal ||= !isRetryable(error) || aborted();
        }
    };

    const dispatch = (): void => {
        while (inFlight.size < concurrency && queue.length > 0) {
            const pending = queue.shift() as PendingBatch;
            const promise = send(pending).finally(() => inFlight.delete(promise));
            inFlight.add(promise);
        }
    };

    let generating = true;
    while (generating || queue.length > 0 || inFlight.size > 0) {
        const elapsed = now() - start;
        const durationOver = options.durationMs !== undefined && elapsed >= options.durationMs;
        // Generate what the schedule has made due (up to the end of the duration), then decide whether to go on.
        if (generating && (queue.length < concurrency || durationOver)) {
            const scheduled = Number.isFinite(rate)
                ? eventsDue(rate, Math.min(elapsed, options.durationMs ?? Infinity))
                : durationOver
                  ? report.generated
                  : report.generated + unlimitedChunk;
            const due = Math.min(countLimit, scheduled);
            const events: GeneratedEvent[] = [];
            while (report.generated < due && !options.signal?.aborted && !aborted() && !fatal) {
                const event = options.next();
                report.generated += 1;
                if (event.malformed) {
                    report.malformed += 1;
                }
                events.push(event);
            }
            if (events.length > 0) {
                await enqueue(events);
            }
        }
        if (
            generating &&
            (options.signal?.aborted || aborted() || fatal || durationOver || report.generated >= countLimit)
        ) {
            generating = false;
        }
        if (aborted()) {
            // Queued batches were never sent: count them failed now rather than start sends bound to fail.
            for (const pending of queue.splice(0)) {
                fail(pending.events.length, undefined);
            }
        }
        dispatch();
        if (now() - lastProgress >= 250) {
            lastProgress = now();
            progress();
        }
        if (inFlight.size >= concurrency || (!generating && inFlight.size > 0 && queue.length === 0)) {
            await Promise.race(inFlight);
        } else if (generating && Number.isFinite(rate)) {
            // Wake when the next event is due, but at least every tick so the duration and the signal are seen.
            const nextDueMs = ((report.generated + 1) * 1000) / rate - (now() - start);
            await sleep(Math.max(0, Math.min(tickMs, nextDueMs)), options.signal);
        } else if (generating) {
            await new Promise<void>((resolve) => setImmediate(resolve));
        }
    }

    report.elapsedMs = now() - start;
    report.achievedRate = report.elapsedMs > 0 ? (report.sent * 1000) / report.elapsedMs : 0;
    report.errors = [...errors].map(([message, events]) => ({ message, events }));
    progress();
    return report;
}
