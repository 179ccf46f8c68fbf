// A stack's whole life under the real engine, offline: up, up again, destroy, adoption of kept data, and the upgrade from an earlier version.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { mockSubscriptionId } from "../plan/mockCloud";
import { readStackSettings } from "../plan/runPlan";
import { EngineSession, repositoryRoot, type OperationResult, type StateResource } from "./engineSession";
import type { CliLocation } from "./pulumiCli";
import type { ServiceData } from "./standins/stateFile";

/**
 * The version whose deployed stacks the upgrade check starts from: the last one that declared the catalog's workspace
 * binding without anything depending on it (the ordering that made `destroy` fail).
 */
export const upgradeBaseline = "4aef9a1";

/** One operation of a lifecycle and what was checked after it. */
export interface PhaseReport {
    phase: string;
    ok: boolean;
    /** Steps by kind ("create", "same", "delete", "import", ...). */
    changes: Record<string, number>;
    /** Each resource the operation updated or replaced, as "<op> <urn>": what an upgrade or adoption changes in place. */
    updated: string[];
    /** What failed: the engine's errors, or the check that did not hold. */
    problems: string[];
    /** The program crashed under the engine: the lifecycle could not be run, rather than failing a check. */
    crashed: boolean;
    seconds: number;
}

export interface LifecycleReport {
    stack: string;
    /** "lifecycle": up, up again, destroy, [adopt, up again]; "upgrade": baseline up, up, destroy. */
    run: "lifecycle" | "upgrade";
    phases: PhaseReport[];
    ok: boolean;
    seconds: number;
}

/** Raised when the lifecycle cannot run at all (the baseline is not in the clone): exit 4, not a failed check. */
export class LifecycleUnavailable extends Error {}

export interface LifecycleOptions {
    stack: string;
    cli: CliLocation;
    projectDir?: string;
    onOutput?: (text: string) => void;
}

/** A resource as the services and the engine both name it. */
function key(type: string, id: string | undefined): string {
    return `${type} ${id ?? ""}`;
}

/** Custom resources of the engine's state with `retainOnDelete`: what a destroy must leave in the services. */
export function retainedSet(state: StateResource[]): string[] {
    return state
        .filter((resource) => resource.custom && resource.retainOnDelete === true)
        .filter((resource) => !resource.type.startsWith("pulumi:providers:"))
        .map((resource) => key(resource.type, resource.id))
        .sort();
}

/** What the stand-ins still hold, in the same form. */
export function remainingSet(data: ServiceData): string[] {
    return data.resources.map((resource) => key(resource.type, resource.id)).sort();
}

function operationProblems(result: OperationResult): string[] {
    if (result.ok) {
        return [];
    }
    const errors = result.errors.filter((error) => !/^(update|destroy|preview) failed$/.test(error));
    return errors.length > 0 ? errors : [result.failure ?? "the operation failed"];
}

function phase(name: string, result: OperationResult, checks: string[] = []): PhaseReport {
    const problems = [...operationProblems(result), ...(result.ok ? checks : [])];
    return {
        phase: name,
        ok: problems.length === 0,
        changes: result.changes,
        updated: result.steps
            .filter((step) => /^(update|replace|create-replacement)$/.test(step.op))
            .map((step) => `${step.op} ${step.urn}`),
        problems,
        crashed: result.programErrors.length > 0,
        seconds: result.seconds,
    };
}

/** Every step of an update the engine found unchanged: anything else means the program and the services disagree. */
function noChanges(result: OperationResult): string[] {
    const changed = result.steps.filter((step) => step.op !== "same" && step.type !== "pulumi:pulumi:Stack");
    return changed.length === 0
        ? []
        : [`the second up changed ${changed.length} resource(s): ${changed.map((s) => `${s.op} ${s.urn}`).join(", ")}`];
}

function sameSet(what: string, expected: string[], actual: string[]): string[] {
    const missing = expected.filter((item) => !actual.includes(item));
    const extra = actual.filter((item) => !expected.includes(item));
    return [
        ...missing.map((item) => `${what}: expected but gone: ${item}`),
        ...extra.map((item) => `${what}: left but not retained: ${item}`),
    ];
}

async function track(
    phases: PhaseReport[],
    name: string,
    run: () => Promise<OperationResult>,
    checks: (result: OperationResult) => string[] | Promise<string[]> = () => [],
): Promise<boolean> {
    const result = await run();
    const report = phase(name, result, result.ok ? await checks(result) : []);
    phases.push(report);
    return report.ok;
}

function report(stack: string, run: LifecycleReport["run"], phases: PhaseReport[], started: number): LifecycleReport {
    return { stack, run, phases, ok: phases.every((p) => p.ok), seconds: (Date.now() - started) / 1000 };
}

