// The bronze lag alert's rules, shared by the component that creates it and the policy that requires it.
import { runsPerDay } from "./cost/cron";

/** Azure Monitor metric alert window sizes, the only ones the API accepts (Microsoft.Insights/metricAlerts). */
export const metricAlertWindows: readonly { iso: string; minutes: number }[] = [
    { iso: "PT1M", minutes: 1 },
    { iso: "PT5M", minutes: 5 },
    { iso: "PT15M", minutes: 15 },
    { iso: "PT30M", minutes: 30 },
    { iso: "PT1H", minutes: 60 },
    { iso: "PT6H", minutes: 360 },
    { iso: "PT12H", minutes: 720 },
    { iso: "P1D", minutes: 1440 },
];

/** Event Hubs namespace metrics the alert compares: what the hub took in, and what it handed to readers. */
export const lagAlertMetrics = {
    namespace: "Microsoft.EventHub/namespaces",
    incoming: "IncomingMessages",
    outgoing: "OutgoingMessages",
} as const;

/** Minutes in an ISO 8601 window the alert API accepts, or undefined for any other text. */
export function windowMinutes(iso: string): number | undefined {
    return metricAlertWindows.find((window) => window.iso === iso)?.minutes;
}

/**
 * The longest the job leaves the hub unread in normal operation, in minutes. A continuous job reads every trigger
 * (at most 5 minutes apart) and restarts within a minute of a failure, so 5; a scheduled job reads only during runs,
 * so the average interval between two runs of its Quartz schedule.
 */
export function unreadMinutes(job: { mode: "continuous" | "scheduled"; schedule?: string }): number {
    if (job.mode === "continuous") {
        return 5;
    }
    if (job.schedule === undefined) {
        throw new Error("a scheduled job needs its Quartz schedule to size the lag alert's window");
    }
    return 1440 / runsPerDay(job.schedule);
}

/**
 * The window of the alert: the smallest the API accepts that is at least twice the longest normal unread stretch
 * (and at least 15 minutes), so a run that starts late or takes a while to read does not page anyone. Undefined
 * when no window is long enough (a schedule more than 12 hours apart).
 */
export function lagAlertWindow(unread: number): { iso: string; minutes: number } | undefined {
    return metricAlertWindows.find((window) => window.minutes >= Math.max(15, 2 * unread));
}
