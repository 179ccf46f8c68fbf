// Shows a long send's progress: a bar on a terminal, a periodic status line otherwise (CI logs, pipes).
import { SingleBar, Presets } from "cli-progress";
import type { SendProgress } from "./sender";

export interface ProgressReporter {
    update(progress: SendProgress): void;
    stop(): void;
}

/** Chooses the bar when `stream` is a terminal and a status line every `intervalMs` otherwise. */
export function createProgressReporter(
    stream: NodeJS.WriteStream = process.stderr,
    intervalMs = 5000,
): ProgressReporter {
    if (stream.isTTY) {
        return barReporter(stream);
    }
    return lineReporter(stream, intervalMs);
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
    const bar = new SingleBar(
        {
            stream,
            format: "{bar} {value}/{total} events | sent {sent} | failed {failed} | retried {retried} | {rate} ev/s",
            hideCursor: true,
            clearOnComplete: false,
        },
        Presets.shades_classic,
    );
    let started = false;
    return {
        update(progress) {
            const payload = {
                sent: progress.sent,
                failed: progress.failed,
                retried: progress.retried,
                rate: progress.elapsedMs > 0 ? Math.round((progress.sent * 1000) / progress.elapsedMs) : 0,
            };
            // Without a known total (a duration at an unlimited rate), the bar tracks events generated so far.
            const total = progress.target ?? Math.max(progress.generated, 1);
            if (!started) {
                bar.start(total, progress.sent, payload);
                started = true;
            }
            bar.setTotal(total);
            bar.update(progress.sent, payload);
        },
        stop() {
            if (started) {
                bar.stop();
            }
        },
    };
}

function lineReporter(stream: NodeJS.WriteStream, intervalMs: number): ProgressReporter {
    let last = 0;
    return {
        update(progress) {
            if (progress.elapsedMs - last < intervalMs) {
                return;
            }
            last = progress.elapsedMs;
            const of = progress.target !== undefined ? ` of ${progress.target}` : "";
            const rate = progress.elapsedMs > 0 ? Math.round((progress.sent * 1000) / progress.elapsedMs) : 0;
            stream.write(
                `[${(progress.elapsedMs / 1000).toFixed(0)} s] sent ${progress.sent}${of}, failed ${progress.failed}, ` +
                    `retried ${progress.retried}, ${rate} events/s\n`,
            );
        },
        stop() {},
    };
}
