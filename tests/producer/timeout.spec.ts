// produce and peek against endpoints that refuse, stay silent or answer slowly: they end by --timeout with exit 3.
import assert from "node:assert/strict";
import { FakeEventHubsServer } from "../support/eventHubsServer";
import { SilentServer, SlowProxy, refusingPort } from "../support/hostileEndpoints";
import { parseProduceFlags } from "../../src/producer/produceCli";
import { peek } from "../../src/producer/peekCli";
import { UsageError } from "../../src/shared/cli";
import { CapturedStream, runCli } from "./helpers";

const produceCli = "src/producer/produceCli.ts";
const peekCli = "src/producer/peekCli.ts";

/** A connection string for a loopback port that the SDK dials with plain AMQP (see eventHubsServer.ts). */
function connectionStringFor(port: number, rule: "send" | "listen", key = "c2VuZC1vbmx5LXRlc3Qta2V5"): string {
    return (
        `Endpoint=sb://127.0.0.1:${port}/;SharedAccessKeyName=${rule};SharedAccessKey=${key};` +
        "EntityPath=weather;UseDevelopmentEmulator=true"
    );
}

/** Runs a CLI and also returns how long the process took to exit, in seconds. */
async function timed(script: string, args: string[]) {
    const started = Date.now();
    const result = await runCli(script, args);
    return { ...result, seconds: (Date.now() - started) / 1000 };
}

