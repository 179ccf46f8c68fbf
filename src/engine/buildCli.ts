// `npm run engine:build`: makes sure the pinned pulumi CLI exists (a build step before the engine's tests, never inside one).
import { ExitCode, runMain } from "../shared/cli";
import { ensureCli, EngineUnavailable } from "./pulumiCli";

runMain(async () => {
    try {
        const cli = await ensureCli();
        const where = cli.root === undefined ? "the pulumi on the PATH" : cli.root;
        console.log(`pulumi CLI v${cli.version}: ${cli.source === "built" ? "built into" : "found at"} ${where}`);
        return ExitCode.ok;
    } catch (error) {
        if (error instanceof EngineUnavailable) {
            console.error(`error: ${error.message}`);
            return ExitCode.engineFailed;
        }
        throw error;
    }
});
