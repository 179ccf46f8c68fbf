// A loopback AMQP endpoint that speaks enough of the Event Hubs protocol for the real @azure/event-hubs client.
//
// It implements what the SDK uses: SASL (ANONYMOUS, as the SDK sends with a key name and no password), the $cbs
// put-token node (with the SAS signature checked against the rules below), the $management node (hub and
// partition READ), sender links to `<hub>` and `<hub>/Partitions/<id>` carrying batch envelopes (one AMQP
// message whose data sections are each an encoded event), and receiver links on
// `<hub>/ConsumerGroups/$Default/Partitions/<id>` honouring the offset / sequence-number / enqueued-time filter.
// Clients connect with `UseDevelopmentEmulator=true` in the connection string, which makes the SDK use plain
// AMQP over TCP to the host and port of the Endpoint (see @azure/core-amqp ConnectionContextBase).
import { createHmac } from "node:crypto";
import type { AddressInfo, Server, Socket } from "node:net";
import {
    create_container,
    message as amqpMessage,
    types as amqpTypes,
    type Connection,
    type Delivery,
    type EventContext,
    type Receiver,
    type Sender,
} from "rhea";
// The same stable key hash as the producer's --out, so a location lands in the same partition here and in a file.
import { partitionOf } from "../../src/producer/connectorLines";

/** A shared access rule of the fake namespace: a key name, its key and what it allows. */
export interface SasRule {
    name: string;
    key: string;
    rights: ("Send" | "Listen")[];
}

export interface FakeEventHubsServerOptions {
    /** Name of the one event hub the namespace holds. Defaults to "weather". */
    hubName?: string;
    /** Number of partitions, ids "0".."n-1". Defaults to 2. */
    partitionCount?: number;
    /** Largest AMQP message a client may send, announced on every link; Basic tier allows 256 KB. Defaults to 262144. */
    maxMessageSize?: number;
    /** Shared access rules; defaults to a Send-only rule "send" and a Listen-only rule "listen". */
    sasRules?: SasRule[];
}

/** One event as the fake hub stores it, with the system properties the service would assign. */
export interface StoredEvent {
    partitionId: string;
    sequenceNumber: number;
    offset: string;
    enqueuedTime: Date;
    partitionKey?: string;
    body: Buffer;
}

/** One AMQP transfer received on a hub sender link: a batch envelope or a single event. */
export interface ReceivedTransfer {
    address: string;
    eventCount: number;
    sizeInBytes: number;
    partitionKey?: string;
    outcome: "accepted" | "rejected";
    condition?: string;
}

interface InjectedFailure {
    remaining: number;
    condition: string;
    description: string;
}

interface Subscription {
    sender: Sender;
    partitionId: string;
    nextIndex: number;
}

/** The fields of a decoded AMQP message this server reads. */
interface Message {
    body?: unknown;
    message_annotations?: Record<string, unknown>;
    application_properties?: Record<string, unknown>;
    message_id?: unknown;
    reply_to?: unknown;
}

const batchFormat = 0x80013700;
/** AMQP error conditions sent with failed $cbs / $management replies, from which the client picks its error type. */
const errorConditions: Record<number, string> = {
    400: "amqp:invalid-field",
    401: "amqp:unauthorized-access",
    404: "amqp:not-found",
};
const selectorFilter = "apache.org:selector-filter:string";

/** Section object rhea produces for a data body; several data sections become `multiple` with an array. */
function dataSections(body: unknown): Buffer[] {
    if (Buffer.isBuffer(body)) {
        return [body];
    }
    if (body && typeof body === "object" && "typecode" in body && "content" in body) {
        const section = body as { typecode: number; content: unknown; multiple?: boolean };
        if (section.typecode !== 0x75) {
            throw new Error(`expected data sections, got section type 0x${section.typecode.toString(16)}`);
        }
        const contents = section.multiple ? (section.content as unknown[]) : [section.content];
        return contents.map((content) => (Buffer.isBuffer(content) ? content : Buffer.alloc(0)));
    }
    throw new Error("expected a message body made of data sections");
}