describe("network tools end by their --timeout", function () {
    describe("against an endpoint that accepts and never answers", function () {
        let silent: SilentServer;

        beforeEach(async function () {
            silent = new SilentServer();
            await silent.start();
        });

        afterEach(async function () {
            await silent.stop();
        });

        it("produce exits 3 naming the hub and what was sent, and the process ends", async function () {
            const result = await timed(produceCli, [
                "--connection-string",
                connectionStringFor(silent.port, "send"),
                "--count",
                "5",
                "--seed",
                "1",
                "--timeout",
                "2",
            ]);
            assert.equal(result.code, 3, result.stderr);
            assert.ok(silent.accepted >= 1, "the tool connected");
            assert.match(
                result.stderr,
                new RegExp(
                    `error: timed out after 2 s \\(--timeout\\): sb://127\\.0\\.0\\.1:${silent.port}/weather did not ` +
                        "confirm every send in time; done so far: 0 of 5 events sent, \\d+ not confirmed",
                ),
            );
            // The report of what happened is still printed, every event accounted for.
            assert.match(result.stdout, /^sent 0 of \d+ events/m);
            assert.match(result.stdout, /event\(s\) failed: not confirmed by the hub before the --timeout of 2 s/);
            // Start-up of tsx plus the deadline plus the short close grace; a hang would hit the harness's 60 s.
            assert.ok(result.seconds < 20, `exited after ${result.seconds} s`);
        });

        it("produce --json reports timedOut and still exits 3", async function () {
            const result = await timed(produceCli, [
                "--connection-string",
                connectionStringFor(silent.port, "send"),
                "--count",
                "3",
                "--timeout",
                "1",
                "--json",
            ]);
            assert.equal(result.code, 3, result.stderr);
            const report = JSON.parse(result.stdout) as { timedOut: boolean; sent: number; failed: number };
            assert.equal(report.timedOut, true);
            assert.equal(report.sent, 0);
            assert.ok(report.failed >= 1);
        });

        it("peek exits 3 saying the namespace never listed its partitions", async function () {
            const result = await timed(peekCli, [
                "--connection-string",
                connectionStringFor(silent.port, "listen"),
                "--timeout",
                "2",
            ]);
            assert.equal(result.code, 3, result.stderr);
            assert.equal(result.stdout, "");
            assert.match(
                result.stderr,
                new RegExp(
                    `error: timed out after 2 s \\(--timeout\\): sb://127\\.0\\.0\\.1:${silent.port}/weather did not ` +
                        "list its partitions; done so far: no partition list, no event read",
                ),
            );
            assert.ok(result.seconds < 20, `exited after ${result.seconds} s`);
        });
    });

    describe("against a port that refuses connections", function () {
        it("produce ends with a message naming the endpoint, without hanging", async function () {
            const port = await refusingPort();
            const result = await timed(produceCli, [
                "--connection-string",
                connectionStringFor(port, "send"),
                "--count",
                "5",
                "--timeout",
                "3",
            ]);
            // The SDK may give up on a refused connection by itself (exit 1) or keep retrying until the deadline (3).
            assert.ok(result.code === 1 || result.code === 3, `exit code ${result.code}: ${result.stderr}`);
            assert.match(result.stdout + result.stderr, new RegExp(`127\\.0\\.0\\.1`));
            assert.match(result.stdout, /^sent 0 of \d+ events/m);
            assert.ok(result.seconds < 20, `exited after ${result.seconds} s`);
        });

        it("peek ends with a message naming the endpoint, without hanging", async function () {
            const port = await refusingPort();
            const result = await timed(peekCli, [
                "--connection-string",
                connectionStringFor(port, "listen"),
                "--timeout",
                "3",
            ]);
            assert.ok(result.code === 1 || result.code === 3, `exit code ${result.code}: ${result.stderr}`);
            assert.match(result.stderr, /127\.0\.0\.1|ECONNREFUSED/);
            assert.ok(result.seconds < 20, `exited after ${result.seconds} s`);
        });
    });

    describe("against a hub that answers slowly", function () {
        let hub: FakeEventHubsServer;
        let proxy: SlowProxy;

        /** The fake hub behind a proxy that delivers every chunk `delayMs` late, both ways. */
        async function slowHub(delayMs: number): Promise<void> {
            proxy = new SlowProxy(hub.port, delayMs);
            await proxy.start();
            hub.reachedThrough(proxy.port);
        }

        beforeEach(async function () {
            hub = new FakeEventHubsServer({ partitionCount: 2 });
            await hub.start();
        });

        afterEach(async function () {
            await proxy.stop();
            await hub.stop();
        });

        it("produce sends everything when the slow answers fit in the timeout", async function () {
            await slowHub(50);
            const result = await timed(produceCli, [
                "--connection-string",
                hub.connectionString("send"),
                "--count",
                "20",
                "--rate",
                "max",
                "--timeout",
                "30",
            ]);
            assert.equal(result.code, 0, result.stderr);
            assert.equal(hub.allEvents().length, 20);
        });

        it("peek prints what arrived, then exits 3 when the deadline passes before --count or the idle timeout", async function () {
            hub.append("0", '{"location":"Oslo"}', "Oslo");
            hub.append("1", '{"location":"Lima"}', "Lima");
            await slowHub(50);
            const result = await timed(peekCli, [
                "--connection-string",
                hub.connectionString("listen"),
                "--count",
                "10",
                "--idle-timeout",
                "600",
                "--timeout",
                "6",
            ]);
            assert.equal(result.code, 3, result.stderr);
            assert.equal(result.stdout.trimEnd().split("\n").length, 2, result.stdout);
            assert.match(
                result.stderr,
                new RegExp(
                    `error: timed out after 6 s \\(--timeout\\): waiting for events from sb://127\\.0\\.0\\.1:${proxy.port}/weather; ` +
                        "done so far: 2 of 10 events printed, from 2 of 2 partitions",
                ),
            );
        });

        it("peek exits 3 when every answer comes later than the whole timeout", async function () {
            hub.append("0", '{"location":"Oslo"}', "Oslo");
            await slowHub(1500);
            const result = await timed(peekCli, [
                "--connection-string",
                hub.connectionString("listen"),
                "--timeout",
                "1",
            ]);
            assert.equal(result.code, 3, result.stderr);
            assert.equal(result.stdout, "");
            assert.match(result.stderr, /did not list its partitions; done so far: no partition list, no event read/);
            assert.ok(result.seconds < 20, `exited after ${result.seconds} s`);
        });
    });

    describe("bad --timeout values exit 2 naming the flag", function () {
        const io = () => ({
            stdout: new CapturedStream().asStream,
            stderr: new CapturedStream().asStream,
            env: {},
        });

        for (const value of ["0", "-5", "abc", "86401", ""]) {
            it(`--timeout=${value}`, async function () {
                const expected = /--timeout must be a number between 1 and 86400/;
                assert.throws(
                    () => parseProduceFlags(["--connection-string", "x", `--timeout=${value}`]),
                    (error: Error) => error instanceof UsageError && expected.test(error.message),
                );
                await assert.rejects(
                    peek(["--connection-string", "x", `--timeout=${value}`], io()),
                    (error: Error) => error instanceof UsageError && expected.test(error.message),
                );
            });
        }

        it("produce refuses a run planned to outlast the timeout, and --timeout with --out", function () {
            assert.throws(
                () => parseProduceFlags(["--count", "1000", "--rate", "10", "--timeout", "60"]),
                /planned to last 100 s \(--count 1000 at --rate 10\), longer than --timeout 60: give --timeout 160 or more/,
            );
            assert.throws(
                () => parseProduceFlags(["--duration", "300"]),
                /planned to last 300 s \(--duration\), longer than --timeout 120: give --timeout 360 or more/,
            );
            assert.equal(
                (parseProduceFlags(["--duration", "300", "--timeout", "400"]) as { timeoutSeconds: number })
                    .timeoutSeconds,
                400,
            );
            assert.throws(
                () => parseProduceFlags(["--out", "x.jsonl", "--timeout", "5"]),
                /--out writes a file and needs none/,
            );
        });

        it("defaults to 120 s", function () {
            assert.equal((parseProduceFlags([]) as { timeoutSeconds: number }).timeoutSeconds, 120);
        });
    });
});
