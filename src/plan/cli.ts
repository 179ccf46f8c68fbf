// `npm run plan -- --stack NAME [--json]`: the resources and outputs the program would produce, with no cloud access.
import { ExitCode, runTool, stackFlags, UsageError } from "../shared/cli";
import { formatPlanText, planToJson } from "./format";
import { parsePlanMode } from "./mode";
import { namedStack, runPlan } from "./runPlan";

const usage = `usage: npm run plan -- --stack NAME [--mode first-deploy|update] [--json]
       npm run plan -- --stack-file PATH/Pulumi.NAME.yaml [--mode first-deploy|update] [--json]

Evaluates the lakestream program for one stack through the Pulumi mock runtime (no Pulumi CLI, no credentials)
and prints the resources it would create and the stack outputs. Secrets print as [secret].
--mode first-deploy (the default) previews a stack where nothing exists yet: ids, computed outputs and look-ups
through a workspace still to be created print as [unknown]. --mode update previews a stack that exists.
Exit codes: 0 ok, 2 bad input (unknown stack, invalid config, bad flag).`;

runTool(usage, { ...stackFlags, mode: { type: "string" }, json: { type: "boolean" } }, async (flags) => {
    const stack = namedStack(flags);
    if (stack === undefined) {
        throw new UsageError(`--stack NAME is required\n\n${usage}`);
    }
    const plan = await runPlan({ stack, stackFile: flags["stack-file"], mode: parsePlanMode(flags.mode) });
    console.log(flags.json ? JSON.stringify(planToJson(plan), null, 2) : formatPlanText(plan));
    return ExitCode.ok;
});