/**
 * up → up again (no changes) → destroy (nothing left but the retained set, taken from the engine's state before the
 * destroy) → for a stack that keeps data: up with `lakestream:adoptData` (every retained resource imported) → up
 * again (no changes). Stops at the first phase that fails.
 */
export async function runLifecycle(options: LifecycleOptions): Promise<LifecycleReport> {
    const started = Date.now();
    const projectDir = options.projectDir ?? repositoryRoot;
    const { stackFile } = readStackSettings({ stack: options.stack, projectDir });
    const session = new EngineSession({ ...options, stackFile, projectDir });
    const phases: PhaseReport[] = [];
    try {
        let retained: string[] = [];
        let retainedUrns: string[] = [];
        const ok =
            (await track(phases, "up", () => session.up())) &&
            (await track(phases, "up again", () => session.up(), noChanges)) &&
            (await track(
                phases,
                "destroy",
                async () => {
                    const state = await session.exportState();
                    retained = retainedSet(state);
                    retainedUrns = state
                        .filter((r) => r.custom && r.retainOnDelete === true && !r.type.startsWith("pulumi:providers:"))
                        .map((r) => r.urn);
                    return session.destroy();
                },
                () => sameSet("after destroy", retained, remainingSet(session.standinState())),
            ));
        if (ok && retained.length > 0) {
            // A redeployment over the kept data, as docs/operations.md tells an operator to run it.
            await session.setConfig("lakestream:adoptData", "true");
            await session.setConfig("azure-native:subscriptionId", mockSubscriptionId);
            const adopted = await track(
                phases,
                "up with adoptData",
                () => session.up(),
                (result) => {
                    const imported = result.steps.filter((step) => step.op === "import").map((step) => step.urn);
                    return sameSet("imported", retainedUrns.sort(), imported.sort());
                },
            );
            if (adopted) {
                await track(phases, "up again after adoption", () => session.up(), noChanges);
            }
        }
    } finally {
        session.close();
    }
    return report(options.stack, "lifecycle", phases, started);
}

/** The program as of `commit`, in a temporary folder with this clone's node_modules. */
export function extractProgram(commit: string): string {
    try {
        execFileSync("git", ["-C", repositoryRoot, "cat-file", "-e", `${commit}^{commit}`], { stdio: "ignore" });
    } catch {
        throw new LifecycleUnavailable(
            `commit ${commit} (the upgrade check's baseline) is not in this clone: fetch the full history (git fetch --unshallow) and run again`,
        );
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), `lakestream-${commit}-`));
    execFileSync("sh", ["-c", `git -C "${repositoryRoot}" archive "${commit}" | tar -x -C "${dir}"`]);
    symlinkSync(path.join(repositoryRoot, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

/**
 * The upgrade of a stack deployed with the baseline: its `up`, then this version's `up` (the catalog's workspace
 * binding neither deleted nor replaced: a deleted binding locks the workspace out of an ISOLATED catalog), then
 * `destroy` (dev: nothing left; a stack that keeps data: the retained set).
 */
export async function runUpgrade(options: LifecycleOptions, baselineDir: string): Promise<LifecycleReport> {
    const started = Date.now();
    const projectDir = options.projectDir ?? repositoryRoot;
    const baselineStackFile = path.join(baselineDir, `Pulumi.${options.stack}.yaml`);
    const phases: PhaseReport[] = [];
    if (!existsSync(baselineStackFile)) {
        // A stack the baseline did not have cannot have been deployed with it.
        return report(options.stack, "upgrade", phases, started);
    }
    const { stackFile } = readStackSettings({ stack: options.stack, projectDir });
    const session = new EngineSession({ ...options, stackFile: baselineStackFile, projectDir: baselineDir });
    try {
        let retained: string[] = [];
        const ok =
            (await track(phases, `up with ${upgradeBaseline}`, () => session.up())) &&
            (await track(
                phases,
                "up with this version",
                () => {
                    session.useProgram(projectDir, stackFile);
                    return session.up();
                },
                (result) =>
                    result.steps
                        .filter((step) => step.type === "databricks:index/workspaceBinding:WorkspaceBinding")
                        .filter((step) => step.op !== "same")
                        .map((step) => `the catalog's workspace binding would be lost: ${step.op} ${step.urn}`),
            ));
        if (ok) {
            await track(
                phases,
                "destroy",
                async () => {
                    retained = retainedSet(await session.exportState());
                    return session.destroy();
                },
                () => sameSet("after destroy", retained, remainingSet(session.standinState())),
            );
        }
    } finally {
        session.close();
    }
    return report(options.stack, "upgrade", phases, started);
}

/** Deletes an extracted program folder (the node_modules link, not what it points to). */
export function removeProgram(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
}
