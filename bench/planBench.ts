// Benchmark: time to evaluate the whole program under the mock runtime, for one stack and for every stack (median of 5).
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { listStacks, runPlan } from "../src/plan/runPlan";

const rounds = 5;

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
    const start = performance.now();
    await work();
    return performance.now() - start;
}

async function main(): Promise<void> {
    const stacks = listStacks();
    // The first evaluation also loads the providers' SDK modules; it is reported on its own.
    const coldMs = await timed(() => runPlan({ stack: "dev" }));
    const oneStack: number[] = [];
    const allStacks: number[] = [];
    for (let round = 0; round < rounds; round++) {
        oneStack.push(await timed(() => runPlan({ stack: "dev" })));
        allStacks.push(
            await timed(async () => {
                for (const stack of stacks) {
                    await runPlan({ stack });
                }
            }),
        );
    }
    const result = {
        measuredAt: new Date().toISOString(),
        machine: `${process.platform} ${process.arch}, node ${process.version}`,
        rounds,
        stacks,
        firstEvaluationIncludingModuleLoadMs: Math.round(coldMs),
        oneStackMedianMs: Math.round(median(oneStack)),
        allStacksMedianMs: Math.round(median(allStacks)),
        oneStackRunsMs: oneStack.map(Math.round),
        allStacksRunsMs: allStacks.map(Math.round),
    };
    console.log(`first evaluation (dev, with module load): ${result.firstEvaluationIncludingModuleLoadMs} ms`);
    console.log(
        `one stack (dev), median of ${rounds}: ${result.oneStackMedianMs} ms  ${JSON.stringify(result.oneStackRunsMs)}`,
    );
    console.log(
        `all stacks (${stacks.join(", ")}), median of ${rounds}: ${result.allStacksMedianMs} ms  ${JSON.stringify(result.allStacksRunsMs)}`,
    );
    const out = path.resolve(__dirname, "results", "plan.json");
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${path.relative(process.cwd(), out)}`);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
