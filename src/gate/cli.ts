// `npm run check -- [--stack NAME | --stack-file PATH] [--policy-config FILE] [--json]`: the policy gate for pull requests.
import { ExitCode, parseFlags, runMain } from "../shared/cli";
import { runGate } from "./gate";

const usage = `usage: npm run check -- [--stack NAME | --stack-file PATH/Pulumi.NAME.yaml] [--policy-config FILE] [--json]

Plans the stack offline (no Pulumi CLI, no credentials) and runs every policy of the lakestream pack on it, through
@pulumi/policy's own analyzer, with policies/config/<stack>.json (or --policy-config FILE, or the pack's defaults).
Without --stack or --stack-file, checks every Pulumi.<stack>.yaml of the project and prints a summary.
The report names every policy the config disables or turns advisory relative to the pack's defaults. A mandatory
policy may be disabled only with a waiver in the policy config: "<policy>": { "enforcementLevel": "disabled",
"waiver": { "reason": "why, and until when" } }.
Exit codes: 0 no mandatory violation, 1 a mandatory violation or a mandatory policy disabled without a waiver,
2 bad input (unknown stack, invalid config or waiver, bad flag).`;

runMain(async () => {
    const flags = parseFlags(
        process.argv.slice(2),
        {
            stack: { type: "string" },
            "stack-file": { type: "string" },
            "policy-config": { type: "string" },
            json: { type: "boolean" },
            help: { type: "boolean" },
        },
        usage,
    );
    if (flags.help) {
        console.log(usage);
        return ExitCode.ok;
    }
    return runGate({
        stack: flags.stack,
        stackFile: flags["stack-file"],
        policyConfig: flags["policy-config"],
        json: flags.json,
    });
});
