// A loopback HTTP server answering the Databricks REST endpoints the operational tools call, shaped as documented.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
    method: string;
    path: string;
    query: Record<string, string>;
    body: unknown;
    authorization: string | undefined;
}

export interface FakeRun {
    run_id: number;
    job_id: number;
    state: { life_cycle_state: string; result_state?: string; state_message?: string };
    start_time: number;
    run_page_url?: string;
    tasks: {
        task_key: string;
        run_id: number;
        state: { life_cycle_state: string; result_state?: string };
        cluster_instance?: { cluster_id: string; spark_context_id?: string };
    }[];
}

export interface FakeCluster {
    cluster_id: string;
    cluster_name: string;
    state: string;
    autotermination_minutes: number;
    start_time: number;
    last_activity_time?: number;
    terminated_time?: number;
    termination_reason?: { code: string; type: string };
}

export interface FakeStatementResult {
    columns: { name: string; type_name: string }[];
    rows: (string | null)[][];
}

/** A canned answer for one endpoint, e.g. a 403 for `GET /api/2.1/clusters/get`. */
export interface FakeFailure {
    status: number;
    body: unknown;
}

// runs/list?active_only=true lists runs in these states (Jobs API 2.1: PENDING, RUNNING, TERMINATING and the
// queued or blocked states that precede them).
const activeLifeCycleStates = new Set(["QUEUED", "PENDING", "RUNNING", "TERMINATING", "BLOCKED", "WAITING_FOR_RETRY"]);

/** The workspace the fake serves: one bearer token, some jobs, runs, clusters, warehouses and a gold table. */
export class FakeDatabricks {
    readonly requests: RecordedRequest[] = [];
    readonly failures = new Map<string, FakeFailure>();
    /**
     * Milliseconds to hold the answer of an endpoint, e.g. `POST /api/2.1/jobs/runs/cancel`: a slow workspace. The
     * call is carried out only when the answer is sent, and not at all if the client gave up before.
     */
    readonly delays = new Map<string, number>();
    readonly jobs = new Map<number, { job_id: number; settings: Record<string, unknown> }>();
    readonly runs: FakeRun[] = [];
    readonly clusters = new Map<string, FakeCluster>();
    readonly warehouses = new Set<string>();
    /**
     * External locations by name, with what validating them answers per operation (`FAIL` with a message, as Unity
     * Catalog reports a storage it cannot reach); a location not listed does not exist.
     */
    readonly externalLocations = new Map<string, { operation: string; result: string; message?: string }[]>();
    /** What every SQL statement returns. */
    statementResult: FakeStatementResult = { columns: [], rows: [] };
    /** How many GET polls a statement stays RUNNING before it SUCCEEDS; 0 answers the POST with the result. */
    statementPolls = 0;
    /** When set, statements end FAILED with this message. */
    statementFailure: string | undefined;

    private server: Server | undefined;
    private readonly statements = new Map<string, { remainingPolls: number }>();
    private nextStatement = 1;

    constructor(readonly token: string) {}

