// The real Pulumi engine's preview of a stack from an empty state, offline: the program inline, the pack as an executable.
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { readStackSettings } from "../plan/runPlan";
import { policyConfigFor } from "../gate/gate";
import { PolicyAnalyzer, type PackInfo } from "../gate/analyzer";
import { unwaivedDisabled, weakenedPolicies, type WeakenedPolicy } from "../gate/policyConfig";
import { EngineSession, repositoryRoot, type EngineStep } from "./engineSession";
import { ensureCli, type CliLocation } from "./pulumiCli";

export { engineEnvironment, type EngineStep } from "./engineSession";

/** A policy violation as the engine reported it. */
export interface EngineViolation {
    policy: string;
    enforcementLevel: "mandatory" | "advisory";
    /** The resource it is about; the stack's own resource for a stack policy that names none. */
    urn: string;
    message: string;
}

/** The engine's verdict for one stack. */
export interface EngineVerdict {
    stack: string;
    cliVersion: string;
    policyPack: string;
    policyConfig: string;
    steps: EngineStep[];
    violations: EngineViolation[];
    weakened: WeakenedPolicy[];
    unwaived: string[];
    /** The engine's error diagnostics when the preview failed for another reason than a policy (a program crash). */
    errors: string[];
    /** "passed", "failed" (a mandatory violation) or "crashed" (the program or the engine failed). */
    outcome: "passed" | "failed" | "crashed";
    seconds: number;
}

export interface EnginePreviewOptions {
    stack: string;
    stackFile?: string;
    policyConfig?: string;
    projectDir?: string;
    /** Receives the engine's own output, line by line. Defaults to stderr, so that --json on stdout stays clean. */
    onOutput?: (text: string) => void;
    /** The CLI to use; found or built on first need when absent. */
    cli?: CliLocation;
}

function eventViolation(event: EngineEvent): EngineViolation | undefined {
    const policy = event.policyEvent;
    if (policy === undefined) {
        return undefined;
    }
    return {
        policy: policy.policyName,
        enforcementLevel: policy.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
        urn: policy.resourceUrn ?? "",
        message: policy.message.trim(),
    };
}

/** Runs the engine's preview of one stack from an empty state, with the policy pack and the stack's policy config. */
export async function enginePreview(options: EnginePreviewOptions): Promise<EngineVerdict> {
    const started = Date.now();
    const projectDir = options.projectDir ?? repositoryRoot;
    // Bad input is reported before the engine starts, with the same messages as the gate.
    const { stackFile } = readStackSettings({ stack: options.stack, stackFile: options.stackFile, projectDir });
    const { config: policyConfigFile, source } = policyConfigFor(options.stack, options.policyConfig);
    const analyzer = PolicyAnalyzer.get();
    const pack: PackInfo = await analyzer.info();
    const settings = await analyzer.configure(
        { stack: options.stack, project: "lakestream" },
        policyConfigFile,
        source,
    );
    const weakened = weakenedPolicies(pack.policies, settings, policyConfigFile, source);
    const unwaived = unwaivedDisabled(weakened);
    const cli = options.cli ?? (await ensureCli());

    const session = new EngineSession({ stack: options.stack, stackFile, projectDir, cli, onOutput: options.onOutput });
    const violations: EngineViolation[] = [];
    let outcome: EngineVerdict["outcome"] = "passed";
    let steps: EngineStep[] = [];
    let errors: string[] = [];
    try {
        // The settings in force as the engine's own config format: waivers are this project's review record, which
        // the engine's schema check would refuse, and each policy's level and settings are what the gate enforces.
        const policyConfigPath = path.join(session.scratch, "policy-config.json");
        writeFileSync(
            policyConfigPath,
            JSON.stringify(
                Object.fromEntries(
                    Object.entries(settings).map(([name, entry]) => [
                        name,
                        { enforcementLevel: entry.enforcementLevel, ...entry.properties },
                    ]),
                ),
                null,
                2,
            ),
        );
        const result = await session.preview(
            { policyPacks: [session.policyPack], policyPackConfigs: [policyConfigPath] },
            (event) => {
                const violation = eventViolation(event);
                if (violation) {
                    violations.push(violation);
                }
            },
        );
        steps = result.steps;
        if (!result.ok) {
            // The engine ends a preview with mandatory violations with a bare "preview failed"; any other error
            // (an unhandled exception in the program, a provider's refusal) means the preview itself did not run.
            const causes = result.errors.filter((message) => message !== "preview failed");
            const mandatory = violations.some((violation) => violation.enforcementLevel === "mandatory");
            outcome = causes.length === 0 && mandatory ? "failed" : "crashed";
            errors = causes.length > 0 ? causes : [result.failure ?? "the preview failed"];
        }
    } finally {
        session.close();
    }
    if (outcome === "passed" && unwaived.length > 0) {
        outcome = "failed";
    }
    return {
        stack: options.stack,
        cliVersion: cli.version,
        policyPack: `${pack.name}@${pack.version}`,
        policyConfig: source,
        steps,
        violations,
        weakened,
        unwaived,
        errors: outcome === "crashed" ? errors : [],
        outcome,
        seconds: (Date.now() - started) / 1000,
    };
}
