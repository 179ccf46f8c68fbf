// Requires an Azure Monitor alert on the stack's Event Hubs namespace for every job that reads the hub unattended.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { CronError } from "../lib/cost/cron";
import { stackPropsOf, type StackRun } from "../lib/keptInputs";
import { lagAlertMetrics, unreadMinutes, windowMinutes } from "../lib/lagAlert";
import { asBoolean, asNumber, asString, elementsOf, isRecord, isUnknown, known, PreviewGaps } from "../lib/read";
import { ResourceTypes } from "../lib/types";

/** An unpaused job that reads the hub on its own: what it is, and how long it leaves the hub unread. */
interface UnattendedJob {
    job: PolicyResource;
    trigger: string;
    unread: number;
}

/** The job's trigger when it runs unattended; undefined when paused or manual; adds a gap when it cannot tell. */
function unattended(job: PolicyResource, args: StackRun, gaps: PreviewGaps): UnattendedJob | undefined | "bad" {
    const { props, source } = stackPropsOf(job, args);
    if (source === "none") {
        gaps.add(`whether job ${job.name} runs unpaused (no outputs and no inputs seen)`);
        return undefined;
    }
    const continuous = known(() => props.continuous as unknown);
    const schedule = known(() => props.schedule as unknown);
    if (isUnknown(continuous) || isUnknown(schedule)) {
        gaps.add(`the trigger of job ${job.name}`);
        return undefined;
    }
    const trigger = isRecord(continuous) ? continuous : isRecord(schedule) ? schedule : undefined;
    if (trigger === undefined) {
        return undefined;
    }
    // Unset is UNPAUSED for both triggers (Jobs API).
    const pause = known(() => asString(trigger.pauseStatus));
    if (isUnknown(pause)) {
        gaps.add(`the pause status of job ${job.name}`);
        return undefined;
    }
    if (pause === "PAUSED") {
        return undefined;
    }
    if (trigger === continuous) {
        return { job, trigger: "continuous", unread: unreadMinutes({ mode: "continuous" }) };
    }
    const cron = known(() => asString(trigger.quartzCronExpression));
    if (isUnknown(cron) || cron === undefined) {
        gaps.add(`the schedule of job ${job.name}`);
        return undefined;
    }
    try {
        return { job, trigger: `scheduled "${cron}"`, unread: unreadMinutes({ mode: "scheduled", schedule: cron }) };
    } catch (error) {
        if (error instanceof CronError) {
            return "bad";
        }
        throw error;
    }
}

/** Minutes an alert looks back when it is a bronze lag alert that mails someone; undefined otherwise or unknown. */
function lagAlertWindow(alert: PolicyResource, args: StackRun, gaps: PreviewGaps): number | undefined {
    // Scoped through `scopes` to a namespace of this stack, whose id is unknown on a first deploy: the dependency
    // says which one.
    if (!alert.dependencies.some((dependency) => dependency.type === ResourceTypes.eventHubsNamespace)) {
        return undefined;
    }
    const { props } = stackPropsOf(alert, args);
    const enabled = known(() => asBoolean(props.enabled));
    const windowSize = known(() => asString(props.windowSize));
    const criteria = elementsOf(() => (props.criteria as Record<string, unknown> | undefined)?.allOf);
    if (isUnknown(enabled) || isUnknown(windowSize) || isUnknown(criteria)) {
        gaps.add(`the settings of alert ${alert.name}`);
        return undefined;
    }
    const has = (metric: string, operator: string, threshold: number) =>
        criteria.some(
            (criterion) =>
                isRecord(criterion) &&
                known(() => asString(criterion.metricName)) === metric &&
                known(() => asString(criterion.operator)) === operator &&
                known(() => asNumber(criterion.threshold)) === threshold &&
                known(() => asString(criterion.timeAggregation)) === "Total",
        );
    const fires = has(lagAlertMetrics.incoming, "GreaterThan", 0) && has(lagAlertMetrics.outgoing, "LessThan", 1);
    // Someone must hear of it: an action group of the stack that mails at least one address.
    const mails = alert.dependencies.some((dependency) => {
        if (dependency.type !== ResourceTypes.actionGroup) {
            return false;
        }
        const receivers = elementsOf(() => stackPropsOf(dependency, args).props.emailReceivers);
        return !isUnknown(receivers) && receivers.length > 0;
    });
    return enabled === true && fires && mails && windowSize !== undefined ? windowMinutes(windowSize) : undefined;
}

export const bronzeLagAlert: StackValidationPolicy = {
    name: "stack-bronze-lag-alert",
    description:
        "Every unpaused continuous or scheduled job has an Azure Monitor alert on the stack's Event Hubs namespace " +
        "for messages received but none delivered, over a window longer than the job leaves the hub unread.",
    configSchema: { properties: {} },
    enforcementLevel: "mandatory",
    severity: "medium",
    validateStack: (args, reportViolation) => {
        const gaps = new PreviewGaps();
        const jobs: UnattendedJob[] = [];
        for (const job of args.resources.filter((resource) => resource.type === ResourceTypes.job)) {
            const found = unattended(job, args, gaps);
            if (found === "bad") {
                reportViolation(
                    `Found job ${job.name} with a schedule that cannot be read; fix the schedule.`,
                    job.urn,
                );
            } else if (found !== undefined) {
                jobs.push(found);
            }
        }
        if (jobs.length > 0) {
            const windows = args.resources
                .filter((resource) => resource.type === ResourceTypes.metricAlert)
                .map((alert) => lagAlertWindow(alert, args, gaps))
                .filter((minutes): minutes is number => minutes !== undefined);
            for (const { job, trigger, unread } of jobs) {
                if (!windows.some((minutes) => minutes > unread)) {
                    reportViolation(
                        `Found ${trigger} job ${job.name} unpaused with no Azure Monitor alert on the stack's Event ` +
                            `Hubs namespace for ${lagAlertMetrics.incoming} > 0 and ${lagAlertMetrics.outgoing} < 1 ` +
                            `(Total) over a window longer than ${Math.round(unread)} minutes, mailed through an ` +
                            "action group: nobody would hear that bronze stopped reading. The program creates it " +
                            "(components/bronzeLagAlert.ts) for every unpaused job.",
                        job.urn,
                    );
                }
            }
        }
        gaps.throwIfAny();
    },
};
