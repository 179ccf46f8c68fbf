// The credential-free policy gate: the offline plan of a stack, then every policy of the pack with the stack's config.
import { existsSync } from "node:fs";
import * as path from "node:path";
import { ExitCode, UsageError } from "../shared/cli";
import { formatPlanText, planToJson, type PlanJson } from "../plan/format";
import { listStacks, runPlan, stackNameOfFile, type Plan, type PlanMode } from "../plan/runPlan";
import { PolicyAnalyzer, type PackInfo, type PolicyViolation } from "./analyzer";
import {
    readPolicyConfigFile,
    unwaivedDisabled,
    weakenedPolicies,
    type PolicyConfigFile,
    type WeakenedPolicy,
} from "./policyConfig";
import { budgetEstimate, type BudgetSettings } from "../../policies/stack/monthlyBudget";
import { biggest } from "../../policies/lib/cost/estimate";
import { costResourcesOfPlan, priceTableFile, type StackCost } from "../cost/stackCost";
import { money } from "../cost/format";

export interface GateOptions {
    /** Stack to check; without it (and without stackFile) every `Pulumi.<stack>.yaml` of the project. */
    stack?: string;
    /** A stack settings file kept elsewhere; the stack name comes from `Pulumi.<stack>.yaml`. */
    stackFile?: string;
    /** Policy config file to use instead of policies/config/<stack>.json. */
    policyConfig?: string;
    /** Which preview to check: nothing exists yet, or everything does. Defaults to "first-deploy". */
    mode?: PlanMode;
    json?: boolean;
    /** Folder with Pulumi.yaml and the stack files. Defaults to this repository's root. */
    projectDir?: string;
    /** Folder with the per-stack policy configs `<stack>.json`. Defaults to this repository's policies/config. */
    policyConfigDir?: string;
    /** Where the report goes; defaults to stdout (errors always go to stderr). */
    write?: (text: string) => void;
}

const repositoryRoot = path.resolve(__dirname, "..", "..");
const policyConfigDir = path.join(repositoryRoot, "policies", "config");

/** The verdict for one stack. */
export interface StackVerdict {
    stack: string;
    plan: Plan;
    pack: PackInfo;
    /** Which policy config was used: a file path, or "pack defaults". */
    policyConfig: string;
    violations: PolicyViolation[];
    /** Policies the config disables or turns advisory relative to the pack's defaults: what the gate did not enforce. */
    weakened: WeakenedPolicy[];
    /** Mandatory policies disabled without a waiver; any of them fails the gate. */
    unwaived: string[];
    ok: boolean;
    /** The estimate the budget policy judged (its price table, its config's assumptions) and the budget. */
    cost: StackCost & { maxMonthlyUsd: number; budgetLevel: string };
}

/** The `--json` document for one stack: the plan's fields plus the policy verdict. */
export interface StackReport extends PlanJson {
    policyPack: string;
    policyConfig: string;
    violations: { policy: string; enforcementLevel: string; urn: string; message: string }[];
    /** Policies not checked for this stack, each with its pack default and its waiver (null when there is none). */
    disabledPolicies: { policy: string; defaultLevel: string; waiver: { reason: string } | null }[];
    /** Policies whose violations are only reported here, though the pack makes them mandatory. */
    advisoryPolicies: { policy: string; defaultLevel: string; waiver: { reason: string } | null }[];
    /** Mandatory policies disabled without a waiver: the gate fails on each. */
    unwaivedDisabledPolicies: string[];
    ok: boolean;
    cost: StackVerdict["cost"];
}

function relative(file: string): string {
    const result = path.relative(process.cwd(), file);
    return result.startsWith("..") ? file : result;
}

/** The policy config of a stack: the file given, else policies/config/<stack>.json, else the pack's defaults. */
export function policyConfigFor(
    stack: string,
    override?: string,
    configDir = policyConfigDir,
): { config: PolicyConfigFile; source: string } {
    if (override !== undefined) {
        return { config: readPolicyConfigFile(override), source: relative(override) };
    }
    const file = path.join(configDir, `${stack}.json`);
    if (existsSync(file)) {
        return { config: readPolicyConfigFile(file), source: relative(file) };
    }
    return { config: {}, source: "pack defaults" };
}

