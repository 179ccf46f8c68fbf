// Helpers shared by the producer and peek specs: captured output streams and a spawned CLI run.
import { spawn } from "node:child_process";
import path from "node:path";

/** A writable that keeps what is written, standing in for stdout / stderr of a tool run in-process. */
export class CapturedStream {
    text = "";
    readonly isTTY = false;

    write(chunk: string | Uint8Array): boolean {
        this.text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        return true;
    }

    get asStream(): NodeJS.WriteStream {
        return this as unknown as NodeJS.WriteStream;
    }
}

export const repoRoot = path.resolve(__dirname, "..", "..");

export interface CliResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs `tsx <script> ...args` from the repository root with `env` added, and waits (at most 60 s) for it. */
export function runCli(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
    return new Promise((resolve, reject) => {
        const child = spawn(tsx, [script, ...args], {
            cwd: repoRoot,
            env: { ...process.env, [sendEnv]: "", [listenEnv]: "", ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

// Spelled out here rather than imported, so that a renamed variable in the tools fails the tests.
const sendEnv = "LAKESTREAM_EVENTHUB_CONNECTION_STRING";
const listenEnv = "LAKESTREAM_EVENTHUB_LISTEN_CONNECTION_STRING";
