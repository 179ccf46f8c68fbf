// The `lakestream:dashboard` section: the stack's AI/BI dashboards (readers' and owners'), on by default.
import { z } from "zod";
import { configBoolean } from "./fields";

export const dashboardSchema = z
    .object({
        // Both dashboards or neither: the owners' one is the readers' one plus the pipeline's health.
        enabled: configBoolean().default(true),
    })
    .strict();
