// `npm run stop -- --stack NAME [--dry-run]`: stops the streaming job, its runs' compute, and the all-purpose cluster.
import { type CommandLineFlags, ExitCode, runTool, UsageError } from "../shared/cli";
import { Deadline, heartbeat, timeoutFlag, timeoutUsage } from "../shared/deadline";
import { CredentialError, resolveDatabricksAuth, resolveWorkspaceHost } from "./databricksAuth";
import { DatabricksClient } from "./databricksClient";
import { redactSecrets } from "../shared/redact";
import { loadStackOutputs, parseJobId, stackOutputsFlags } from "./stackInputs";
import { requireOutput } from "../shared/stackOutputs";
import { formatStopReport, stopFailed, stopPipeline } from "./stop";

const usage = `usage: npm run stop -- --stack NAME [--dry-run] [--outputs-file FILE] [--timeout SECONDS]

Pauses the stack's streaming job (its continuous trigger or its schedule) and cancels its active runs, which ends
their job clusters; terminates the stack's all-purpose cluster where it has one (lakestream:interactiveCluster).
Running it again when everything is stopped changes nothing.

  --stack NAME          the Pulumi stack whose outputs name the job, cluster and workspace
  --outputs-file FILE   read the outputs from FILE (pulumi stack output --json --show-secrets) instead
  --dry-run             show what would be done; make no change
${timeoutUsage(24)}
  --help                show this text

Each step is printed to stderr as it starts. Exit codes: 0 stopped (or nothing to stop), 1 a step failed, 2 bad
flags, outputs or credential, 3 the --timeout passed (the report lists what was done and what was not attempted).

Databricks credential: DATABRICKS_TOKEN, else an Azure CLI login ("az login"). DATABRICKS_HOST overrides the
workspace URL from the stack outputs.`;

const flagSpec = {
    ...stackOutputsFlags,
    "dry-run": { type: "boolean" },
    timeout: { type: "string" },
} as const;

async function main(flags: CommandLineFlags<typeof flagSpec>): Promise<number> {
    const timeoutSeconds = timeoutFlag(flags.timeout);
    const { label, outputs } = await loadStackOutputs(flags);
    const host = resolveWorkspaceHost(outputs, label);
    const target = {
        jobId: parseJobId(requireOutput(outputs, "jobId", label), label),
        // Only a stack with lakestream:interactiveCluster exports one.
        clusterId: outputs.clusterId || undefined,
    };
    const auth = resolveDatabricksAuth();
    const deadline = new Deadline(timeoutSeconds);
    let current = "an Azure CLI token";
    const stopHeartbeat = heartbeat(process.stderr, deadline, () => `${host}: ${current}`);
    try {
        try {
            // Asked once up front: without a credential every step would fail with the same message.
            await deadline.race(auth.getToken(), "the Azure CLI (az account get-access-token)");
        } catch (error) {
            throw error instanceof CredentialError ? new UsageError(error.message) : error;
        }
        const client = new DatabricksClient(host, auth, { signal: deadline.signal });
        const report = await stopPipeline(client, target, {
            dryRun: flags["dry-run"] ?? false,
            signal: deadline.signal,
            onStep: (step) => {
                current = step;
                process.stderr.write(`... ${step}\n`);
            },
        });
        const secrets = [auth.knownSecret, outputs.listenConnectionString, outputs.sendConnectionString];
        console.log(redactSecrets(formatStopReport(report, label, host).join("\n"), secrets));
        if (deadline.expired) {
            const done = report.actions.filter((action) => action.outcome === "done").map((action) => action.subject);
            throw deadline.error(
                `${host} did not answer in time (${report.notAttempted.length} step(s) not attempted)`,
                done.length > 0 ? done.join("; ") : "nothing changed",
            );
        }
        return stopFailed(report) ? ExitCode.failed : ExitCode.ok;
    } finally {
        stopHeartbeat();
        deadline.dispose();
    }
}

runTool(usage, flagSpec, main);
