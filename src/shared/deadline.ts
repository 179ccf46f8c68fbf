// The total time limit of a network tool: one abort signal for every call it makes, exit code 3 when it passes.
import { numberFlag } from "./cli";

/** `--timeout` when not given, in seconds: long enough for a cold workspace, short enough for a CI step. */
export const defaultTimeoutSeconds = 120;

/** The `--help` lines of `--timeout`, with the description starting at column `column` as the tool's other flags. */
export function timeoutUsage(column: number): string {
    const indent = " ".repeat(column);
    return (
        "  --timeout SECONDS".padEnd(column) +
        `give up after this long in total, 1..86400 (default ${defaultTimeoutSeconds}); then say\n` +
        `${indent}what did not answer and what was done, and exit 3`
    );
}

/** The deadline passed; the message names what did not answer and what was done before. The tools exit 3 on it. */
export class DeadlineExceeded extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DeadlineExceeded";
    }
}

/** Parses `--timeout`; a UsageError names the flag and the allowed range. */
export function timeoutFlag(raw: string | undefined): number {
    return numberFlag("timeout", raw, { min: 1, max: 86_400 }) ?? defaultTimeoutSeconds;
}

/**
 * A point in time after which a tool stops waiting. `signal` aborts at that moment, so every call given it (fetch,
 * the Event Hubs client's `abortSignal`) gives up at once; `race` bounds a promise that takes no signal.
 */
export class Deadline {
    readonly signal: AbortSignal;
    private readonly controller = new AbortController();
    private readonly startedAt = Date.now();
    private readonly timer: NodeJS.Timeout;

    constructor(readonly seconds: number) {
        this.signal = this.controller.signal;
        this.timer = setTimeout(() => this.controller.abort(this.error("the deadline passed")), seconds * 1000);
        // The timer must not keep a finished tool alive.
        this.timer.unref();
    }

    get expired(): boolean {
        return this.signal.aborted;
    }

    elapsedSeconds(): number {
        return (Date.now() - this.startedAt) / 1000;
    }

    /** The error to end the tool with: `timed out after N s <what>; done so far: <done>`. */
    error(what: string, done?: string): DeadlineExceeded {
        return new DeadlineExceeded(
            `timed out after ${this.seconds} s (--timeout): ${what}` + (done ? `; done so far: ${done}` : ""),
        );
    }

    /** Resolves as `promise` does, or rejects with a DeadlineExceeded naming `waitingFor` when the deadline passes. */
    race<T>(promise: Promise<T>, waitingFor: string): Promise<T> {
        if (this.expired) {
            promise.catch(() => undefined);
            return Promise.reject(this.error(`no answer from ${waitingFor}`));
        }
        return new Promise<T>((resolve, reject) => {
            const onAbort = () => reject(this.error(`no answer from ${waitingFor}`));
            this.signal.addEventListener("abort", onAbort, { once: true });
            promise.then(
                (value) => {
                    this.signal.removeEventListener("abort", onAbort);
                    resolve(value);
                },
                (error: unknown) => {
                    this.signal.removeEventListener("abort", onAbort);
                    reject(error);
                },
            );
        });
    }

    /** Stops the timer (the tool finished). */
    dispose(): void {
        clearTimeout(this.timer);
    }
}

/**
 * Waits for a client's `close()` at most `ms`: a connection that never answered may never answer a close either,
 * and the tool must still end. Never rejects.
 */
export async function closeWithin(close: () => Promise<unknown>, ms = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
        close().catch(() => undefined),
        new Promise<void>((resolve) => {
            timer = setTimeout(resolve, ms);
        }),
    ]);
    clearTimeout(timer);
}

/**
 * Prints `[12 s] still waiting for <what> (timeout 120 s)` every `everyMs` while a long wait lasts, so a slow
 * endpoint is never mistaken for a hung tool. Returns the function that stops it.
 */
export function heartbeat(
    stream: NodeJS.WritableStream,
    deadline: Deadline,
    describe: () => string,
    everyMs = 10_000,
): () => void {
    const timer = setInterval(() => {
        stream.write(
            `[${Math.round(deadline.elapsedSeconds())} s] still waiting for ${describe()} (timeout ${deadline.seconds} s)\n`,
        );
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
}
