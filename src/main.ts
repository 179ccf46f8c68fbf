// `npm start`: the main job on its embedded default, for a newcomer with no cloud account - the policy gate for the
// dev stack, then the medallion pipeline on local Spark over generated events.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { runGate } from "./gate/gate";
import { ExitCode, runMain } from "./shared/cli";

const root = path.resolve(__dirname, "..");

runMain(async () => {
    console.log("== 1/2  Policy gate for stack dev (offline plan + every policy) ==\n");
    const gate = await runGate({ stack: "dev" });
    if (gate !== ExitCode.ok) {
        console.error(`\nthe dev stack did not pass the policy gate (exit ${gate}); the local pipeline was not run`);
        return gate;
    }
    console.log("\n== 2/2  Medallion pipeline on local Spark + Delta, over a generated sample ==\n");
    const pipeline = spawnSync("bash", [path.join(root, "scripts", "python.sh"), "-m", "medallion.local"], {
        cwd: root,
        stdio: "inherit",
    });
    return pipeline.status ?? ExitCode.failed;
});
