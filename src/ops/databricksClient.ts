// A small client for the Databricks REST endpoints the operational tools call: Jobs 2.1, Clusters 2.1, SQL statements.
import type { DatabricksAuth } from "./databricksAuth";

/** Job settings fields the tools read (Jobs API 2.1 `JobSettings`). */
export interface JobSettings {
    name?: string;
    continuous?: { pause_status?: "PAUSED" | "UNPAUSED"; [field: string]: unknown };
    schedule?: { quartz_cron_expression?: string; timezone_id?: string; pause_status?: "PAUSED" | "UNPAUSED" };
    max_concurrent_runs?: number;
    timeout_seconds?: number;
}

export interface Job {
    job_id: number;
    settings?: JobSettings;
}

/** Jobs API 2.1 `RunState`. */
export interface RunState {
    life_cycle_state?: string;
    result_state?: string;
    state_message?: string;
}

export interface RunTask {
    task_key: string;
    run_id?: number;
    state?: RunState;
    start_time?: number;
    /** The cluster the task runs on, once it has one (a job cluster, or an existing all-purpose cluster). */
    cluster_instance?: { cluster_id?: string; spark_context_id?: string };
}

export interface Run {
    run_id: number;
    job_id?: number;
    state?: RunState;
    tasks?: RunTask[];
    start_time?: number;
    run_page_url?: string;
}

/** Clusters API `ClusterDetails`, the fields the tools read. */
export interface ClusterDetails {
    cluster_id: string;
    cluster_name?: string;
    state?: string;
    state_message?: string;
    autotermination_minutes?: number;
    start_time?: number;
    last_activity_time?: number;
    terminated_time?: number;
    termination_reason?: { code?: string; type?: string };
}

/** SQL Statement Execution API `StatementResponse`. */
export interface StatementResponse {
    statement_id: string;
    status?: { state?: string; error?: { error_code?: string; message?: string } };
    manifest?: { schema?: { columns?: { name: string; position?: number; type_name?: string }[] } };
    result?: { data_array?: (string | null)[][] };
}

/** Unity Catalog `ValidateStorageCredentialResponse`: one result per operation tried on the storage. */
export interface StorageValidation {
    is_dir?: boolean;
    results?: { operation?: string; result?: "PASS" | "FAIL" | "SKIP" | string; message?: string }[];
}

/** A call that reached the workspace and was refused, or did not reach it. The message names the call. */
export class DatabricksApiError extends Error {
    constructor(
        message: string,
        readonly status?: number,
        readonly errorCode?: string,
    ) {
        super(message);
        this.name = "DatabricksApiError";
    }
}

type Fetch = typeof fetch;

export interface DatabricksClientOptions {
    /** Replaces the global fetch, for tests. Defaults to `fetch`. */
    fetch?: Fetch;
    /** Per-request time limit in milliseconds. Defaults to 60000 (a SQL call may wait 30 s on the server). */
    timeoutMs?: number;
    /** The tool's deadline: when it aborts, every request in flight or to come fails at once. */
    signal?: AbortSignal;
}

/** Calls one workspace with one credential; every method is one documented REST call. */
export class DatabricksClient {
    private readonly fetchImpl: Fetch;
    private readonly timeoutMs: number;
    private readonly signal: AbortSignal | undefined;

    constructor(
        readonly host: string,
        private readonly auth: DatabricksAuth,
        options: DatabricksClientOptions = {},
    ) {
        this.fetchImpl = options.fetch ?? fetch;
        this.timeoutMs = options.timeoutMs ?? 60_000;
        this.signal = options.signal;
    }

    /** GET /api/2.1/jobs/get */
    getJob(jobId: number): Promise<Job> {
        return this.request<Job>("GET", "/api/2.1/jobs/get", { query: { job_id: String(jobId) } });
    }

    /** GET /api/2.1/jobs/runs/list?active_only=true, every page (bounded: a job allows few concurrent runs). */
    async listActiveRuns(jobId: number): Promise<Run[]> {
        const runs: Run[] = [];
        let pageToken: string | undefined;
        for (let page = 0; page < 20; page++) {
            const query: Record<string, string> = { job_id: String(jobId), active_only: "true", limit: "25" };
            if (pageToken) {
                query.page_token = pageToken;
            }
            const response = await this.request<{ runs?: Run[]; has_more?: boolean; next_page_token?: string }>(
                "GET",
                "/api/2.1/jobs/runs/list",
                { query },
            );
            runs.push(...(response.runs ?? []));
            if (!response.has_more || !response.next_page_token) {
                break;
            }
            pageToken = response.next_page_token;
        }
        return runs;
    }

    /** GET /api/2.1/jobs/runs/get: the run with its tasks. */
    getRun(runId: number): Promise<Run> {
        return this.request<Run>("GET", "/api/2.1/jobs/runs/get", { query: { run_id: String(runId) } });
    }

    /** POST /api/2.1/jobs/runs/cancel: asynchronous, the run goes through TERMINATING. */
    async cancelRun(runId: number): Promise<void> {
        await this.request("POST", "/api/2.1/jobs/runs/cancel", { body: { run_id: runId } });
    }

    /** POST /api/2.1/jobs/update: replaces the top-level settings fields given, leaves the others. */
    async updateJob(jobId: number, newSettings: JobSettings): Promise<void> {
        await this.request("POST", "/api/2.1/jobs/update", { body: { job_id: jobId, new_settings: newSettings } });
    }

