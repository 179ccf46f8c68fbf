// Starts a provider stand-in process and talks to it over the engine's ResourceProvider protocol, as the engine does.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";

const standinMain = path.join(__dirname, "..", "..", "src", "engine", "standins", "main.ts");

/** The environment of this process without the variables `pattern` matches (cloud credentials, say). */
export function envWithout(pattern: RegExp): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([key]) => !pattern.test(key)));
}

/** A stand-in plugin process for `provider`; `port` settles with the port it prints, or fails with its exit. */
export function startStandin(
    provider: string,
    env: NodeJS.ProcessEnv,
): { child: ChildProcessWithoutNullStreams; port: Promise<number> } {
    const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), standinMain, provider], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    const port = new Promise<number>((resolve, reject) => {
        child.stdout.on("data", () => {
            const line = /^(\d+)\n/.exec(stdout);
            if (line) {
                resolve(Number(line[1]));
            }
        });
        child.on("exit", (code) => reject(Object.assign(new Error(`exited ${code}`), { code, stderr })));
    });
    return { child, port };
}

type Unary<Request, Response> = (request: Request, done: (error: Error | null, response: Response) => void) => void;

/** A ResourceProvider client on the stand-in's port: `call("create", request)` resolves with the response. */
export function providerClient(port: number): {
    call: <Request, Response>(method: string, request: Request) => Promise<Response>;
    close: () => void;
} {
    const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = <Request, Response>(method: string, request: Request) =>
        new Promise<Response>((resolve, reject) =>
            (client as unknown as Record<string, Unary<Request, Response>>)[method](request, (error, response) =>
                error ? reject(error) : resolve(response),
            ),
        );
    return { call, close: () => client.close() };
}
