// Invalid stack files through the plan, as every tool that reads a stack file reads it: the exact messages printed.
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { readStackSettings, runPlan } from "../../src/plan/runPlan";
import { UsageError } from "../../src/shared/cli";
import { invalidStacks, stackConfigOf } from "./invalidStacks";

/** The lines each invalid stack's error message has; undefined where the stack plans. */
const expectedLines: Record<string, string[] | undefined> = {
    "auto-stop": [
        'invalid configuration for stack "auto-stop" (1 problem):',
        "  - lakestream:powerBi.sqlWarehouse.autoStopMinutes must be 0 (never stop) or at least 10: the SQL warehouses API refuses 1 to 9 (got 5)",
    ],
    "bad-boolean": [
        'invalid configuration for stack "bad-boolean" (1 problem):',
        '  - lakestream:ephemeral must be a boolean (got "yes")',
    ],
    "bad-enum": [
        'invalid configuration for stack "bad-enum" (1 problem):',
        '  - lakestream:eventHubs.sku must be one of "Basic", "Standard", "Premium" (got "Gold")',
    ],
    "bad-runtime": [
        'invalid configuration for stack "bad-runtime" (1 problem):',
        '  - lakestream:cluster.sparkVersion must be one of "14.3.x-scala2.12", "15.4.x-scala2.12", "16.4.x-scala2.12" (got "13.3.x-scala2.12")',
    ],
    "continuous-with-retries": [
        'invalid configuration for stack "continuous-with-retries" (3 problems):',
        "  - lakestream:job.triggerSeconds must be an integer between 1 and 300 (got 400)",
        "  - lakestream:job.maxRetries is not allowed with mode continuous: Databricks retries continuous jobs itself (got 1)",
        "  - lakestream:job.timeoutSeconds is not allowed with mode continuous: a continuous run is meant to run; its health rules and failure notifications watch it (got 1800)",
    ],
    "foreign-namespace": [
        'invalid configuration for stack "foreign-namespace" (1 problem):',
        '  - lakestraem:owner is not a known setting: "lakestraem" is not a config namespace of this project (lakestream, azure-native, databricks, pulumi); did you mean lakestream:owner? (allowed: azure-native:location, lakestream:owner, lakestream:environment, lakestream:ephemeral, lakestream:adoptData, azure-native:subscriptionId, lakestream:resourceGroupName, lakestream:eventHubs, lakestream:databricks, lakestream:catalog, lakestream:cluster, lakestream:interactiveCluster, lakestream:job, lakestream:powerBi, lakestream:dashboard, lakestream:runAs, lakestream:readers, lakestream:cost)',
    ],
    "missing-section": [
        'invalid configuration for stack "missing-section" (1 problem):',
        "  - lakestream:cluster is required (declared in Pulumi.yaml without a default): Pulumi.missing-section.yaml must set it",
    ],
    "misspelt-section": [
        'invalid configuration for stack "misspelt-section" (2 problems):',
        "  - lakestream:eventhub is not a known setting; did you mean lakestream:eventHubs? (allowed: azure-native:location, lakestream:owner, lakestream:environment, lakestream:ephemeral, lakestream:adoptData, azure-native:subscriptionId, lakestream:resourceGroupName, lakestream:eventHubs, lakestream:databricks, lakestream:catalog, lakestream:cluster, lakestream:interactiveCluster, lakestream:job, lakestream:powerBi, lakestream:dashboard, lakestream:runAs, lakestream:readers, lakestream:cost)",
        "  - lakestream:eventHubs is required (declared in Pulumi.yaml without a default): Pulumi.misspelt-section.yaml must set it",
    ],
    "notify-not-email": [
        'invalid configuration for stack "notify-not-email" (2 problems):',
        '  - lakestream:job.notify[0] must be an e-mail address such as data-platform@example.com (got "ops")',
        "  - lakestream:cost.runMinutes must be a number between 1 and 1440 (got -1)",
    ],
    "out-of-range": [
        'invalid configuration for stack "out-of-range" (1 problem):',
        "  - lakestream:eventHubs.partitionCount must be an integer between 1 and 32 (got 64)",
    ],
    "readers-twice": [
        'invalid configuration for stack "readers-twice" (2 problems):',
        '  - lakestream:readers[0] is a workspace-local system group; list account-level groups (grants need them) (got "users")',
        '  - lakestream:readers[2] is listed twice (got "Analysts")',
    ],
    "replaced-setting": [
        'invalid configuration for stack "replaced-setting" (1 problem):',
        "  - lakestream:cluster.singleUserName was replaced by lakestream:runAs ({servicePrincipal: <application id>} or {user: <user name>}), the one identity the job and its compute run as",
    ],
    "retention-on-basic": [
        'invalid configuration for stack "retention-on-basic" (1 problem):',
        "  - lakestream:eventHubs.retentionHours must be at most 24 on the Basic tier (got 48)",
    ],
    "run-as-both": [
        'invalid configuration for stack "run-as-both" (2 problems):',
        '  - lakestream:runAs.servicePrincipal must be the service principal\'s application id, a GUID such as 8d23ae77-912e-4a19-81e4-b9c3f5cc9349 (got "x")',
        '  - lakestream:runAs must name one identity: {servicePrincipal: <application id>} (recommended), {user: <user name>}, or {} for the identity that deploys (got {"user":"a@example.com","servicePrincipal":"x"})',
    ],
    "schedule-hour": [
        'invalid configuration for stack "schedule-hour" (1 problem):',
        '  - lakestream:job.schedule must be a Quartz cron expression such as "0 0/15 * * * ?": hours value "25" must be 0-23 (got "0 0 25 * * *")',
    ],
    "schedule-shape": [
        'invalid configuration for stack "schedule-shape" (1 problem):',
        '  - lakestream:job.schedule must be a Quartz cron expression such as "0 0/15 * * * ?": must have 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]) (got "every 15 minutes")',
    ],
    "storage-twice": [
        'invalid configuration for stack "storage-twice" (3 problems):',
        '  - lakestream:catalog.storageAccountName must be 3-24 lower-case letters and digits (got "Bad_Name")',
        '  - lakestream:catalog.externalLocation and catalog.storageRoot are exclusive: name one existing location, or neither to create the storage (got "loc")',
        '  - lakestream:catalog.storageAccountName names the storage account the stack creates, which it does not do with catalog.storageRoot (got "Bad_Name")',
    ],
    "unknown-nested-key": [
        'invalid configuration for stack "unknown-nested-key" (1 problem):',
        "  - lakestream:eventHubs.partitonCount is not a known setting; did you mean lakestream:eventHubs.partitionCount? (allowed: sku, throughputUnits, partitionCount, retentionHours, hubName, autoInflate, maximumThroughputUnits, consumerGroup)",
    ],
    "unknown-top-key": [
        'invalid configuration for stack "unknown-top-key" (1 problem):',
        "  - lakestream:jobs is not a known setting; did you mean lakestream:job? (allowed: azure-native:location, lakestream:owner, lakestream:environment, lakestream:ephemeral, lakestream:adoptData, azure-native:subscriptionId, lakestream:resourceGroupName, lakestream:eventHubs, lakestream:databricks, lakestream:catalog, lakestream:cluster, lakestream:interactiveCluster, lakestream:job, lakestream:powerBi, lakestream:dashboard, lakestream:runAs, lakestream:readers, lakestream:cost)",
    ],
    "workers-and-autoscale": [
        'invalid configuration for stack "workers-and-autoscale" (2 problems):',
        '  - lakestream:cluster.autoscale and cluster.workers are exclusive: give a fixed worker count or an autoscale range (got {"minWorkers":4,"maxWorkers":2})',
        "  - lakestream:cluster.autoscale.maxWorkers must be at least minWorkers (4) (got 2)",
    ],
    "wrong-type": [
        'invalid configuration for stack "wrong-type" (1 problem):',
        '  - lakestream:eventHubs.throughputUnits must be an integer between 1 and 40 (got "two")',
    ],
};