/**
 * Rejects a delivery in a disposition frame of its own. rhea (3.0.5) merges the dispositions it writes in one
 * round into ranges and, when a range holds a single delivery so far, appends the next delivery even if its
 * outcome differs; an accepted batch that follows a rejected one would then be reported rejected too. Writing the
 * pending dispositions before and after the rejection keeps every outcome exact.
 */
function rejectAlone(delivery: Delivery, error: { condition: string; description: string }): void {
    const connection = (delivery as unknown as { link: { connection: { _process(): void } } }).link.connection;
    connection._process();
    delivery.reject(error);
    connection._process();
}

function annotation(msg: Message, name: string): string | undefined {
    const value = msg.message_annotations?.[name];
    return value === undefined || value === null ? undefined : String(value);
}

export class FakeEventHubsServer {
    readonly hubName: string;
    readonly partitionIds: string[];
    readonly maxMessageSize: number;
    readonly sasRules: SasRule[];
    /** Every transfer received on a hub sender link, in arrival order. */
    readonly transfers: ReceivedTransfer[] = [];
    /** Audiences for which a valid token was put, in order. */
    readonly authorizedAudiences: string[] = [];
    /** Management READ requests answered, by type ("com.microsoft:eventhub" / "com.microsoft:partition"). */
    readonly managementRequests: string[] = [];

    private readonly createdAt = new Date();
    private readonly partitions = new Map<string, StoredEvent[]>();
    private readonly partitionBytes = new Map<string, number>();
    private readonly subscriptions = new Set<Subscription>();
    private readonly rightsByConnection = new Map<Connection, Map<string, Set<string>>>();
    private readonly sockets = new Set<Socket>();
    private readonly failures: InjectedFailure[] = [];
    private server: Server | undefined;
    private roundRobin = 0;
    private listeningPort = 0;
    private publicPort: number | undefined;

    constructor(options: FakeEventHubsServerOptions = {}) {
        this.hubName = options.hubName ?? "weather";
        const partitionCount = options.partitionCount ?? 2;
        this.partitionIds = Array.from({ length: partitionCount }, (_, index) => String(index));
        this.maxMessageSize = options.maxMessageSize ?? 262144;
        this.sasRules = options.sasRules ?? [
            { name: "send", key: "c2VuZC1vbmx5LXRlc3Qta2V5", rights: ["Send"] },
            { name: "listen", key: "bGlzdGVuLW9ubHktdGVzdC1rZXk=", rights: ["Listen"] },
        ];
        for (const id of this.partitionIds) {
            this.partitions.set(id, []);
            this.partitionBytes.set(id, 0);
        }
    }

    /** TCP port on 127.0.0.1; valid after start(). */
    get port(): number {
        return this.listeningPort;
    }

    /** Starts listening on an ephemeral loopback port. */
    async start(): Promise<void> {
        const container = create_container({ id: "fake-event-hubs" });
        container.sasl_server_mechanisms.enable_anonymous();
        container.on("receiver_open", (context: EventContext) => this.onReceiverOpen(context));
        container.on("sender_open", (context: EventContext) => this.onSenderOpen(context));
        container.on("message", (context: EventContext) => this.onMessage(context));
        container.on("sendable", (context: EventContext) => this.onSendable(context));
        container.on("sender_close", (context: EventContext) => this.dropSubscription(context.sender));
        container.on("connection_close", (context: EventContext) => this.forgetConnection(context.connection));
        container.on("disconnected", (context: EventContext) => this.forgetConnection(context.connection));
        // Errors on a client's connection are the client's business; the server keeps serving the others.
        container.on("error", () => undefined);
        // autoaccept off: every transfer is settled explicitly, so that injected failures can reject it.
        const server = container.listen({ port: 0, host: "127.0.0.1", autoaccept: false } as never) as Server;
        server.on("connection", (socket: Socket) => {
            this.sockets.add(socket);
            socket.on("close", () => this.sockets.delete(socket));
        });
        await new Promise<void>((resolve, reject) => {
            server.once("listening", resolve);
            server.once("error", reject);
        });
        this.server = server;
        this.listeningPort = (server.address() as AddressInfo).port;
    }