    /** GET /api/2.1/clusters/get */
    getCluster(clusterId: string): Promise<ClusterDetails> {
        return this.request<ClusterDetails>("GET", "/api/2.1/clusters/get", { query: { cluster_id: clusterId } });
    }

    /** POST /api/2.1/clusters/delete: terminates the cluster; its configuration stays and it can be started again. */
    async terminateCluster(clusterId: string): Promise<void> {
        await this.request("POST", "/api/2.1/clusters/delete", { body: { cluster_id: clusterId } });
    }

    /** POST /api/2.0/sql/statements: runs `statement` on a warehouse, waiting up to `waitTimeout` on the server. */
    executeStatement(warehouseId: string, statement: string, waitTimeout = "30s"): Promise<StatementResponse> {
        return this.request<StatementResponse>("POST", "/api/2.0/sql/statements", {
            body: {
                warehouse_id: warehouseId,
                statement,
                wait_timeout: waitTimeout,
                on_wait_timeout: "CONTINUE",
                format: "JSON_ARRAY",
                disposition: "INLINE",
            },
        });
    }

    /**
     * POST /api/2.1/unity-catalog/validate-storage-credentials: Unity Catalog tries to read, list, write and delete
     * under the external location with the credential, and says per operation whether it could. Changes nothing in
     * the metastore; the caller must own the credential, be a metastore admin or hold CREATE EXTERNAL LOCATION.
     */
    validateStorageCredential(credentialName: string, externalLocationName: string): Promise<StorageValidation> {
        return this.request<StorageValidation>("POST", "/api/2.1/unity-catalog/validate-storage-credentials", {
            body: { storage_credential_name: credentialName, external_location_name: externalLocationName },
        });
    }

    /** GET /api/2.0/sql/statements/{statement_id} */
    getStatement(statementId: string): Promise<StatementResponse> {
        return this.request<StatementResponse>("GET", `/api/2.0/sql/statements/${encodeURIComponent(statementId)}`);
    }

    /** POST /api/2.0/sql/statements/{statement_id}/cancel */
    async cancelStatement(statementId: string): Promise<void> {
        await this.request("POST", `/api/2.0/sql/statements/${encodeURIComponent(statementId)}/cancel`, { body: {} });
    }

    private async request<T = unknown>(
        method: "GET" | "POST",
        path: string,
        { query, body }: { query?: Record<string, string>; body?: unknown } = {},
    ): Promise<T> {
        const call = `${method} ${path}`;
        // A credential error is not an API error: let it through with its own advice.
        const token = await this.auth.getToken();
        const url = new URL(path, this.host);
        for (const [name, value] of Object.entries(query ?? {})) {
            url.searchParams.set(name, value);
        }
        if (this.signal?.aborted) {
            throw new DatabricksApiError(`${call}: not sent, the deadline (--timeout) had passed`);
        }
        const signal = this.signal
            ? AbortSignal.any([this.signal, AbortSignal.timeout(this.timeoutMs)])
            : AbortSignal.timeout(this.timeoutMs);
        let response: Response;
        let text: string;
        try {
            response = await this.fetchImpl(url, {
                method,
                headers: {
                    Authorization: `Bearer ${token}`,
                    Accept: "application/json",
                    ...(body === undefined ? {} : { "Content-Type": "application/json" }),
                },
                body: body === undefined ? undefined : JSON.stringify(body),
                signal,
            });
            // The body is read under the same signal: a server that sends headers and then stalls is caught too.
            text = await response.text();
        } catch (error) {
            if (this.signal?.aborted) {
                throw new DatabricksApiError(`${call}: ${this.host} did not answer before the deadline (--timeout)`);
            }
            if (signal.aborted) {
                throw new DatabricksApiError(`${call}: ${this.host} did not answer within ${this.timeoutMs / 1000} s`);
            }
            const cause = (error as { cause?: { code?: string; message?: string } }).cause;
            const detail = cause?.code ?? cause?.message ?? (error as Error).message;
            throw new DatabricksApiError(`${call}: cannot reach ${this.host} (${detail})`);
        }
        if (!response.ok) {
            throw this.apiError(call, response.status, text);
        }
        if (text.trim() === "") {
            return {} as T;
        }
        try {
            return JSON.parse(text) as T;
        } catch {
            throw new DatabricksApiError(
                `${call}: HTTP ${response.status} with a body that is not JSON`,
                response.status,
            );
        }
    }

    private apiError(call: string, status: number, text: string): DatabricksApiError {
        let errorCode: string | undefined;
        let message: string | undefined;
        try {
            const parsed = JSON.parse(text) as { error_code?: string; message?: string };
            errorCode = parsed.error_code;
            message = parsed.message;
        } catch {
            message = text.trim().slice(0, 200) || undefined;
        }
        const parts = [`${call}: HTTP ${status}`, errorCode, message].filter((part) => part);
        let hint = "";
        if (status === 401) {
            hint = ` (the ${this.auth.description} was not accepted by ${this.host}; check it is for this workspace)`;
        } else if (status === 403) {
            hint = ` (the ${this.auth.description} is valid but lacks the permission for this call)`;
        }
        return new DatabricksApiError(parts.join(" ") + hint, status, errorCode);
    }
}
