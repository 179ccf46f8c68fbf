// Bad input to produce and peek: each refused with exit 2 and a message naming the flag and what is allowed.
import assert from "node:assert/strict";
import path from "node:path";
import { parseProduceFlags } from "../../src/producer/produceCli";
import { peek } from "../../src/producer/peekCli";
import { UsageError } from "../../src/shared/cli";
import { redactSecrets } from "../../src/shared/redact";
import { CapturedStream, runCli } from "./helpers";

const produceScript = "src/producer/produceCli.ts";
const peekScript = "src/producer/peekCli.ts";
const secretKey = "U3VwZXJTZWNyZXRLZXlWYWx1ZTEyMzQ1Njc4OTA=";

function refused(argv: string[], pattern: RegExp): void {
    assert.throws(
        () => parseProduceFlags(argv),
        (error: unknown) => error instanceof UsageError && pattern.test(error.message),
        `${argv.join(" ")} should be refused with ${pattern}`,
    );
}

describe("producer: flags", function () {
    it("exits 2 on an unknown flag, naming it and the allowed flags", async function () {
        const result = await runCli(produceScript, ["--bogus", "1"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /Unknown option '--bogus'/);
        assert.match(result.stderr, /allowed flags: .*--rate.*--bad-ratio/);
    });

    it("exits 2 on a negative rate, saying what rates are allowed", async function () {
        const result = await runCli(produceScript, ["--rate=-5", "--out", "/dev/null"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /--rate must be a number between 0\.001 and 1000000, or "max" \(got -5\)/);
        refused(["--rate", "0"], /--rate must be a number between 0\.001 and 1000000/);
        refused(["--rate", "fast"], /--rate must be a number .* or "max" \(got "fast"\)/);
    });

    it("exits 2 on --count together with --duration", async function () {
        const result = await runCli(produceScript, ["--count", "5", "--duration", "3"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /--count and --duration are alternatives/);
    });

    it("refuses a bad ratio outside 0..1 or not a number", function () {
        refused(["--bad-ratio", "1.5"], /--bad-ratio must be a number between 0 and 1 \(got 1\.5\)/);
        refused(["--bad-ratio=-0.1"], /--bad-ratio must be a number between 0 and 1/);
        refused(["--bad-ratio", "half"], /--bad-ratio must be a number between 0 and 1 \(got "half"\)/);
        assert.equal((parseProduceFlags(["--bad-ratio", "1"]) as { badRatio: number }).badRatio, 1);
    });

    it("refuses counts, durations, seeds, locations, times and partitions out of their ranges", function () {
        refused(["--count", "0"], /--count must be an integer between 1 and 10000000/);
        refused(["--count", "2.5"], /--count must be an integer/);
        refused(["--duration", "0"], /--duration must be a number between 0\.001/);
        refused(["--seed=-1"], /--seed must be an integer between 0 and 4294967295/);
        refused(["--locations", "A,,B"], /--locations must be a comma-separated list of non-empty names/);
        refused(["--locations", "A,B,A"], /--locations lists "A" twice/);
        refused(["--start-time", "yesterday"], /--start-time must be an ISO 8601 time/);
        refused(["--out", "x.jsonl", "--partitions", "33"], /--partitions must be an integer between 1 and 32/);
        refused(["--partitions", "4"], /--partitions only applies with --out/);
        refused(["--concurrency", "0"], /--concurrency must be an integer between 1 and 64/);
        refused(["--out", "x.jsonl", "--stack", "dev"], /--out writes the events to a file instead of sending them/);
    });

    it("exits 2 on a malformed connection string, naming the flag and never printing the key", async function () {
        const noEntityPath = `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${secretKey}`;
        const result = await runCli(produceScript, ["--connection-string", noEntityPath, "--count", "1"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /--connection-string needs EntityPath=<hub>/);
        assert.ok(!(result.stdout + result.stderr).includes(secretKey));

        const garbage = await runCli(produceScript, ["--count", "1"], {
            LAKESTREAM_EVENTHUB_CONNECTION_STRING: "nonsense",
        });
        assert.equal(garbage.code, 2);
        assert.match(
            garbage.stderr,
            /environment variable LAKESTREAM_EVENTHUB_CONNECTION_STRING is not a connection string/,
        );

        const noKey = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;EntityPath=weather";
        const missingKey = await runCli(produceScript, ["--connection-string", noKey]);
        assert.equal(missingKey.code, 2);
        assert.match(missingKey.stderr, /--connection-string needs SharedAccessKeyName and SharedAccessKey/);
    });

    it("exits 2 with the ways to connect when none is given, and on --stack without the Pulumi CLI", async function () {
        const none = await runCli(produceScript, ["--count", "1"]);
        assert.equal(none.code, 2);
        assert.match(none.stderr, /no connection: give --stack NAME .*LAKESTREAM_EVENTHUB_CONNECTION_STRING/);
        const noPulumi = await runCli(produceScript, ["--stack", "dev", "--count", "1"], {
            // Only node's own directory: the tool runs, and "pulumi" cannot be found.
            PATH: path.dirname(process.execPath),
        });
        assert.equal(noPulumi.code, 2);
        assert.match(noPulumi.stderr, /--stack dev needs the Pulumi CLI/);
    });

    it("documents every flag and the environment variable in --help, and exits 0", async function () {
        const result = await runCli(produceScript, ["--help"]);
        assert.equal(result.code, 0);
        for (const flag of [
            "--stack",
            "--connection-string",
            "--rate",
            "--count",
            "--duration",
            "--locations",
            "--bad-ratio",
            "--seed",
            "--start-time",
            "--concurrency",
            "--max-retries",
            "--out",
            "--partitions",
            "--json",
            "--help",
            "LAKESTREAM_EVENTHUB_CONNECTION_STRING",
            "sendConnectionString",
        ]) {
            assert.ok(result.stdout.includes(flag), `--help does not mention ${flag}`);
        }
    });

    it("redacts keys and signatures in any message", function () {
        const text =
            `Endpoint=sb://x/;SharedAccessKeyName=send;SharedAccessKey=${secretKey};EntityPath=w and ` +
            `SharedAccessSignature sr=x&sig=abc%2Bdef&se=1&skn=send`;
        const redacted = redactSecrets(text);
        assert.ok(!redacted.includes(secretKey));
        assert.ok(!redacted.includes("abc%2Bdef"));
        assert.match(redacted, /SharedAccessKey=\*\*\*;EntityPath=w/);
    });
});

describe("peek: flags", function () {
    async function runPeek(argv: string[]): Promise<unknown> {
        const out = new CapturedStream();
        return peek(argv, { stdout: out.asStream, stderr: out.asStream, env: {} });
    }

    it("refuses --from other than start or latest, and counts and timeouts out of range", async function () {
        await assert.rejects(runPeek(["--from", "middle"]), /--from must be "start" or "latest" \(got "middle"\)/);
        await assert.rejects(runPeek(["--count", "0"]), /--count must be an integer between 1 and 100000/);
        await assert.rejects(runPeek(["--idle-timeout", "0"]), /--idle-timeout must be a number between 1 and 3600/);
        await assert.rejects(runPeek([]), /no connection: .*LAKESTREAM_EVENTHUB_LISTEN_CONNECTION_STRING/);
    });

    it("exits 2 on an unknown flag and 0 on --help, which names the consumer group and the output", async function () {
        const unknown = await runCli(peekScript, ["--partition", "0"]);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /Unknown option '--partition'/);
        const help = await runCli(peekScript, ["--help"]);
        assert.equal(help.code, 0);
        for (const text of ["--stack", "--connection-string", "--count", "--from", "--idle-timeout", "$Default"]) {
            assert.ok(help.stdout.includes(text), `--help does not mention ${text}`);
        }
        assert.ok(help.stdout.includes("listenConnectionString"));
    });
});
