// Test harness: runs components under the Pulumi mock runtime and records every resource they register.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { mockCall, newMockResource, type MockWorkspaceOptions, type PlanMode } from "../../src/plan/mockCloud";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** The `import` option: the id of an existing resource to adopt. */
    importId?: string;
}

/**
 * Installs mocks that record each new resource into the returned array (cleared on each call); `workspace` says who
 * deploys and which groups the stand-in workspace can see; `mode` "first-deploy" runs a preview of an empty stack.
 */
export async function recordResources(
    stack = "test",
    workspace: MockWorkspaceOptions = {},
    mode: PlanMode = "update",
): Promise<RecordedResource[]> {
    const recorded: RecordedResource[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                // Components are recorded by their children; only what the cloud would create counts.
                if (args.custom === false) {
                    return { id: `${args.name}-id`, state: {} };
                }
                recorded.push({
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs as Record<string, unknown>,
                    importId: args.id || undefined,
                });
                return newMockResource(stack, args, mode);
            },
            call: (args) => mockCall(stack, args, workspace),
        },
        "lakestream",
        stack,
        mode === "first-deploy",
    );
    return recorded;
}

/**
 * Installs fresh mocks before each test of the enclosing describe and hands `keep` the array the test's resources
 * are recorded into. Components do nothing at import time, so the specs import them statically.
 */
export function recordEachTest(keep: (resources: RecordedResource[]) => void): void {
    beforeEach(async function () {
        keep(await recordResources());
    });
}

/** A new temporary notebooks folder with a `medallion` package folder, holding `files` (relative path → text). */
export function notebooksFolder(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakestream-notebooks-"));
    fs.mkdirSync(path.join(dir, "medallion"));
    for (const [file, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
}

/** Whether an output's value is known; in a preview a value that waits for something still to be created is not. */
export function isKnown<T>(output: pulumi.Output<T>): Promise<boolean> {
    // Output.isKnown is internal to the SDK but is the one way to tell unknown from undefined.
    return (output as unknown as { isKnown: Promise<boolean> }).isKnown;
}

/** The value an output resolves to. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** The error an output fails with; fails the test when the output resolves instead. */
export async function rejectionOf<T>(output: pulumi.Output<T>): Promise<Error> {
    // Output.promise() is internal to the SDK but is how an output's failure can be observed at all.
    const promise = (output as unknown as { promise(): Promise<T> }).promise();
    const outcome = await promise.then(
        (value) => ({ resolved: true as const, value }),
        (error: unknown) => ({ resolved: false as const, error }),
    );
    if (outcome.resolved) {
        throw new Error(`expected the output to fail, it resolved to ${JSON.stringify(outcome.value)}`);
    }
    return outcome.error as Error;
}

/** Waits until every registration the program started has reached the mocks. */
export async function settle(): Promise<void> {
    await pulumi.runtime.disconnect();
}

/** "type name" of each recorded resource, sorted: registration order depends on when inputs resolve. */
export function typesAndNames(resources: RecordedResource[]): string[] {
    return resources.map((resource) => `${resource.type} ${resource.name}`).sort();
}

export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((resource) => resource.type === type);
}

/** Unwraps a secret as the mocks hand it over, failing the test when the value is not a secret. */
export function secretValue(value: unknown): unknown {
    const record = value as Record<string, unknown>;
    if (record?.[pulumi.runtime.specialSigKey] !== pulumi.runtime.specialSecretSig) {
        throw new Error(`expected a secret, got ${JSON.stringify(value)}`);
    }
    return record.value;
}

/** The job inputs the tests read, as the Databricks provider's schema names them. */
export interface JobInputs {
    runAs?: { servicePrincipalName?: string; userName?: string };
    maxConcurrentRuns?: number;
    timeoutSeconds?: number;
    continuous?: { pauseStatus?: string; taskRetryMode?: string };
    controlRunState?: boolean;
    schedule?: { quartzCronExpression: string; timezoneId: string; pauseStatus?: string };
    emailNotifications?: { onFailures?: string[] };
    notificationSettings?: { noAlertForCanceledRuns?: boolean; noAlertForSkippedRuns?: boolean };
    jobClusters?: { jobClusterKey: string; newCluster: Record<string, unknown> }[];
    tasks: {
        taskKey: string;
        jobClusterKey?: string;
        existingClusterId?: string;
        libraries?: { maven: { coordinates: string } }[];
        health?: { rules: { metric: string; op: string; value: number }[] };
        emailNotifications?: { onStreamingBacklogExceededs?: string[] };
        maxRetries?: number;
        dependsOns?: { taskKey: string }[];
        notebookTask: { notebookPath: string; baseParameters: Record<string, string> };
    }[];
}
