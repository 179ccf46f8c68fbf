// The `lakestream:job` section: the streaming job's mode, schedule and batches, and the rules that tie them together.
import { z } from "zod";
import { jobDefaults } from "../../components/medallionJobPlan";
import { CronError, runsPerDay } from "../../policies/lib/cost/cron";
import { configBoolean, emailPattern, intBetween, isTrue, record, type CrossFieldRule } from "./fields";

/**
 * The default `maxEventsPerTrigger`: twice what the namespace takes in during one trigger (Event Hubs ingress is
 * 1,000 events/s per throughput unit), so that a micro-batch never falls behind the hub's own limit, and at least
 * 10,000, below which the fixed cost of a micro-batch (commit, offsets, a receiver per partition) dominates.
 */
export function defaultMaxEventsPerTrigger(throughputUnits: number, triggerSeconds: number): number {
    return Math.max(10_000, throughputUnits * 1000 * triggerSeconds * 2);
}

/** A Quartz cron expression as the cost estimate reads it: the one parser, so a schedule it refuses never deploys. */
const quartzSchedule = z.string().superRefine((schedule, context) => {
    try {
        runsPerDay(schedule);
    } catch (error) {
        if (!(error instanceof CronError)) {
            throw error;
        }
        context.addIssue({
            code: "custom",
            message: `must be a Quartz cron expression such as "${jobDefaults.schedule}": ${error.reason}`,
        });
    }
});

const backlogSchema = z
    .object({
        maxFiles: intBetween(1, 1_000_000).default(jobDefaults.backlog.maxFiles),
        maxBytes: intBetween(1024, 1024 ** 4).default(jobDefaults.backlog.maxBytes),
    })
    .strict();

export const jobSchema = z
    .object({
        mode: z.enum(["continuous", "availableNow"]).default(jobDefaults.mode),
        // One stream writing every layer per micro-batch, or one stream (and task) per layer (docs/operations.md).
        streams: z.enum(["single", "layered"]).default(jobDefaults.streams),
        // Continuous runs only; scheduled runs drain the hub and stop, whatever the trigger interval.
        triggerSeconds: intBetween(1, 300).optional(),
        schedule: quartzSchedule.default(jobDefaults.schedule),
        timezone: z.string().min(1).default(jobDefaults.timezone),
        // Scheduled runs only: a continuous run is meant to run, and its health rules watch it instead.
        timeoutSeconds: intBetween(60, 7 * 24 * 3600).optional(),
        maxRetries: intBetween(0, 10).optional(),
        startingPosition: z.enum(["start", "latest"]).default(jobDefaults.startingPosition),
        maxEventsPerTrigger: intBetween(1, 10_000_000).optional(),
        goldOutputMode: z.enum(["update", "append"]).default(jobDefaults.goldOutputMode),
        // Defaults to the stack's `ephemeral`: an idle dev stack costs nothing until someone unpauses it.
        paused: configBoolean().optional(),
        compute: z.enum(["job", "interactive"]).default("job"),
        taskRetryMode: z.enum(["ON_FAILURE", "NEVER"]).optional(),
        notify: z
            .array(
                z
                    .string()
                    .regex(emailPattern, { error: "must be an e-mail address such as data-platform@example.com" }),
            )
            .optional(),
        backlog: backlogSchema.prefault({}),
    })
    .strict();

/** A rule that one job setting fits only one mode: `key` is refused when `applies(mode)` is false. */
function onlyInMode(key: string, applies: (mode: unknown) => boolean, message: string): CrossFieldRule {
    return (raw) => {
        const job = record(raw.job);
        return !applies(job.mode) && job[key] !== undefined ? [{ path: ["job", key], message }] : [];
    };
}

const continuous = (mode: unknown) => mode === "continuous";
const scheduled = (mode: unknown) => mode !== "continuous";

export const retriesOnlyScheduled = onlyInMode(
    "maxRetries",
    scheduled,
    "is not allowed with mode continuous: Databricks retries continuous jobs itself",
);

const timeoutOnlyScheduled = onlyInMode(
    "timeoutSeconds",
    scheduled,
    "is not allowed with mode continuous: a continuous run is meant to run; its health rules and " +
        "failure notifications watch it",
);

const triggerOnlyContinuous = onlyInMode(
    "triggerSeconds",
    continuous,
    "only applies to mode continuous: a scheduled run drains what the hub holds and stops, so it has " +
        "no trigger interval",
);

const retryModeOnlyContinuous = onlyInMode(
    "taskRetryMode",
    continuous,
    "only applies to mode continuous (scheduled runs retry with job.maxRetries)",
);

function interactiveComputeNeedsCluster(raw: Record<string, unknown>) {
    return record(raw.job).compute === "interactive" && !isTrue(raw.interactiveCluster)
        ? [
              {
                  path: ["job", "compute"],
                  message: "interactive needs lakestream:interactiveCluster: true, the cluster the tasks would run on",
              },
          ]
        : [];
}

function notifyDefaultIsAnAddress(raw: Record<string, unknown>) {
    const owner = raw.owner;
    return record(raw.job).notify === undefined && typeof owner === "string" && !emailPattern.test(owner)
        ? [
              {
                  path: ["job", "notify"],
                  message:
                      `must list the e-mail addresses that hear about failures: it defaults to lakestream:owner, ` +
                      `which is not an e-mail address ("${owner}")`,
              },
          ]
        : [];
}

/** The job's rules after `retriesOnlyScheduled`, which reports before the catalog's (the order problems print in). */
export const jobRules: CrossFieldRule[] = [
    timeoutOnlyScheduled,
    triggerOnlyContinuous,
    retryModeOnlyContinuous,
    interactiveComputeNeedsCluster,
    notifyDefaultIsAnAddress,
];
