// Loopback endpoints that misbehave as real networks do: a port that refuses, a peer that accepts and never answers,
// and a proxy that delivers every answer late.
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * A loopback port with nothing listening: connecting to it is refused at once (ECONNREFUSED), as a stopped service or
 * a firewall that rejects would answer.
 */
export async function refusingPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

/** Tracks the sockets of a server so that stop() can end them; a server closes only when its sockets are gone. */
abstract class LoopbackServer {
    protected server: Server | undefined;
    protected readonly sockets = new Set<Socket>();
    private listeningPort = 0;

    get port(): number {
        return this.listeningPort;
    }

    /** Connections accepted so far. */
    accepted = 0;

    protected abstract onConnection(socket: Socket): void;

    async start(): Promise<number> {
        const server = createServer((socket) => {
            this.accepted += 1;
            this.sockets.add(socket);
            socket.on("close", () => this.sockets.delete(socket));
            socket.on("error", () => undefined);
            this.onConnection(socket);
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        this.server = server;
        this.listeningPort = (server.address() as AddressInfo).port;
        return this.listeningPort;
    }

    async stop(): Promise<void> {
        for (const socket of this.sockets) {
            socket.destroy();
        }
        const server = this.server;
        this.server = undefined;
        if (server) {
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
    }
}

/**
 * Accepts every connection, reads what the client sends and never writes a byte back: a peer behind a black-holing
 * middlebox, or a process that is stuck. TCP connects; no protocol ever starts.
 */
export class SilentServer extends LoopbackServer {
    protected onConnection(socket: Socket): void {
        socket.on("data", () => undefined);
    }
}

/**
 * Forwards each connection to `targetPort`, holding every chunk for `delayMs` in each direction, in order: a service
 * that answers correctly but slowly (a congested link, a cold instance).
 */
export class SlowProxy extends LoopbackServer {
    constructor(
        private readonly targetPort: number,
        private readonly delayMs: number,
    ) {
        super();
    }

    protected onConnection(client: Socket): void {
        const upstream = connect(this.targetPort, "127.0.0.1");
        this.sockets.add(upstream);
        upstream.on("close", () => {
            this.sockets.delete(upstream);
            client.destroy();
        });
        upstream.on("error", () => client.destroy());
        client.on("close", () => upstream.destroy());
        this.relay(client, upstream);
        this.relay(upstream, client);
    }

    private relay(from: Socket, to: Socket): void {
        from.on("data", (chunk: Buffer) => {
            setTimeout(() => {
                if (!to.destroyed) {
                    to.write(chunk);
                }
            }, this.delayMs);
        });
    }
}