    /** Closes every client connection and the listening socket. */
    async stop(): Promise<void> {
        const server = this.server;
        this.server = undefined;
        if (!server) {
            return;
        }
        for (const subscription of this.subscriptions) {
            subscription.sender.close();
        }
        this.subscriptions.clear();
        for (const socket of this.sockets) {
            socket.destroy();
        }
        await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    /** A connection string for rule `ruleName` that the SDK accepts for this loopback endpoint. */
    connectionString(ruleName = "send", key?: string): string {
        const rule = this.rule(ruleName);
        return (
            `Endpoint=sb://127.0.0.1:${this.publicPort ?? this.port}/;SharedAccessKeyName=${rule.name};` +
            `SharedAccessKey=${key ?? rule.key};EntityPath=${this.hubName};UseDevelopmentEmulator=true`
        );
    }

    /** The events held by partition `partitionId`, in sequence order. */
    eventsIn(partitionId: string): StoredEvent[] {
        const events = this.partitions.get(partitionId);
        if (!events) {
            throw new Error(`no partition "${partitionId}" (partitions: ${this.partitionIds.join(", ")})`);
        }
        return [...events];
    }

    /** Every event held, partition by partition. */
    allEvents(): StoredEvent[] {
        return this.partitionIds.flatMap((id) => this.eventsIn(id));
    }

    /**
     * Rejects the next `count` transfers on hub sender links with AMQP error `condition` (by default the
     * throttling reply `com.microsoft:server-busy`); the events of a rejected transfer are not stored.
     */
    failNextTransfers(count: number, condition = "com.microsoft:server-busy", description = "injected failure"): void {
        this.failures.push({ remaining: count, condition, description });
    }

    /** Stores an event as if a producer had sent it, for tests that need a hub with content. */
    append(partitionId: string, body: Buffer | string, partitionKey?: string, enqueuedTime = new Date()): StoredEvent {
        const events = this.partitions.get(partitionId);
        if (!events) {
            throw new Error(`no partition "${partitionId}"`);
        }
        const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
        const offset = this.partitionBytes.get(partitionId) ?? 0;
        const event: StoredEvent = {
            partitionId,
            sequenceNumber: events.length,
            offset: String(offset),
            enqueuedTime,
            partitionKey,
            body: bytes,
        };
        events.push(event);
        this.partitionBytes.set(partitionId, offset + Math.max(bytes.length, 1));
        for (const subscription of this.subscriptions) {
            if (subscription.partitionId === partitionId) {
                this.pump(subscription);
            }
        }
        return event;
    }

    private rule(name: string): SasRule {
        const rule = this.sasRules.find((candidate) => candidate.name === name);
        if (!rule) {
            throw new Error(`no shared access rule "${name}"`);
        }
        return rule;
    }

    /**
     * Makes the namespace known to its clients by another port (a proxy in front of it): tokens are checked against
     * the endpoint the client dialled, as the service checks them against its public host name.
     */
    reachedThrough(port: number): void {
        this.publicPort = port;
    }

    private endpointPrefix(): string {
        return `sb://127.0.0.1:${this.publicPort ?? this.port}/`;
    }

    private forgetConnection(connection: Connection | undefined): void {
        if (connection) {
            this.rightsByConnection.delete(connection);
        }
        for (const subscription of [...this.subscriptions]) {
            if (subscription.sender.connection === connection) {
                this.subscriptions.delete(subscription);
            }
        }
    }

    private dropSubscription(sender: Sender | undefined): void {
        for (const subscription of [...this.subscriptions]) {
            if (subscription.sender === sender) {
                this.subscriptions.delete(subscription);
            }
        }
    }

    /** Whether the connection holds a token with `right` for `address` (a token for the hub covers its paths). */
    private isAuthorized(connection: Connection, address: string, right: string): boolean {
        const audiences = this.rightsByConnection.get(connection);
        if (!audiences) {
            return false;
        }
        const target = `${this.endpointPrefix()}${address}`;
        for (const [audience, rights] of audiences) {
            const prefix = audience.endsWith("/") ? audience : `${audience}/`;
            if (rights.has(right) && (target === audience || target.startsWith(prefix))) {
                return true;
            }
        }
        return false;
    }

    private onReceiverOpen(context: EventContext): void {
        const receiver = context.receiver as Receiver;
        const address = String(receiver.target?.address ?? "");
        receiver.set_target({ address });
        // The SDK sizes an EventDataBatch by the max-message-size the service announces on the link.
        (receiver as unknown as { local: { attach: { max_message_size: number } } }).local.attach.max_message_size =
            this.maxMessageSize;
        const partitionMatch = new RegExp(`^${this.hubName}/Partitions/([^/]+)$`, "i").exec(address);
        if (address === "$cbs" || address === "$management") {
            return;
        }
        if (address !== this.hubName && !partitionMatch) {
            receiver.close({
                condition: "amqp:not-found",
                description: `The messaging entity '${address}' was not found.`,
            });
            return;
        }
        if (partitionMatch && !this.partitionIds.includes(partitionMatch[1])) {
            receiver.close({ condition: "amqp:not-found", description: `Partition '${partitionMatch[1]}' not found.` });
            return;
        }
        if (!this.isAuthorized(context.connection, address, "Send")) {
            receiver.close({
                condition: "amqp:unauthorized-access",
                description: `Unauthorized access. 'Send' claim(s) are required to perform this operation.`,
            });
        }
    }

    private onSenderOpen(context: EventContext): void {
        const sender = context.sender as Sender;
        const source = sender.source as { address?: string; filter?: Record<string, unknown> } | undefined;
        const address = String(source?.address ?? "");
        sender.set_source({ address, filter: source?.filter } as never);
        if (address === "$cbs" || address === "$management") {
            return;
        }
        const match = new RegExp(`^${this.hubName}/ConsumerGroups/([^/]+)/Partitions/([^/]+)$`, "i").exec(address);
        if (!match) {
            sender.close({
                condition: "amqp:not-found",
                description: `The messaging entity '${address}' was not found.`,
            });
            return;
        }
        const [, consumerGroup, partitionId] = match;
        if (consumerGroup.toLowerCase() !== "$default" || !this.partitionIds.includes(partitionId)) {
            sender.close({
                condition: "amqp:not-found",
                description: `The messaging entity '${address}' was not found (consumer group $Default only).`,
            });
            return;
        }
        if (!this.isAuthorized(context.connection, address, "Listen")) {
            sender.close({
                condition: "amqp:unauthorized-access",
                description: `Unauthorized access. 'Listen' claim(s) are required to perform this operation.`,
            });
            return;
        }
        let nextIndex: number;
        try {
            nextIndex = this.startIndex(partitionId, source?.filter);
        } catch (error) {
            sender.close({ condition: "amqp:invalid-field", description: (error as Error).message });
            return;
        }
        const subscription: Subscription = { sender, partitionId, nextIndex };
        this.subscriptions.add(subscription);
        this.pump(subscription);
    }

    /** Index of the first event a receiver gets, from its selector filter (offset, sequence number or time). */
    private startIndex(partitionId: string, filter: Record<string, unknown> | undefined): number {
        const events = this.partitions.get(partitionId) ?? [];
        const raw = filter?.[selectorFilter];
        const expression = String(
            raw && typeof raw === "object" && "value" in raw ? (raw as { value: unknown }).value : (raw ?? ""),
        );
        if (expression === "") {
            return 0;
        }
        const match =
            /^amqp\.annotation\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time) (>=|>) '([^']*)'$/.exec(
                expression,
            );
        if (!match) {
            throw new Error(`unsupported filter expression: ${expression}`);
        }
        const [, field, operator, value] = match;
        if (field === "x-opt-offset" && value === "@latest") {
            return events.length;
        }
        const position = Number(value);
        const key = (event: StoredEvent): number =>
            field === "x-opt-offset"
                ? Number(event.offset)
                : field === "x-opt-sequence-number"
                  ? event.sequenceNumber
                  : event.enqueuedTime.getTime();
        const index = events.findIndex((event) => (operator === ">=" ? key(event) >= position : key(event) > position));
        return index === -1 ? events.length : index;
    }

    private onSendable(context: EventContext): void {
        for (const subscription of this.subscriptions) {
            if (subscription.sender === context.sender) {
                this.pump(subscription);
            }
        }
    }

    /** Sends the subscription's pending events while the receiver has credit. */
    private pump(subscription: Subscription): void {
        const events = this.partitions.get(subscription.partitionId) ?? [];
        const sender = subscription.sender;
        while (subscription.nextIndex < events.length && sender.is_open() && sender.sendable()) {
            const event = events[subscription.nextIndex];
            subscription.nextIndex += 1;
            const annotations: Record<string, unknown> = {
                "x-opt-sequence-number": amqpTypes.wrap_long(event.sequenceNumber),
                "x-opt-offset": event.offset,
                "x-opt-enqueued-time": event.enqueuedTime,
            };
            if (event.partitionKey !== undefined) {
                annotations["x-opt-partition-key"] = event.partitionKey;
            }
            sender.send({ body: amqpMessage.data_section(event.body), message_annotations: annotations });
        }
    }

    private onMessage(context: EventContext): void {
        const receiver = context.receiver as Receiver;
        const delivery = context.delivery as Delivery;
        const msg = context.message as Message | Buffer;
        const address = String(receiver.target?.address ?? "");
        if (address === "$cbs") {
            delivery.accept();
            this.onPutToken(context, msg as Message);
            return;
        }
        if (address === "$management") {
            delivery.accept();
            this.onManagementRequest(context, msg as Message);
            return;
        }
        this.onEvents(address, delivery, msg);
    }

    private onEvents(address: string, delivery: Delivery, received: Message | Buffer): void {
        // rhea leaves a transfer with a non-zero message format (a batch envelope) undecoded.
        const msg = Buffer.isBuffer(received) ? (amqpMessage.decode(received) as Message) : received;
        let bodies: { body: Buffer; partitionKey?: string }[];
        const envelopeKey = annotation(msg, "x-opt-partition-key");
        const format = Buffer.isBuffer(received) ? batchFormat : 0;
        let sizeInBytes = 0;
        try {
            const sections = dataSections(msg.body);
            sizeInBytes = Buffer.isBuffer(received) ? received.length : amqpMessage.encode(msg).length;
            if (format === batchFormat) {
                bodies = sections.map((section) => {
                    const inner = amqpMessage.decode(section) as Message;
                    return {
                        body: Buffer.concat(dataSections(inner.body)),
                        partitionKey: annotation(inner, "x-opt-partition-key") ?? envelopeKey,
                    };
                });
            } else {
                bodies = [{ body: Buffer.concat(sections), partitionKey: envelopeKey }];
            }
        } catch (error) {
            rejectAlone(delivery, { condition: "amqp:decode-error", description: (error as Error).message });
            return;
        }
        const failure = this.failures.find((candidate) => candidate.remaining > 0);
        if (failure) {
            failure.remaining -= 1;
            this.transfers.push({
                address,
                eventCount: bodies.length,
                sizeInBytes,
                partitionKey: envelopeKey,
                outcome: "rejected",
                condition: failure.condition,
            });
            rejectAlone(delivery, { condition: failure.condition, description: failure.description });
            return;
        }
        const partitionMatch = /\/Partitions\/([^/]+)$/i.exec(address);
        for (const { body, partitionKey } of bodies) {
            const partitionId = partitionMatch
                ? partitionMatch[1]
                : partitionKey !== undefined
                  ? partitionOf(partitionKey, this.partitionIds.length)
                  : this.partitionIds[this.roundRobin++ % this.partitionIds.length];
            this.append(partitionId, body, partitionKey);
        }
        this.transfers.push({
            address,
            eventCount: bodies.length,
            sizeInBytes,
            partitionKey: envelopeKey,
            outcome: "accepted",
        });
        delivery.accept();
    }

    private reply(context: EventContext, request: Message, status: number, description: string, body?: unknown): void {
        const replyTo = String(request.reply_to ?? "");
        const session = context.session;
        let replySender: Sender | undefined;
        session?.each_sender(
            (candidate: Sender) => {
                const target = candidate.target as { address?: string } | undefined;
                if (candidate.name === replyTo || target?.address === replyTo) {
                    replySender = candidate;
                }
            },
            () => true,
        );
        if (!replySender) {
            return;
        }
        replySender.send({
            correlation_id: request.message_id as string | number | Buffer | undefined,
            application_properties: {
                "status-code": status,
                "status-description": description,
                ...(status >= 400 ? { "error-condition": errorConditions[status] ?? "amqp:internal-error" } : {}),
            },
            body,
        });
    }

    private onPutToken(context: EventContext, request: Message): void {
        const properties = (request.application_properties ?? {}) as Record<string, unknown>;
        const audience = String(properties.name ?? "");
        const token = String(request.body ?? "");
        const rights = this.verifyToken(token, audience);
        if (!rights) {
            this.reply(context, request, 401, "InvalidSignature: The token has an invalid signature.");
            return;
        }
        // The audience says what the token is for; refuse it at once when the rule lacks the claim, so that the
        // client fails while opening the link (an attach refused afterwards is retried by the SDK as a lost link).
        const needed = audience.includes("/ConsumerGroups/")
            ? "Listen"
            : audience.endsWith("$management")
              ? ""
              : "Send";
        if (needed !== "" && !rights.includes(needed)) {
            this.reply(
                context,
                request,
                401,
                `Unauthorized access. '${needed}' claim(s) are required to perform this operation.`,
            );
            return;
        }
        let audiences = this.rightsByConnection.get(context.connection);
        if (!audiences) {
            audiences = new Map();
            this.rightsByConnection.set(context.connection, audiences);
        }
        audiences.set(audience.replace(/\/$/, ""), new Set(rights));
        this.authorizedAudiences.push(audience);
        this.reply(context, request, 202, "Accepted");
    }

    /** Checks a SharedAccessSignature token as the service does and returns the rights of its rule. */
    private verifyToken(token: string, audience: string): string[] | undefined {
        const match = /^SharedAccessSignature (.*)$/.exec(token);
        if (!match) {
            return undefined;
        }
        const fields = new Map(
            match[1].split("&").map((pair) => {
                const index = pair.indexOf("=");
                return [pair.slice(0, index), pair.slice(index + 1)] as const;
            }),
        );
        const resource = fields.get("sr") ?? "";
        const expiry = fields.get("se") ?? "";
        const keyName = decodeURIComponent(fields.get("skn") ?? "");
        const rule = this.sasRules.find((candidate) => candidate.name === keyName);
        if (!rule || decodeURIComponent(resource) !== audience || Number(expiry) * 1000 < Date.now()) {
            return undefined;
        }
        const expected = createHmac("sha256", rule.key).update(`${resource}\n${expiry}`).digest("base64");
        return decodeURIComponent(fields.get("sig") ?? "") === expected ? rule.rights : undefined;
    }

    private onManagementRequest(context: EventContext, request: Message): void {
        const properties = (request.application_properties ?? {}) as Record<string, unknown>;
        const type = String(properties.type ?? "");
        if (properties.operation !== "READ" || properties.name !== this.hubName) {
            this.reply(context, request, 404, `The messaging entity '${String(properties.name)}' was not found.`);
            return;
        }
        this.managementRequests.push(type);
        if (type === "com.microsoft:eventhub") {
            this.reply(context, request, 200, "OK", {
                name: this.hubName,
                type,
                created_at: this.createdAt,
                partition_count: amqpTypes.wrap_int(this.partitionIds.length),
                partition_ids: this.partitionIds,
            });
            return;
        }
        if (type === "com.microsoft:partition") {
            const partitionId = String(properties.partition ?? "");
            const events = this.partitions.get(partitionId);
            if (!events) {
                this.reply(context, request, 404, `Partition '${partitionId}' not found.`);
                return;
            }
            const last = events[events.length - 1];
            this.reply(context, request, 200, "OK", {
                name: this.hubName,
                type,
                partition: partitionId,
                begin_sequence_number: amqpTypes.wrap_long(events.length === 0 ? -1 : events[0].sequenceNumber),
                last_enqueued_sequence_number: amqpTypes.wrap_long(last ? last.sequenceNumber : -1),
                last_enqueued_offset: last ? last.offset : "-1",
                last_enqueued_time_utc: last ? last.enqueuedTime : new Date(0),
                is_partition_empty: events.length === 0,
            });
            return;
        }
        this.reply(context, request, 400, `unsupported management type '${type}'`);
    }
}
