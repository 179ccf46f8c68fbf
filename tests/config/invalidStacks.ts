// Invalid stack files, each the dev stack changed in one place, with the message the tools print for each.
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import * as path from "node:path";

type Config = Record<string, unknown>;

/** The dev stack's config, parsed afresh for each case so that a change never leaks into the next. */
export function devStackConfig(): Config {
    const text = readFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8");
    return (parse(text) as { config: Config }).config;
}

/** Sets `value` at `key.path` of the stack config (undefined removes it), creating objects on the way. */
function withValue(config: Config, key: string, value: unknown): Config {
    const [top, ...rest] = key.split(".");
    if (rest.length === 0) {
        if (value === undefined) {
            delete config[top];
        } else {
            config[top] = value;
        }
        return config;
    }
    const section = { ...((config[top] as Config | undefined) ?? {}) };
    config[top] = withValue(section, rest.join("."), value);
    return config;
}

export interface InvalidStack {
    /** Also the stack name: the file is written as Pulumi.<name>.yaml. */
    name: string;
    /** The changes to the dev stack: key path → value (undefined removes the key). */
    changes: Record<string, unknown>;
}

export function stackConfigOf(invalid: InvalidStack): Config {
    let config = devStackConfig();
    for (const [key, value] of Object.entries(invalid.changes)) {
        config = withValue(config, key, value);
    }
    return config;
}

export const invalidStacks: InvalidStack[] = [
    { name: "wrong-type", changes: { "lakestream:eventHubs.throughputUnits": "two" } },
    { name: "out-of-range", changes: { "lakestream:eventHubs.partitionCount": 64 } },
    { name: "bad-enum", changes: { "lakestream:eventHubs.sku": "Gold" } },
    { name: "bad-boolean", changes: { "lakestream:ephemeral": "yes" } },
    { name: "bad-runtime", changes: { "lakestream:cluster.sparkVersion": "13.3.x-scala2.12" } },
    { name: "unknown-nested-key", changes: { "lakestream:eventHubs.partitonCount": 4 } },
    { name: "unknown-top-key", changes: { "lakestream:jobs": { mode: "continuous" } } },
    { name: "foreign-namespace", changes: { "lakestraem:owner": "someone" } },
    { name: "replaced-setting", changes: { "lakestream:cluster.singleUserName": "someone@example.com" } },
    { name: "schedule-shape", changes: { "lakestream:job.schedule": "every 15 minutes" } },
    { name: "schedule-hour", changes: { "lakestream:job.schedule": "0 0 25 * * *" } },
    { name: "retention-on-basic", changes: { "lakestream:eventHubs.retentionHours": 48 } },
    { name: "workers-and-autoscale", changes: { "lakestream:cluster.autoscale": { minWorkers: 4, maxWorkers: 2 } } },
    {
        name: "continuous-with-retries",
        changes: { "lakestream:job.mode": "continuous", "lakestream:job.triggerSeconds": 400 },
    },
    { name: "run-as-both", changes: { "lakestream:runAs": { user: "a@example.com", servicePrincipal: "x" } } },
    { name: "readers-twice", changes: { "lakestream:readers": ["users", "analysts", "Analysts"] } },
    { name: "auto-stop", changes: { "lakestream:powerBi": { sqlWarehouse: { autoStopMinutes: 5 } } } },
    {
        name: "storage-twice",
        changes: {
            "lakestream:catalog.storageRoot": "abfss://c@a.dfs.core.windows.net/x",
            "lakestream:catalog.externalLocation": "loc",
            "lakestream:catalog.storageAccountName": "Bad_Name",
        },
    },
    { name: "notify-not-email", changes: { "lakestream:job.notify": ["ops"], "lakestream:cost.runMinutes": -1 } },
    { name: "missing-section", changes: { "lakestream:cluster": undefined } },
    {
        name: "misspelt-section",
        changes: { "lakestream:eventHubs": undefined, "lakestream:eventhub": { sku: "Basic" } },
    },
];
