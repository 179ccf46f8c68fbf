// Reads a deployed stack's outputs through the Pulumi CLI, for the tools that act on a running stack.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { UsageError } from "./cli";

const execFileAsync = promisify(execFile);

/** The stack outputs the operational tools rely on; `index.ts` exports them under these names. */
export interface LakestreamStackOutputs {
    resourceGroupName: string;
    eventHubsNamespace: string;
    eventHubsFullyQualifiedNamespace: string;
    eventHubName: string;
    sendConnectionString: string;
    listenConnectionString: string;
    workspaceUrl: string;
    /** Only on a stack with lakestream:interactiveCluster: true. */
    clusterId?: string;
    jobId: string;
    jobUrl: string;
    catalogName: string;
    checkpointVolumePath: string;
    /** The catalog's managed location, unless it uses the metastore's root storage. */
    catalogStorageRoot?: string;
    /** Only when the stack creates the catalog's storage chain. */
    storageAccountName?: string;
    storageResourceGroupName?: string;
    externalLocationName?: string;
    sqlWarehouseId?: string;
    /** The readers' and the owners' AI/BI dashboards; absent when lakestream:dashboard.enabled is false. */
    dashboardUrl?: string;
    ownerDashboardUrl?: string;
    powerBi: {
        host: string;
        httpPath: string;
        catalog: string;
        schema: string;
        table: string;
        pbids: string;
    };
}

/** Runs a command and returns its stdout; injectable so tests need no Pulumi CLI. */
export type CommandRunner = (command: string, args: string[]) => Promise<string>;

const runCommand: CommandRunner = async (command, args) => {
    const { stdout } = await execFileAsync(command, args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
};

/**
 * Returns the outputs of stack `stack` with secrets revealed (`pulumi stack output --json --show-secrets`).
 * The values are held in memory only; callers must never print the connection strings.
 */
export async function readStackOutputs(
    stack: string,
    run: CommandRunner = runCommand,
): Promise<Partial<LakestreamStackOutputs>> {
    let stdout: string;
    try {
        stdout = await run("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack]);
    } catch (error) {
        const err = error as NodeJS.ErrnoException & { stderr?: string };
        if (err.code === "ENOENT") {
            throw new UsageError(
                `--stack ${stack} needs the Pulumi CLI to read the stack outputs, and "pulumi" is not on PATH; ` +
                    "install it (https://www.pulumi.com/docs/install/), or see --help for passing the connection details or the outputs file instead",
            );
        }
        const detail = (err.stderr ?? err.message).trim().split("\n")[0];
        throw new UsageError(`could not read the outputs of stack "${stack}": ${detail}`);
    }
    try {
        return JSON.parse(stdout) as Partial<LakestreamStackOutputs>;
    } catch {
        throw new UsageError(`"pulumi stack output --json" for stack "${stack}" did not print JSON`);
    }
}

/** Returns output `name` of a stack, or a UsageError saying the stack has no such output and how to get it. */
export function requireOutput<K extends keyof LakestreamStackOutputs>(
    outputs: Partial<LakestreamStackOutputs>,
    name: K,
    stack: string,
): NonNullable<LakestreamStackOutputs[K]> {
    const value = outputs[name];
    if (value === undefined || value === null || value === "") {
        throw new UsageError(
            `stack "${stack}" has no output "${String(name)}"; run "pulumi up" for that stack first ` +
                `(outputs present: ${Object.keys(outputs).join(", ") || "none"})`,
        );
    }
    return value as NonNullable<LakestreamStackOutputs[K]>;
}
