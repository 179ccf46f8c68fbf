// `npm run cost -- [--stack NAME | --stack-file PATH] [--project-dir DIR] [--json]`: what a stack is estimated to cost a month.
import { listStacks, namedStack } from "../plan/runPlan";
import { ExitCode, runTool, stackFlags, UsageError } from "../shared/cli";
import { formatSideBySide, formatStackCost } from "./format";
import { estimateStack, type StackCost } from "./stackCost";

const usage = `usage: npm run cost -- [--stack NAME | --stack-file PATH/Pulumi.NAME.yaml] [--project-dir DIR] [--json]

Estimates what a stack costs a month from its offline plan (the resources pulumi up would create), the price table
policies/lib/cost/prices.json and the stack's lakestream:cost assumptions, line by line with a total; every figure
names its price and its assumptions. Without --stack, every Pulumi.<stack>.yaml side by side.
--project-dir prices another checkout of the project (e.g. the base branch of a pull request) with this estimator.
Exit codes: 0 ok, 2 bad input (unknown stack, invalid config, bad flag).`;

runTool(usage, { ...stackFlags, "project-dir": { type: "string" }, json: { type: "boolean" } }, async (flags) => {
    const projectDir = flags["project-dir"];
    const stack = namedStack(flags);
    if (stack !== undefined) {
        const cost = await estimateStack({ stack, stackFile: flags["stack-file"], projectDir });
        console.log(flags.json ? JSON.stringify(cost, null, 2) : formatStackCost(cost));
        return ExitCode.ok;
    }
    let stacks: string[];
    try {
        stacks = listStacks(projectDir);
    } catch (error) {
        throw new UsageError(`cannot list the stacks of ${projectDir}: ${(error as Error).message}`);
    }
    if (stacks.length === 0) {
        throw new UsageError(`no Pulumi.<stack>.yaml in ${projectDir ?? "the project"}`);
    }
    const costs: StackCost[] = [];
    for (const stack of stacks) {
        costs.push(await estimateStack({ stack, projectDir }));
    }
    console.log(flags.json ? JSON.stringify({ stacks: costs }, null, 2) : formatSideBySide(costs));
    return ExitCode.ok;
});
