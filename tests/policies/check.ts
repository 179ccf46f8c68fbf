// Runs resources through the pack exactly as the gate does, for the policy specs.
import { PolicyAnalyzer, type AnalyzedResource, type PolicyViolation } from "../../src/gate/analyzer";
import type { PolicyConfigFile } from "../../src/gate/policyConfig";
import { parsePolicyConfig } from "../../src/gate/policyConfig";
import { project } from "./factories";

/** Configures the pack for `stack` with `config` (the JSON of a policy config file) and analyzes `resources`. */
export async function check(
    resources: AnalyzedResource[],
    config: Record<string, unknown> = {},
    stack = "dev",
): Promise<PolicyViolation[]> {
    const analyzer = PolicyAnalyzer.get();
    const parsed: PolicyConfigFile = parsePolicyConfig(JSON.stringify(config), "test config");
    await analyzer.configure({ stack, project }, parsed, "test config");
    return analyzer.analyze(resources);
}

/** The violations of one policy, as [urn-name, level, message] triples easy to assert on. */
export async function violationsOf(
    policy: string,
    resources: AnalyzedResource[],
    config: Record<string, unknown> = {},
    stack = "dev",
): Promise<PolicyViolation[]> {
    return (await check(resources, config, stack)).filter((violation) => violation.policy === policy);
}
