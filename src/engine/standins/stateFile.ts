// The stand-ins' shared record of what exists: one JSON file per engine session, changed under a lock by each plugin process.
import {
    closeSync,
    existsSync,
    openSync,
    readFileSync,
    renameSync,
    statSync,
    unlinkSync,
    writeFileSync,
} from "node:fs";

/** A resource as the service holds it. */
export interface StoredResource {
    type: string;
    id: string;
    /** The inputs it was created or last updated with, as the engine sent them (secrets wrapped). */
    inputs: Record<string, unknown>;
    /** Its state as the provider returned it to the engine. */
    properties: Record<string, unknown>;
    /** For a workspace-level Databricks object: the id of the workspace it lives in. */
    workspaceId?: string;
}

export interface ServiceData {
    resources: StoredResource[];
    /** Workspace ids each ISOLATED catalog is bound to, by catalog name. */
    catalogBindings: Record<string, string[]>;
    /** How many times a resource of this type and name was created, for ids the service never hands out twice. */
    creations: Record<string, number>;
}

export function emptyData(): ServiceData {
    return { resources: [], catalogBindings: {}, creations: {} };
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Where the data lives: a file shared by the plugin processes of one engine session (the engine starts one process
 * per provider, so azure-native's and databricks' stand-ins run side by side), or memory when no file is given.
 */
export class StateFile {
    private memory: ServiceData = emptyData();

    constructor(private readonly file?: string) {}

    /** Reads, changes and writes the data as one step: other processes wait on a lock file meanwhile. */
    update<T>(change: (data: ServiceData) => T): T {
        if (this.file === undefined) {
            return change(this.memory);
        }
        const lock = `${this.file}.lock`;
        const release = acquire(lock);
        try {
            const data = existsSync(this.file)
                ? (JSON.parse(readFileSync(this.file, "utf8")) as ServiceData)
                : emptyData();
            const result = change(data);
            // Written aside and renamed, so that a reader never sees half a file.
            const partial = `${this.file}.${process.pid}.tmp`;
            writeFileSync(partial, JSON.stringify(data, null, 1));
            renameSync(partial, this.file);
            return result;
        } finally {
            release();
        }
    }

    read(): ServiceData {
        return this.update((data) => structuredClone(data));
    }
}

/** Takes the lock file (created exclusively), waiting for another holder; a lock older than 30 s is a dead process's. */
function acquire(lock: string): () => void {
    const started = Date.now();
    for (;;) {
        try {
            closeSync(openSync(lock, "wx"));
            return () => unlinkSync(lock);
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
                throw error;
            }
        }
        try {
            if (Date.now() - statSync(lock).mtimeMs > 30_000) {
                unlinkSync(lock);
                continue;
            }
        } catch {
            // Released between the two calls: try again.
        }
        if (Date.now() - started > 60_000) {
            throw new Error(`the stand-ins' state is locked by another process for over a minute: ${lock}`);
        }
        Atomics.wait(pause, 0, 0, 5);
    }
}
