// Feeds the local pipeline (real Spark + Delta) with `produce --out` and checks bronze and quarantine counts.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot, runCli } from "./helpers";

function runPipeline(input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["scripts/python.sh", "-m", "medallion.local", "--input", input, "--json"], {
            cwd: repoRoot,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        const timer = setTimeout(() => child.kill("SIGKILL"), 280_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

describe("producer: --out feeds the local pipeline", function () {
    // Spark starts in a JVM and runs three streaming layers: minutes, not seconds, on a small machine.
    this.timeout(300_000);
    let dir: string;

    before(function () {
        dir = mkdtempSync(path.join(tmpdir(), "lakestream-pipeline-"));
    });

    after(function () {
        rmSync(dir, { recursive: true, force: true });
    });

    it("lands every written event in bronze and exactly the malformed ones in quarantine", async function () {
        const file = path.join(dir, "events.jsonl");
        const written = await runCli("src/producer/produceCli.ts", [
            "--out",
            file,
            "--count",
            "80",
            "--bad-ratio",
            "0.3",
            "--seed",
            "31",
            "--start-time",
            "2026-01-01T10:00:00Z",
            "--rate",
            "5",
            "--json",
        ]);
        assert.equal(written.code, 0, written.stderr);
        const summary = JSON.parse(written.stdout) as { events: number; malformed: number };
        assert.equal(summary.events, 80);
        // The malformed count is checked against the file, not only the tool's own summary: a body is malformed
        // when it is not a JSON object or lacks a required field or has one out of range or of the wrong type.
        const bodies = readFileSync(file, "utf8")
            .trimEnd()
            .split("\n")
            .map((line) => (JSON.parse(line) as { body: string }).body);
        const isValid = (body: string): boolean => {
            try {
                const v = JSON.parse(body) as Record<string, unknown>;
                return (
                    typeof v === "object" &&
                    v !== null &&
                    !Array.isArray(v) &&
                    typeof v.location === "string" &&
                    typeof v.temperature === "number" &&
                    v.temperature >= -90 &&
                    v.temperature <= 60 &&
                    typeof v.humidity === "number" &&
                    v.humidity >= 0 &&
                    v.humidity <= 100 &&
                    typeof v.wind_speed === "number" &&
                    v.wind_speed >= 0
                );
            } catch {
                return false;
            }
        };
        const malformed = bodies.filter((body) => !isValid(body)).length;
        assert.equal(malformed, summary.malformed);
        assert.ok(malformed > 0 && malformed < 80);

        const result = await runPipeline(file);
        assert.equal(result.code, 0, result.stderr.slice(-2000));
        const counts = JSON.parse(result.stdout.trim().split("\n").pop() as string) as {
            bronze: number;
            silver: number;
            quarantine: number;
        };
        assert.equal(counts.bronze, 80);
        assert.equal(counts.quarantine, malformed);
        assert.equal(counts.silver, 80 - malformed);
    });
});