/** Plans one stack and runs the pack over it. Throws UsageError for an unknown stack or an invalid config. */
export async function checkStack(options: {
    stack: string;
    stackFile?: string;
    policyConfig?: string;
    projectDir?: string;
    mode?: PlanMode;
    policyConfigDir?: string;
}): Promise<StackVerdict> {
    // Read the policy config before planning, so a bad file is reported without waiting for the plan.
    const { config, source } = policyConfigFor(options.stack, options.policyConfig, options.policyConfigDir);
    const analyzer = PolicyAnalyzer.get();
    const pack = await analyzer.info();
    const plan = await runPlan({
        stack: options.stack,
        stackFile: options.stackFile,
        projectDir: options.projectDir,
        mode: options.mode,
    });
    const settings = await analyzer.configure({ stack: plan.stack, project: plan.project }, config, source);
    const weakened = weakenedPolicies(pack.policies, settings, config, source);
    const unwaived = unwaivedDisabled(weakened);
    // Planned resources have the analyzer's shape; fields the plan records (protect, parent, provider, dependencies,
    // additionalSecretOutputs) reach the policies as the engine would send them, and what it omits stays absent.
    const violations = await analyzer.analyze(plan.resources);
    const budget = settings["stack-monthly-budget"];
    const estimate = budgetEstimate(costResourcesOfPlan(plan), budget.properties as unknown as BudgetSettings);
    return {
        stack: plan.stack,
        plan,
        pack,
        policyConfig: source,
        violations,
        weakened,
        unwaived,
        ok: unwaived.length === 0 && !violations.some((violation) => violation.enforcementLevel === "mandatory"),
        cost: {
            stack: plan.stack,
            location: plan.config["azure-native:location"],
            priceTable: priceTableFile,
            estimate,
            biggestLine: biggest(estimate).line,
            maxMonthlyUsd: (budget.properties as unknown as BudgetSettings).maxMonthlyUsd,
            budgetLevel: budget.enforcementLevel,
        },
    };
}

const levelOrder: Record<string, number> = { mandatory: 0, remediate: 1, advisory: 2, disabled: 3 };

/** The policy part of the report, laid out like the Policies section of `pulumi preview`. */
export function formatPolicyResults(verdict: StackVerdict): string {
    const mandatory = verdict.violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
    const advisory = verdict.violations.length - mandatory;
    const mark = verdict.ok ? "✅" : "❌";
    const lines = [
        "Policies:",
        `    ${mark} ${verdict.pack.name}@v${verdict.pack.version} (config: ${verdict.policyConfig})`,
    ];
    const sorted = [...verdict.violations].sort(
        (a, b) => (levelOrder[a.enforcementLevel] ?? 9) - (levelOrder[b.enforcementLevel] ?? 9),
    );
    for (const violation of sorted) {
        const resource = violation.urn ? `  (resource: ${violation.urn})` : "";
        lines.push(`        - [${violation.enforcementLevel}]  ${violation.policy}${resource}`);
        for (const line of violation.message.split("\n")) {
            lines.push(`          ${line}`);
        }
    }
    const why = (entry: WeakenedPolicy) =>
        entry.waiver
            ? `waiver: ${entry.waiver.reason}`
            : entry.level === "disabled"
              ? "NO WAIVER: fails the gate (a mandatory policy is disabled only with a waiver and its reason)"
              : "no waiver given";
    const disabled = verdict.weakened.filter((entry) => entry.level === "disabled");
    const advisoryPolicies = verdict.weakened.filter((entry) => entry.level === "advisory");
    if (disabled.length > 0) {
        lines.push(`    Not checked: disabled by ${verdict.policyConfig}`);
        for (const entry of disabled) {
            lines.push(`        - ${entry.policy} (pack default: ${entry.defaultLevel})  ${why(entry)}`);
        }
    }
    if (advisoryPolicies.length > 0) {
        lines.push(`    Reported but not enforced: advisory in ${verdict.policyConfig}`);
        for (const entry of advisoryPolicies) {
            lines.push(`        - ${entry.policy} (pack default: ${entry.defaultLevel})  ${why(entry)}`);
        }
    }
    const weakenedNote =
        verdict.weakened.length === 0
            ? ""
            : ` (${disabled.length} disabled` +
              (verdict.unwaived.length > 0 ? `, ${verdict.unwaived.length} of them without a waiver` : "") +
              `, ${advisoryPolicies.length} made advisory)`;
    lines.push(
        "",
        `${verdict.stack}: ${mandatory} mandatory, ${advisory} advisory violation(s) from ` +
            `${verdict.pack.policies.length} policies${weakenedNote}: ${verdict.ok ? "passed" : "FAILED"}`,
        costVerdictLine(verdict),
    );
    return lines.join("\n");
}

/** The estimate beside the verdict: the total, the budget it was judged against, and the line that dominates. */
export function costVerdictLine(verdict: StackVerdict): string {
    const { estimate, maxMonthlyUsd, budgetLevel, biggestLine } = verdict.cost;
    const within = estimate.totalMonthlyUsd <= maxMonthlyUsd ? "within" : "OVER";
    const top = biggestLine
        ? `; biggest line: ${biggestLine.resource} ${biggestLine.item}, ${money(biggestLine.monthlyUsd)}`
        : "";
    return (
        `${verdict.stack}: estimated ${money(estimate.totalMonthlyUsd)} a month, ${within} the budget of ` +
        `${money(maxMonthlyUsd)} (stack-monthly-budget, ${budgetLevel}; ${estimate.priceRegion} list prices)${top}`
    );
}

