// Reads the --mode flag of `npm run plan` and `npm run check`: which preview the offline plan stands for.
import { UsageError } from "../shared/cli";
import { planModes, type PlanMode } from "./mockCloud";

/** The plan mode a `--mode` value names; "first-deploy" when the flag is absent. */
export function parsePlanMode(value: string | undefined): PlanMode {
    if (value === undefined) {
        return "first-deploy";
    }
    if (!(planModes as readonly string[]).includes(value)) {
        throw new UsageError(`--mode must be one of ${planModes.join(", ")} (got "${value}")`);
    }
    return value as PlanMode;
}