    async start(): Promise<string> {
        this.server = createServer((request, response) => {
            void this.handle(request, response);
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    async close(): Promise<void> {
        if (this.server) {
            this.server.closeAllConnections();
            await new Promise<void>((resolve) => this.server!.close(() => resolve()));
        }
    }

    /** Requests that change something: what `--dry-run` must never send. */
    mutatingRequests(): RecordedRequest[] {
        return this.requests.filter(
            (request) => request.method === "POST" && request.path !== "/api/2.0/sql/statements",
        );
    }

    private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
        const url = new URL(request.url ?? "/", "http://127.0.0.1");
        const chunks: Buffer[] = [];
        for await (const chunk of request) {
            chunks.push(chunk as Buffer);
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        let body: unknown = undefined;
        if (raw !== "") {
            try {
                body = JSON.parse(raw);
            } catch {
                return send(response, 400, {
                    error_code: "MALFORMED_REQUEST",
                    message: "Invalid JSON given in the body of the request",
                });
            }
        }
        const method = request.method ?? "GET";
        this.requests.push({
            method,
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            body,
            authorization: request.headers.authorization,
        });
        if (request.headers.authorization !== `Bearer ${this.token}`) {
            return send(response, 401, {
                error_code: "UNAUTHENTICATED",
                message: "Credential was not sent or was of an unsupported type for this API.",
            });
        }
        const delayMs = this.delays.get(`${method} ${url.pathname}`);
        if (delayMs !== undefined) {
            await new Promise((resolve) => setTimeout(resolve, delayMs));
            if (response.socket === null || response.socket.destroyed) {
                return;
            }
        }
        const failure = this.failures.get(`${method} ${url.pathname}`);
        if (failure) {
            return send(response, failure.status, failure.body);
        }
        const [status, answer] = this.route(method, url, (body ?? {}) as Record<string, unknown>);
        send(response, status, answer);
    }

    private route(method: string, url: URL, body: Record<string, unknown>): [number, unknown] {
        const key = `${method} ${url.pathname}`;
        const query = url.searchParams;
        switch (key) {
            case "GET /api/2.1/jobs/get": {
                const job = this.jobs.get(Number(query.get("job_id")));
                return job ? [200, job] : notFound(`Job ${query.get("job_id")} does not exist.`);
            }
            case "GET /api/2.1/jobs/runs/list": {
                const jobId = Number(query.get("job_id"));
                const activeOnly = query.get("active_only") === "true";
                const runs = this.runs
                    .filter((run) => run.job_id === jobId)
                    .filter((run) => !activeOnly || activeLifeCycleStates.has(run.state.life_cycle_state))
                    // Without expand_tasks the list carries no task details, as in the real API.
                    .map((run) => (query.get("expand_tasks") === "true" ? run : { ...run, tasks: undefined }));
                // The real API leaves `runs` out when there are none.
                return [200, runs.length > 0 ? { runs, has_more: false } : { has_more: false }];
            }
            case "GET /api/2.1/jobs/runs/get": {
                const run = this.runs.find((candidate) => candidate.run_id === Number(query.get("run_id")));
                return run ? [200, run] : notFound(`Run ${query.get("run_id")} does not exist.`);
            }
            case "POST /api/2.1/jobs/runs/cancel": {
                const run = this.runs.find((candidate) => candidate.run_id === body.run_id);
                if (typeof body.run_id !== "number" || !run) {
                    return notFound(`Run ${String(body.run_id)} does not exist.`);
                }
                // The real cancel is asynchronous; the fake completes it at once.
                run.state = { life_cycle_state: "TERMINATED", result_state: "CANCELED" };
                for (const task of run.tasks) {
                    task.state = { life_cycle_state: "TERMINATED", result_state: "CANCELED" };
                    // A job cluster (named job-<job>-run-<run> by Databricks) ends with its run.
                    const cluster = this.clusters.get(task.cluster_instance?.cluster_id ?? "");
                    if (cluster && cluster.cluster_name.startsWith(`job-${run.job_id}-run-`)) {
                        cluster.state = "TERMINATED";
                    }
                }
                return [200, {}];
            }
            case "POST /api/2.1/jobs/update": {
                const job = this.jobs.get(body.job_id as number);
                if (typeof body.job_id !== "number" || !job) {
                    return notFound(`Job ${String(body.job_id)} does not exist.`);
                }
                // Top-level fields of new_settings replace the old ones whole.
                Object.assign(job.settings, body.new_settings as Record<string, unknown>);
                return [200, {}];
            }
            case "POST /api/2.1/unity-catalog/validate-storage-credentials": {
                // Either a credential name or a cloud credential, and a location or a URL (Unity Catalog API).
                if (typeof body.storage_credential_name !== "string") {
                    return [400, { error_code: "INVALID_PARAMETER_VALUE", message: "Credential must be specified." }];
                }
                const name = String(body.external_location_name);
                const results = this.externalLocations.get(name);
                return results
                    ? [200, { is_dir: true, results }]
                    : notFound(`External Location '${name}' does not exist.`);
            }
            case "GET /api/2.1/clusters/get": {
                const cluster = this.clusters.get(query.get("cluster_id") ?? "");
                return cluster
                    ? [200, cluster]
                    : [
                          400,
                          {
                              error_code: "INVALID_PARAMETER_VALUE",
                              message: `Cluster ${query.get("cluster_id")} does not exist`,
                          },
                      ];
            }
            case "POST /api/2.1/clusters/delete": {
                const cluster = this.clusters.get(body.cluster_id as string);
                if (!cluster) {
                    return [
                        400,
                        {
                            error_code: "INVALID_PARAMETER_VALUE",
                            message: `Cluster ${String(body.cluster_id)} does not exist`,
                        },
                    ];
                }
                if (cluster.state !== "TERMINATED") {
                    cluster.state = "TERMINATED";
                    cluster.terminated_time = Date.now();
                    cluster.termination_reason = { code: "USER_REQUEST", type: "SUCCESS" };
                }
                return [200, {}];
            }
            case "POST /api/2.0/sql/statements": {
                if (!this.warehouses.has(body.warehouse_id as string)) {
                    return notFound(`Warehouse ${String(body.warehouse_id)} does not exist.`);
                }
                const id = `01ef-statement-${this.nextStatement++}`;
                this.statements.set(id, { remainingPolls: this.statementPolls });
                return [200, this.statementResponse(id)];
            }
            default: {
                const match = /^\/api\/2\.0\/sql\/statements\/([^/]+)$/.exec(url.pathname);
                if (method === "GET" && match && this.statements.has(match[1])) {
                    const statement = this.statements.get(match[1])!;
                    statement.remainingPolls = Math.max(0, statement.remainingPolls - 1);
                    return [200, this.statementResponse(match[1])];
                }
                return [404, { error_code: "ENDPOINT_NOT_FOUND", message: `No API found for '${key}'` }];
            }
        }
    }

    private statementResponse(id: string): unknown {
        const statement = this.statements.get(id)!;
        if (statement.remainingPolls > 0) {
            return { statement_id: id, status: { state: "RUNNING" } };
        }
        if (this.statementFailure) {
            return {
                statement_id: id,
                status: { state: "FAILED", error: { error_code: "BAD_REQUEST", message: this.statementFailure } },
            };
        }
        const { columns, rows } = this.statementResult;
        return {
            statement_id: id,
            status: { state: "SUCCEEDED" },
            manifest: {
                format: "JSON_ARRAY",
                schema: {
                    column_count: columns.length,
                    columns: columns.map((column, position) => ({ ...column, type_text: column.type_name, position })),
                },
                total_chunk_count: 1,
                total_row_count: rows.length,
                truncated: false,
            },
            result: { chunk_index: 0, row_offset: 0, row_count: rows.length, data_array: rows },
        };
    }
}

function notFound(message: string): [number, unknown] {
    return [404, { error_code: "RESOURCE_DOES_NOT_EXIST", message }];
}

function send(response: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    response.end(text);
}
