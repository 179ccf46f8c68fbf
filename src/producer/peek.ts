// Reads the newest or oldest events of every partition through the $Default consumer group, for smoke tests.
import {
    EventHubConsumerClient,
    earliestEventPosition,
    latestEventPosition,
    type ReceivedEventData,
    type Subscription,
} from "@azure/event-hubs";
import { closeWithin } from "../shared/deadline";

export interface PeekedEvent {
    partition: string;
    sequenceNumber: number;
    enqueuedTime: string;
    partitionKey: string | null;
    body: string;
}

export interface PeekOptions {
    /** A Listen connection string with EntityPath. */
    connectionString: string;
    /** Stop after this many events. */
    count: number;
    /** Read each partition from its oldest retained event ("start") or only events that arrive from now ("latest"). */
    from: "start" | "latest";
    /** Stop when no event arrived for this long (ms). */
    idleTimeoutMs: number;
    /** Called for each event as it arrives. */
    onEvent?: (event: PeekedEvent) => void;
    /** Called once every partition's receiver has been asked to start (for tests that then add events). */
    onSubscribed?: () => void;
    /** Ends the peek at once (the tool's deadline): the result then says how far it got, stoppedBy "deadline". */
    abortSignal?: AbortSignal;
}

export interface PeekResult {
    events: PeekedEvent[];
    /** The hub's partitions; empty when the deadline passed before the namespace named them. */
    partitionIds: string[];
    stoppedBy: "count" | "idle" | "deadline";
}

/** Basic tier has exactly one consumer group, the implicit $Default. */
export const consumerGroup = "$Default";

function toPeeked(partition: string, event: ReceivedEventData): PeekedEvent {
    // Bodies are read as raw bytes (skipParsingBodyAsJson) so that a malformed body is shown exactly as sent.
    const body = event.body;
    const text =
        Buffer.isBuffer(body) || body instanceof Uint8Array ? Buffer.from(body).toString("utf8") : JSON.stringify(body);
    return {
        partition,
        sequenceNumber: event.sequenceNumber,
        enqueuedTime: event.enqueuedTimeUtc.toISOString(),
        partitionKey: event.partitionKey,
        body: text,
    };
}

/** One line per event: partition, sequence number, enqueued time, partition key, body (newlines escaped). */
export function formatPeekedEvent(event: PeekedEvent): string {
    const body = event.body.replace(/\r/g, "\\r").replace(/\n/g, "\\n");
    return (
        `partition=${event.partition} seq=${event.sequenceNumber} enqueued=${event.enqueuedTime} ` +
        `key=${event.partitionKey ?? "-"} body=${body}`
    );
}

/** Receives from every partition until `count` events arrived or none arrived for `idleTimeoutMs`. */
export async function peekEvents(options: PeekOptions): Promise<PeekResult> {
    const client = new EventHubConsumerClient(consumerGroup, options.connectionString, {
        // Short retry delays (the SDK's default is 30 s): a smoke test should answer within its idle timeout.
        retryOptions: { maxRetries: 3, retryDelayInMs: 1000, timeoutInMs: 20_000 },
    });
    const events: PeekedEvent[] = [];
    const subscriptions: Subscription[] = [];
    const abortSignal = options.abortSignal;
    try {
        let partitionIds: string[];
        try {
            partitionIds = await client.getPartitionIds({ abortSignal });
        } catch (error) {
            if (abortSignal?.aborted) {
                return { events, partitionIds: [], stoppedBy: "deadline" };
            }
            throw error;
        }
        const stoppedBy = await new Promise<PeekResult["stoppedBy"]>((resolve, reject) => {
            let lastActivity = Date.now();
            const timer = setInterval(() => {
                if (Date.now() - lastActivity >= options.idleTimeoutMs) {
                    finish("idle");
                }
            }, 100);
            const onAbort = () => finish("deadline");
            abortSignal?.addEventListener("abort", onAbort, { once: true });
            if (abortSignal?.aborted) {
                onAbort();
            }
            let finished = false;
            function finish(outcome: PeekResult["stoppedBy"] | Error): void {
                if (finished) {
                    return;
                }
                finished = true;
                clearInterval(timer);
                abortSignal?.removeEventListener("abort", onAbort);
                if (outcome instanceof Error) {
                    reject(outcome);
                } else {
                    resolve(outcome);
                }
            }
            for (const partitionId of partitionIds) {
                subscriptions.push(
                    client.subscribe(
                        partitionId,
                        {
                            processEvents: async (received) => {
                                for (const event of received) {
                                    if (events.length >= options.count) {
                                        return;
                                    }
                                    const peeked = toPeeked(partitionId, event);
                                    events.push(peeked);
                                    lastActivity = Date.now();
                                    options.onEvent?.(peeked);
                                    if (events.length >= options.count) {
                                        finish("count");
                                    }
                                }
                            },
                            processError: async (error) => {
                                // Retryable errors are retried by the subscription itself; the others end the peek.
                                if ((error as { retryable?: boolean }).retryable !== true) {
                                    finish(error);
                                }
                            },
                        },
                        {
                            startPosition: options.from === "start" ? earliestEventPosition : latestEventPosition,
                            skipParsingBodyAsJson: true,
                            maxBatchSize: Math.min(options.count, 100),
                            maxWaitTimeInSeconds: 1,
                        },
                    ),
                );
            }
            options.onSubscribed?.();
        });
        return { events, partitionIds, stoppedBy };
    } finally {
        // A namespace that stopped answering may not answer the closes either: wait for them only briefly.
        const graceMs = abortSignal?.aborted ? 500 : 2000;
        await closeWithin(() => Promise.all(subscriptions.map((subscription) => subscription.close())), graceMs);
        await closeWithin(() => client.close(), graceMs);
    }
}
