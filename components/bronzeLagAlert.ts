// BronzeLagAlert: an Azure Monitor alert that mails when events reach the Event Hubs namespace but nothing reads them.
import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { lagAlertMetrics, lagAlertWindow, unreadMinutes } from "../policies/lib/lagAlert";

export interface BronzeLagAlertArgs {
    /** ARM id of the Event Hubs namespace the stream that writes bronze reads. */
    namespaceId: pulumi.Input<string>;
    /** Resource group of the alert rule and its action group: the namespace's. */
    resourceGroupName: pulumi.Input<string>;
    /** How the job reads the hub: "continuous" all the time, "availableNow" in runs on `schedule`. */
    mode: "continuous" | "availableNow";
    /** Quartz cron schedule of the runs; required with mode "availableNow". Defaults to none. */
    schedule?: string;
    /** E-mail addresses the alert mails (the job's failure recipients); at least one. */
    notify: string[];
    /** Tags for the rule and the action group. Defaults to none. */
    tags?: Record<string, string>;
}

export class BronzeLagAlert extends pulumi.ComponentResource {
    /** Name of the metric alert rule. */
    public readonly alertName: pulumi.Output<string>;
    /** ARM id of the action group the rule mails through. */
    public readonly actionGroupId: pulumi.Output<string>;
    /** ISO 8601 window the rule looks back over, e.g. "PT30M". */
    public readonly windowSize: string;

    constructor(name: string, args: BronzeLagAlertArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakestream:monitoring:BronzeLagAlert", name, {}, opts);

        if (args.notify.length === 0) {
            throw new pulumi.ResourceError("notify must list at least one e-mail address the alert mails", this);
        }
        if (args.mode === "availableNow" && args.schedule === undefined) {
            throw new pulumi.ResourceError(
                "schedule is required with mode availableNow: the window depends on it",
                this,
            );
        }
        const unread = unreadMinutes({
            mode: args.mode === "continuous" ? "continuous" : "scheduled",
            schedule: args.schedule,
        });
        // A scheduled stack delivers nothing between runs: a window shorter than that gap would fire every time.
        const window = lagAlertWindow(unread);
        if (window === undefined) {
            throw new pulumi.ResourceError(
                `schedule "${args.schedule}" leaves the hub unread for ${Math.round(unread)} minutes between runs on ` +
                    "average; an Azure Monitor metric alert looks back at most 1 day, which must be twice that: run " +
                    "the job at least every 12 hours",
                this,
            );
        }

        const actionGroup = new monitor.ActionGroup(
            `${name}-oncall`,
            {
                resourceGroupName: args.resourceGroupName,
                // Action groups are global resources: Azure accepts only "global" as their location.
                location: "global",
                // The sender name in its e-mails; Azure allows at most 12 characters.
                groupShortName: "lakestream",
                enabled: true,
                emailReceivers: args.notify.map((emailAddress, index) => ({
                    name: `notify-${index + 1}`,
                    emailAddress,
                    useCommonAlertSchema: true,
                })),
                tags: args.tags,
            },
            { parent: this },
        );

        const alert = new monitor.MetricAlert(
            `${name}-bronze-lag`,
            {
                resourceGroupName: args.resourceGroupName,
                location: "global",
                description:
                    "Events arrive in Event Hubs but nothing reads them: the stream that writes bronze is stopped, " +
                    "failing or paused (docs/operations.md, Bronze's lag).",
                severity: 2,
                enabled: true,
                scopes: [args.namespaceId],
                windowSize: window.iso,
                // Evaluated every 5 minutes whatever the window: the alert fires within 5 minutes of the condition.
                evaluationFrequency: "PT5M",
                // Both conditions must hold: a quiet hub (nothing received) never alerts.
                criteria: {
                    odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                    allOf: [
                        {
                            criterionType: "StaticThresholdCriterion",
                            name: "received",
                            metricNamespace: lagAlertMetrics.namespace,
                            metricName: lagAlertMetrics.incoming,
                            operator: "GreaterThan",
                            threshold: 0,
                            timeAggregation: "Total",
                        },
                        {
                            criterionType: "StaticThresholdCriterion",
                            name: "none-delivered",
                            metricNamespace: lagAlertMetrics.namespace,
                            metricName: lagAlertMetrics.outgoing,
                            operator: "LessThan",
                            threshold: 1,
                            timeAggregation: "Total",
                        },
                    ],
                },
                // Resolves itself (and says so) once the stream reads again.
                autoMitigate: true,
                actions: [{ actionGroupId: actionGroup.id }],
                tags: args.tags,
            },
            { parent: this },
        );

        this.alertName = alert.name;
        this.actionGroupId = actionGroup.id;
        this.windowSize = window.iso;
        this.registerOutputs({
            alertName: this.alertName,
            actionGroupId: this.actionGroupId,
            windowSize: this.windowSize,
        });
    }
}
