// `npm run status -- --stack NAME [--json]`: one screen on whether a deployed pipeline is healthy.
import { ExitCode, numberFlag, parseFlags, runMain } from "../shared/cli";
import { resolveDatabricksAuth, resolveWorkspaceHost } from "./databricksAuth";
import { DatabricksClient } from "./databricksClient";
import { connectionStringReader, type EventHubsReader } from "./eventHubsReader";
import { redactSecrets } from "./redact";
import { loadStackOutputs } from "./stackInputs";
import { collectStatus, formatStatus, statusExitCode, type StatusDatabricks } from "./status";

const usage = `usage: npm run status -- --stack NAME [--json] [--max-lag-minutes N] [--outputs-file FILE]

Shows the streaming job's active run and tasks, the cluster and its auto-termination, each Event Hubs partition's
last enqueued event, the newest gold window per location (needs the stack's SQL warehouse) and the lag between
them. A part that cannot be read says why; the others still show. Exit code 0 when healthy or stopped, 1 otherwise.

  --stack NAME            the Pulumi stack whose outputs name the job, cluster, hub and warehouse
  --outputs-file FILE     read the outputs from FILE (pulumi stack output --json --show-secrets) instead
  --json                  print one JSON document with every part and its error
  --max-lag-minutes N     lag above which a running pipeline is unhealthy (1-1440, default 15)
  --help                  show this text

Databricks credential: DATABRICKS_TOKEN, else an Azure CLI login ("az login"). DATABRICKS_HOST overrides the
workspace URL. Event Hubs is read with the stack's Listen connection string.`;

async function main(): Promise<number> {
    const flags = parseFlags(
        process.argv.slice(2),
        {
            stack: { type: "string" },
            "outputs-file": { type: "string" },
            json: { type: "boolean" },
            "max-lag-minutes": { type: "string" },
            help: { type: "boolean" },
        },
        usage,
    );
    if (flags.help) {
        console.log(usage);
        return ExitCode.ok;
    }
    const maxLagMinutes = numberFlag("max-lag-minutes", flags["max-lag-minutes"], { min: 1, max: 1440 }) ?? 15;
    const { label, outputs } = await loadStackOutputs(flags);
    const auth = resolveDatabricksAuth();

    // Missing outputs make their parts unavailable instead of stopping the whole status.
    let databricks: StatusDatabricks | Error;
    try {
        databricks = new DatabricksClient(resolveWorkspaceHost(outputs, label), auth);
    } catch (error) {
        databricks = error as Error;
    }
    const eventHubs: EventHubsReader | Error = outputs.listenConnectionString
        ? connectionStringReader(outputs.listenConnectionString)
        : new Error(`stack "${label}" has no output "listenConnectionString"; run "pulumi up" for that stack first`);

    const report = await collectStatus({
        stack: label,
        outputs,
        databricks,
        eventHubs,
        now: new Date(),
        maxLagSeconds: Math.round(maxLagMinutes * 60),
    });
    const text = flags.json ? JSON.stringify(report, null, 2) : formatStatus(report).join("\n");
    console.log(redactSecrets(text, [auth.knownSecret, outputs.listenConnectionString, outputs.sendConnectionString]));
    return statusExitCode(report);
}

runMain(main);
