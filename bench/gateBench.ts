// `npm run bench:gate`: how long the policy gate takes for one stack, for every stack, and as the plan grows 10x.
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { listStacks, runPlan, type Plan, type PlannedResource } from "../src/plan/runPlan";
import { PolicyAnalyzer } from "../src/gate/analyzer";
import { checkStack, policyConfigFor } from "../src/gate/gate";

const runs = 5;

async function median(task: () => Promise<unknown>): Promise<{ medianMs: number; runsMs: number[] }> {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
        const start = performance.now();
        await task();
        times.push(performance.now() - start);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    return { medianMs: round(sorted[Math.floor(sorted.length / 2)]), runsMs: times.map(round) };
}

/**
 * The plan with its event hubs, their rules and consumer groups, and its jobs copied `factor` times under new
 * names: what a stack with 10 pipelines on one namespace and workspace would hand the analyzer.
 */
function replicate(plan: Plan, factor: number): Plan {
    const replicated = /eventhub:EventHub$|EventHubAuthorizationRule$|ConsumerGroup$|index\/job:Job$/;
    const copies: PlannedResource[] = [];
    for (let copy = 1; copy < factor; copy++) {
        for (const resource of plan.resources.filter((candidate) => replicated.test(candidate.type))) {
            const name = `${resource.name}-${copy}`;
            copies.push({ ...resource, name, urn: `${resource.urn.slice(0, -resource.name.length)}${name}` });
        }
    }
    return { ...plan, resources: [...plan.resources, ...copies] };
}

/** Size of all inputs as JSON: the analyzer's work follows it more than the resource count (a job is large). */
function inputBytes(target: Plan): number {
    return target.resources.reduce((total, resource) => total + JSON.stringify(resource.inputs).length, 0);
}

async function main(): Promise<void> {
    const analyzer = PolicyAnalyzer.get();
    const coldStart = performance.now();
    await checkStack({ stack: "dev" });
    const coldMs = Math.round(performance.now() - coldStart);

    const oneStack = await median(() => checkStack({ stack: "dev" }));
    const stacks = listStacks();
    const allStacks = await median(async () => {
        for (const stack of stacks) {
            await checkStack({ stack });
        }
    });

    const plan = await runPlan({ stack: "dev" });
    const { config, source } = policyConfigFor("dev");
    const policiesOnly = async (target: Plan) => {
        await analyzer.configure({ stack: target.stack, project: target.project }, config, source);
        await analyzer.analyze(target.resources);
    };
    const base = await median(() => policiesOnly(plan));
    const bigger = replicate(plan, 10);
    const tenfold = await median(() => policiesOnly(bigger));
    const planOnly = await median(() => runPlan({ stack: "dev" }));

    const results = {
        measuredAt: new Date().toISOString(),
        node: process.version,
        runsPerFigure: runs,
        policies: (await analyzer.info()).policies.length,
        coldFirstCheckDevMs: coldMs,
        checkOneStack: { stack: "dev", resources: plan.resources.length, ...oneStack },
        checkAllStacks: { stacks, ...allStacks },
        planOnlyDev: planOnly,
        policiesOnly: {
            dev: { resources: plan.resources.length, inputBytes: inputBytes(plan), ...base },
            devWithHubsAndJobsTimes10: {
                resources: bigger.resources.length,
                inputBytes: inputBytes(bigger),
                ...tenfold,
            },
            growth: Math.round((tenfold.medianMs / base.medianMs) * 100) / 100,
        },
    };
    console.log(`policy gate benchmark (median of ${runs}, ${results.policies} policies, node ${process.version})`);
    console.log(`  first check of dev in a fresh process     ${coldMs} ms (loads the SDKs and the pack)`);
    console.log(
        `  check dev (plan + policies)               ${oneStack.medianMs} ms, ${plan.resources.length} resources`,
    );
    console.log(`  ${`check every stack (${stacks.join(", ")})`.padEnd(41)} ${allStacks.medianMs} ms`);
    console.log(`  plan only, dev                            ${planOnly.medianMs} ms`);
    console.log(`  policies only, dev                        ${base.medianMs} ms, ${plan.resources.length} resources`);
    console.log(
        `  policies only, dev with 10x hubs and jobs ${tenfold.medianMs} ms, ${bigger.resources.length} resources ` +
            `(x${results.policiesOnly.growth}; inputs ${inputBytes(plan)} -> ${inputBytes(bigger)} bytes)`,
    );
    const out = path.join(__dirname, "results", "gate.json");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 4)}\n`);
    console.log(`written to ${path.relative(process.cwd(), out)}`);
}

main().catch((error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
});
