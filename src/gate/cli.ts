// `npm run check -- [--stack NAME | --stack-file PATH] [--policy-config FILE] [--json]`: the policy gate for pull requests.
import { runTool, stackFlags } from "../shared/cli";
import { parsePlanMode } from "../plan/mode";
import { runGate } from "./gate";

const usage = `usage: npm run check -- [--stack NAME | --stack-file PATH/Pulumi.NAME.yaml] [--policy-config FILE]
                      [--mode first-deploy|update] [--json]

Plans the stack offline (no Pulumi CLI, no credentials) and runs every policy of the lakestream pack on it, through
@pulumi/policy's own analyzer, with policies/config/<stack>.json (or --policy-config FILE, or the pack's defaults).
Without --stack or --stack-file, checks every Pulumi.<stack>.yaml of the project and prints a summary.
--mode first-deploy (the default) checks the preview of a stack where nothing exists yet, as a first
\`pulumi preview\` sends it to the policies (ids, computed outputs and workspace look-ups unknown); --mode update
checks a stack that exists.
The report names every policy the config disables or turns advisory relative to the pack's defaults. A mandatory
policy may be disabled only with a waiver in the policy config: "<policy>": { "enforcementLevel": "disabled",
"waiver": { "reason": "why, and until when" } }.
Exit codes: 0 no mandatory violation, 1 a mandatory violation or a mandatory policy disabled without a waiver,
2 bad input (unknown stack, invalid config or waiver, bad flag).`;

runTool(
    usage,
    { ...stackFlags, "policy-config": { type: "string" }, mode: { type: "string" }, json: { type: "boolean" } },
    async (flags) =>
        runGate({
            mode: parsePlanMode(flags.mode),
            stack: flags.stack,
            stackFile: flags["stack-file"],
            policyConfig: flags["policy-config"],
            json: flags.json,
        }),
);
