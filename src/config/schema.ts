// The whole stack's schema, assembled from the sections, and every cross-field rule in the order problems print in.
import { z } from "zod";
import { assumptionKeys, assumptionSpecs, defaultAssumptions } from "../../policies/lib/cost/assumptions";
import { accessRules, readersSchema, runAsSchema } from "./access";
import { catalogRules, catalogSchema } from "./catalog";
import { clusterRules, clusterSchema } from "./cluster";
import { databricksRules, databricksSchema } from "./databricks";
import { eventHubsRules, eventHubsSchema } from "./eventHubs";
import { dashboardSchema } from "./dashboard";
import { configBoolean, guidPattern, type CrossFieldProblem, type CrossFieldRule } from "./fields";
import { jobRules, jobSchema, retriesOnlyScheduled } from "./job";
import { powerBiRules, powerBiSchema } from "./powerBi";

/** Usage assumptions of the cost estimate; the rules live with the budget policy, which validates the same keys. */
export const costSchema = z
    .object(
        Object.fromEntries(
            assumptionKeys.map((key) => {
                const spec = assumptionSpecs[key];
                const number = spec.integer ? z.number().int() : z.number();
                return [key, number.min(spec.minimum).max(spec.maximum).default(spec.default)];
            }),
        ) as Record<(typeof assumptionKeys)[number], z.ZodDefault<z.ZodNumber>>,
    )
    .strict()
    .default(defaultAssumptions);

export const stackConfigSchema = z
    .object({
        "azure-native:location": z.string().regex(/^[a-z0-9]+$/, {
            error: "must be an Azure region name such as westeurope",
        }),
        owner: z.string().min(1),
        // "" (Pulumi.yaml's default) means the stack name.
        environment: z
            .string()
            .regex(/^([a-z0-9][a-z0-9-]{0,31})?$/, {
                error: "must be lower-case letters, digits and dashes, at most 32 characters",
            })
            .optional(),
        ephemeral: configBoolean().default(true),
        adoptData: configBoolean().default(false),
        // Pins the subscription; the ids of kept storage to adopt name it.
        "azure-native:subscriptionId": z
            .string()
            .regex(guidPattern, { error: "must be a subscription id (a GUID)" })
            .optional(),
        resourceGroupName: z
            .string()
            .regex(/^([A-Za-z0-9._()-]{1,90})?$/, {
                error: "must be 1-90 letters, digits, dots, dashes, underscores or parentheses",
            })
            .optional(),
        eventHubs: eventHubsSchema,
        databricks: databricksSchema.prefault({}),
        catalog: catalogSchema.prefault({}),
        cluster: clusterSchema,
        interactiveCluster: configBoolean().default(false),
        job: jobSchema.prefault({}),
        powerBi: powerBiSchema.prefault({}),
        dashboard: dashboardSchema.prefault({}),
        runAs: runAsSchema.optional(),
        readers: readersSchema,
        cost: costSchema,
    })
    .strict();

export type ParsedConfig = z.output<typeof stackConfigSchema>;

/** Every cross-field rule, by section, in the order their problems are reported. */
const crossFieldRules: CrossFieldRule[] = [
    ...eventHubsRules,
    ...clusterRules,
    retriesOnlyScheduled,
    ...catalogRules,
    ...jobRules,
    ...databricksRules,
    ...accessRules,
    ...powerBiRules,
];

export function crossFieldProblems(raw: Record<string, unknown>): CrossFieldProblem[] {
    return crossFieldRules.flatMap((rule) => rule(raw));
}