/** The report's fields on policies the config weakened: the same in the gate's and the real engine's verdicts. */
export function weakenedReport(weakened: WeakenedPolicy[], unwaived: string[]) {
    const ofLevel = (level: string) =>
        weakened
            .filter((entry) => entry.level === level)
            .map(({ policy, defaultLevel, waiver }) => ({ policy, defaultLevel, waiver }));
    return {
        disabledPolicies: ofLevel("disabled"),
        advisoryPolicies: ofLevel("advisory"),
        unwaivedDisabledPolicies: unwaived,
    };
}

export function stackReport(verdict: StackVerdict): StackReport {
    return {
        ...planToJson(verdict.plan),
        policyPack: `${verdict.pack.name}@${verdict.pack.version}`,
        policyConfig: verdict.policyConfig,
        violations: verdict.violations.map(({ policy, enforcementLevel, urn, message }) => ({
            policy,
            enforcementLevel,
            urn,
            message,
        })),
        ...weakenedReport(verdict.weakened, verdict.unwaived),
        ok: verdict.ok,
        cost: verdict.cost,
    };
}

/**
 * `npm run check`: one stack (`stack` / `stackFile`) or every stack of the project. Returns the exit code: 0 when no
 * mandatory violation, 1 when any, 2 on bad input (unknown stack, unreadable or invalid config); never throws a
 * UsageError.
 */
export async function runGate(options: GateOptions): Promise<number> {
    const write = options.write ?? ((text: string) => console.log(text));
    try {
        if (options.stack !== undefined || options.stackFile !== undefined) {
            const stack = options.stack ?? stackNameOfFile(options.stackFile as string);
            const verdict = await checkStack({ ...options, stack });
            write(
                options.json
                    ? JSON.stringify(stackReport(verdict), null, 2)
                    : `${formatPlanText(verdict.plan)}\n\n${formatPolicyResults(verdict)}`,
            );
            return verdict.ok ? ExitCode.ok : ExitCode.failed;
        }
        return await runAllStacks(options, write);
    } catch (error) {
        if (error instanceof UsageError) {
            console.error(`error: ${error.message}`);
            return ExitCode.badInput;
        }
        throw error;
    }
}

async function runAllStacks(options: GateOptions, write: (text: string) => void): Promise<number> {
    const stacks = listStacks(options.projectDir);
    if (stacks.length === 0) {
        throw new UsageError(`no Pulumi.<stack>.yaml in ${options.projectDir ?? repositoryRoot}`);
    }
    const reports: (StackReport | { stack: string; error: string; ok: false })[] = [];
    const summary: string[] = [];
    let badInput = false;
    for (const stack of stacks) {
        try {
            const verdict = await checkStack({ ...options, stack });
            reports.push(stackReport(verdict));
            if (!options.json) {
                write(`${formatPolicyResults(verdict)}\n`);
            }
            const mandatory = verdict.violations.filter((v) => v.enforcementLevel === "mandatory").length;
            const disabled = verdict.weakened.filter((entry) => entry.level === "disabled").length;
            summary.push(
                `    ${verdict.ok ? "✅" : "❌"} ${stack.padEnd(12)} ${verdict.plan.resources.length} resources, ` +
                    `${mandatory} mandatory, ${verdict.violations.length - mandatory} advisory` +
                    (disabled > 0
                        ? `, ${disabled} policies disabled (${verdict.unwaived.length} without a waiver)`
                        : "") +
                    `, ${money(verdict.cost.estimate.totalMonthlyUsd)} a month (${verdict.plan.mode}, config: ${verdict.policyConfig})`,
            );
        } catch (error) {
            if (!(error instanceof UsageError)) {
                throw error;
            }
            badInput = true;
            reports.push({ stack, error: error.message, ok: false });
            console.error(`error: stack ${stack}: ${error.message}`);
            summary.push(`    ⛔ ${stack.padEnd(12)} bad input: ${error.message.split("\n")[0]}`);
        }
    }
    const ok = reports.every((report) => report.ok);
    if (options.json) {
        write(JSON.stringify({ stacks: reports, ok }, null, 2));
    } else {
        write(["Summary:", ...summary].join("\n"));
    }
    if (badInput) {
        return ExitCode.badInput;
    }
    return ok ? ExitCode.ok : ExitCode.failed;
}