describe("invalid stack files", function () {
    const folder = mkdtempSync(path.join(tmpdir(), "invalid-stacks-"));

    for (const invalid of invalidStacks) {
        const expected = expectedLines[invalid.name];
        const title = expected === undefined ? "plans" : "reports as bad input, with every problem,";
        it(`${title} ${invalid.name}`, async function () {
            const stackFile = path.join(folder, `Pulumi.${invalid.name}.yaml`);
            writeFileSync(stackFile, stringify({ config: stackConfigOf(invalid) }));
            if (expected === undefined) {
                await runPlan({ stack: invalid.name, stackFile });
                return;
            }
            await assert.rejects(runPlan({ stack: invalid.name, stackFile }), (error: unknown) => {
                // A UsageError is what makes the tools exit 2.
                assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
                assert.deepEqual(error.message.split("\n"), expected);
                return true;
            });
        });
    }

    it("names a misspelt section beside the missing one in the real engine's reader of stack files too", function () {
        const stackFile = path.join(folder, "Pulumi.misspelt-section.yaml");
        const misspelt = invalidStacks.find((invalid) => invalid.name === "misspelt-section")!;
        writeFileSync(stackFile, stringify({ config: stackConfigOf(misspelt) }));
        assert.throws(
            () => readStackSettings({ stack: "misspelt-section", stackFile }),
            (error: unknown) =>
                error instanceof UsageError && error.message === expectedLines["misspelt-section"]!.join("\n"),
        );
    });

    it("leaves unknown keys to the program when it plans another version of it, which knows its own keys", async function () {
        const stackFile = path.join(folder, "Pulumi.misspelt-other.yaml");
        const misspelt = invalidStacks.find((invalid) => invalid.name === "misspelt-section")!;
        writeFileSync(stackFile, stringify({ config: stackConfigOf(misspelt) }));
        await assert.rejects(runPlan({ stack: "misspelt-other", stackFile, validate: false }), (error: unknown) => {
            assert.ok(error instanceof UsageError);
            assert.deepEqual(error.message.split("\n"), [
                'invalid configuration for stack "misspelt-other" (1 problem):',
                "  - lakestream:eventHubs is required (declared in Pulumi.yaml without a default): Pulumi.misspelt-other.yaml must set it",
            ]);
            return true;
        });
    });

    it("has an expected message for every stack file, and a stack file for every message", function () {
        assert.deepEqual(invalidStacks.map((invalid) => invalid.name).sort(), Object.keys(expectedLines).sort());
    });
});
