// Reads where each Event Hubs partition stands (last enqueued event), through the Listen connection string.
import { EventHubConsumerClient } from "@azure/event-hubs";
import { closeWithin } from "../shared/deadline";

export interface PartitionState {
    partitionId: string;
    /** True when the partition retains no event (never written, or everything aged out of retention). */
    isEmpty: boolean;
    lastEnqueuedSequenceNumber: number | null;
    /** ISO 8601, UTC. */
    lastEnqueuedOnUtc: string | null;
}

export interface EventHubsState {
    eventHubName: string;
    partitions: PartitionState[];
}

/** The status tool's view of Event Hubs; an interface so the status logic can be driven without a namespace. */
export interface EventHubsReader {
    read(): Promise<EventHubsState>;
}

/**
 * A reader over the real service. Partition properties come from the hub's management node, which any consumer
 * group can ask, so the default group is used and no receiver is opened: the status never competes with the job
 * for Basic tier's single consumer group.
 */
export function connectionStringReader(listenConnectionString: string, signal?: AbortSignal): EventHubsReader {
    return {
        async read() {
            const client = new EventHubConsumerClient(
                EventHubConsumerClient.defaultConsumerGroupName,
                listenConnectionString,
                // A status screen must answer promptly: one retry, short delays, instead of the SDK's 30 s back-off.
                { retryOptions: { maxRetries: 1, retryDelayInMs: 500, timeoutInMs: 15_000 } },
            );
            try {
                const hub = await client.getEventHubProperties({ abortSignal: signal }).catch((error: unknown) => {
                    throw describeFailure(error, listenConnectionString);
                });
                const partitions = await Promise.all(
                    hub.partitionIds.map(async (partitionId): Promise<PartitionState> => {
                        const properties = await client
                            .getPartitionProperties(partitionId, { abortSignal: signal })
                            .catch((error: unknown) => {
                                throw describeFailure(error, listenConnectionString);
                            });
                        return {
                            partitionId,
                            isEmpty: properties.isEmpty,
                            lastEnqueuedSequenceNumber: properties.isEmpty
                                ? null
                                : properties.lastEnqueuedSequenceNumber,
                            lastEnqueuedOnUtc: properties.isEmpty ? null : properties.lastEnqueuedOnUtc.toISOString(),
                        };
                    }),
                );
                return { eventHubName: hub.name, partitions };
            } finally {
                // A namespace that stopped answering may not answer the close either.
                await closeWithin(() => client.close(), signal?.aborted ? 500 : 2000);
            }
        },
    };
}

/**
 * The SDK reports exhausted retries as an AggregateError with an empty message; this names the namespace and the
 * distinct causes instead, e.g. `InvalidSignature: The token has an invalid signature.`
 */
function describeFailure(error: unknown, connectionString: string): Error {
    const causes =
        error instanceof AggregateError
            ? error.errors.map((cause: unknown) => (cause instanceof Error ? cause.message : String(cause)))
            : [error instanceof Error ? error.message : String(error)];
    const distinct = [...new Set(causes.filter((cause) => cause.trim() !== ""))];
    const endpoint = /Endpoint=sb:\/\/([^/;]+)/i.exec(connectionString)?.[1] ?? "the namespace";
    let hint = "";
    if (distinct.some((cause) => /InvalidSignature|Unauthorized|401/i.test(cause))) {
        hint = " (the Listen key in the stack outputs was refused: was it rotated? run pulumi refresh and pulumi up)";
    }
    return new Error(`Event Hubs ${endpoint}: ${distinct.join("; ") || "unknown error"}${hint}`);
}
