// `npm run status -- --stack NAME [--json]`: one screen on whether a deployed pipeline is healthy.
import { type CommandLineFlags, numberFlag, runTool } from "../shared/cli";
import { Deadline, heartbeat, timeoutFlag, timeoutUsage } from "../shared/deadline";
import { resolveDatabricksAuth, resolveWorkspaceHost } from "./databricksAuth";
import { DatabricksClient } from "./databricksClient";
import { connectionStringReader, type EventHubsReader } from "./eventHubsReader";
import { redactSecrets } from "../shared/redact";
import { loadStackOutputs, stackOutputsFlags } from "./stackInputs";
import { collectStatus, formatStatus, statusExitCode, type StatusDatabricks } from "./status";

const usage = `usage: npm run status -- --stack NAME [--json] [--max-lag-minutes N] [--outputs-file FILE] [--timeout SECONDS]

Shows the streaming job's active run and tasks, the cluster and its auto-termination, each Event Hubs partition's
last enqueued event, the newest gold window per location (needs the stack's SQL warehouse), the lag between
them, and whether Unity Catalog can read and write the stack's external location (when the stack created one). A part that cannot be read says why; the others still show. Exit codes: 0 healthy or stopped, 1 otherwise,
2 bad flags or outputs, 3 the --timeout passed (the parts read until then are shown, the others say they timed out).

  --stack NAME            the Pulumi stack whose outputs name the job, cluster, hub and warehouse
  --outputs-file FILE     read the outputs from FILE (pulumi stack output --json --show-secrets) instead
  --json                  print one JSON document with every part and its error
  --max-lag-minutes N     lag above which a running pipeline is unhealthy (1-1440, default 15)
${timeoutUsage(26)}
  --help                  show this text

Databricks credential: DATABRICKS_TOKEN, else an Azure CLI login ("az login"). DATABRICKS_HOST overrides the
workspace URL. Event Hubs is read with the stack's Listen connection string.`;

const flagSpec = {
    ...stackOutputsFlags,
    json: { type: "boolean" },
    "max-lag-minutes": { type: "string" },
    timeout: { type: "string" },
} as const;

async function main(flags: CommandLineFlags<typeof flagSpec>): Promise<number> {
    const maxLagMinutes = numberFlag("max-lag-minutes", flags["max-lag-minutes"], { min: 1, max: 1440 }) ?? 15;
    const timeoutSeconds = timeoutFlag(flags.timeout);
    const { label, outputs } = await loadStackOutputs(flags);
    const auth = resolveDatabricksAuth();
    const deadline = new Deadline(timeoutSeconds);

    // Missing outputs make their parts unavailable instead of stopping the whole status.
    let databricks: StatusDatabricks | Error;
    let host = "the workspace";
    try {
        host = resolveWorkspaceHost(outputs, label);
        databricks = new DatabricksClient(host, auth, { signal: deadline.signal });
    } catch (error) {
        databricks = error as Error;
    }
    const namespace = /Endpoint=(sb:\/\/[^;]+)/i.exec(outputs.listenConnectionString ?? "")?.[1] ?? "Event Hubs";
    const eventHubs: EventHubsReader | Error = outputs.listenConnectionString
        ? connectionStringReader(outputs.listenConnectionString, deadline.signal)
        : new Error(`stack "${label}" has no output "listenConnectionString"; run "pulumi up" for that stack first`);

    const stopHeartbeat = heartbeat(process.stderr, deadline, () => `${host} and ${namespace}`);
    let report;
    try {
        report = await collectStatus({
            stack: label,
            outputs,
            databricks,
            eventHubs,
            now: new Date(),
            maxLagSeconds: Math.round(maxLagMinutes * 60),
            signal: deadline.signal,
            onProgress: (message) => process.stderr.write(`... ${message}\n`),
        });
    } finally {
        stopHeartbeat();
        deadline.dispose();
    }
    const text = flags.json ? JSON.stringify(report, null, 2) : formatStatus(report).join("\n");
    console.log(redactSecrets(text, [auth.knownSecret, outputs.listenConnectionString, outputs.sendConnectionString]));
    if (report.timedOut.length > 0) {
        const endpoints = report.timedOut.map((name) =>
            name === "eventHubs" ? `${namespace} (event hubs)` : `${host} (${name})`,
        );
        const read = ["job", "cluster", "eventHubs", "gold"].filter(
            (name) => !report.timedOut.includes(name) && report[name as "job"].error === null,
        );
        throw deadline.error(
            `no answer from ${endpoints.join(", ")}`,
            read.length > 0 ? `read ${read.join(", ")} (shown above)` : "no part could be read",
        );
    }
    return statusExitCode(report);
}

runTool(usage, flagSpec, main);
