// Turns generated events into the connector-row lines the local pipeline reads (docs/interfaces.md).
import type { GeneratedEvent } from "./weather";

/** One line of the local pipeline's input: the Event Hubs connector's row with the body as a string. */
export interface ConnectorLine {
    body: string;
    enqueuedTime: string;
    partition: string;
    partitionKey: string;
    offset: string;
    sequenceNumber: number;
}

/**
 * Partition of a partition key. Event Hubs hashes the key with its own function, which is not published; any
 * stable hash keeps the property the pipeline relies on: all events of one location land in one partition.
 */
export function partitionOf(partitionKey: string, partitionCount: number): string {
    let hash = 0x811c9dc5;
    for (const byte of Buffer.from(partitionKey, "utf8")) {
        hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    }
    // FNV-1a alone leaves the low bits of short, similar keys alike; a final avalanche spreads them.
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash = (hash ^ (hash >>> 16)) >>> 0;
    return String(hash % partitionCount);
}

/** Assigns partitions, offsets and sequence numbers as a hub with `partitionCount` partitions would. */
export class ConnectorLineBuilder {
    private readonly sequence = new Map<string, number>();
    private readonly bytes = new Map<string, number>();

    /**
     * @param partitionCount partitions of the hub being imitated
     * @param enqueueDelayMs milliseconds between an event's own timestamp and its enqueued time
     */
    constructor(
        private readonly partitionCount: number,
        private readonly enqueueDelayMs: (event: GeneratedEvent) => number = () => 0,
    ) {}

    line(event: GeneratedEvent): ConnectorLine {
        const partition = partitionOf(event.location, this.partitionCount);
        const sequenceNumber = this.sequence.get(partition) ?? 0;
        const offset = this.bytes.get(partition) ?? 0;
        this.sequence.set(partition, sequenceNumber + 1);
        this.bytes.set(partition, offset + Buffer.byteLength(event.body, "utf8"));
        return {
            body: event.body,
            enqueuedTime: new Date(event.timestamp.getTime() + this.enqueueDelayMs(event)).toISOString(),
            partition,
            partitionKey: event.location,
            offset: String(offset),
            sequenceNumber,
        };
    }
}
