// BronzeLagAlert: the action group and the metric alert on the namespace, under the Pulumi mock runtime.
import { strict as assert } from "node:assert";
import * as components from "../../../components";
import { ofType, recordEachTest, settle, typesAndNames, valueOf, type RecordedResource } from "../harness";

const namespaceId =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/ns";

describe("BronzeLagAlert", function () {
    let recorded: RecordedResource[] = [];
    recordEachTest((resources) => (recorded = resources));

    const alertOf = (args: Partial<components.BronzeLagAlertArgs>) =>
        new components.BronzeLagAlert("ls", {
            namespaceId,
            resourceGroupName: "rg",
            mode: "continuous",
            notify: ["oncall@example.com", "data@example.com"],
            tags: { owner: "o", environment: "prod" },
            ...args,
        });

    it("mails every notify address through a global action group with a short name Azure accepts", async function () {
        const alert = alertOf({});
        const groupId = await valueOf(alert.actionGroupId);
        await settle();
        assert.deepEqual(typesAndNames(recorded), [
            "azure-native:monitor:ActionGroup ls-oncall",
            "azure-native:monitor:MetricAlert ls-bronze-lag",
        ]);
        const [group] = ofType(recorded, "azure-native:monitor:ActionGroup");
        assert.equal(group.inputs.location, "global");
        assert.ok(String(group.inputs.groupShortName).length <= 12);
        assert.equal(group.inputs.enabled, true);
        assert.deepEqual(
            (group.inputs.emailReceivers as { emailAddress: string }[]).map((receiver) => receiver.emailAddress),
            ["oncall@example.com", "data@example.com"],
        );
        assert.deepEqual(group.inputs.tags, { owner: "o", environment: "prod" });
        const [rule] = ofType(recorded, "azure-native:monitor:MetricAlert");
        assert.deepEqual(rule.inputs.actions, [{ actionGroupId: groupId }]);
        assert.match(groupId, /\/providers\/Microsoft\.Insights\/actionGroups\//);
    });

    it("fires when the namespace received messages and delivered none, both in one window", async function () {
        alertOf({});
        await settle();
        const [rule] = ofType(recorded, "azure-native:monitor:MetricAlert");
        assert.deepEqual(rule.inputs.scopes, [namespaceId]);
        assert.equal(rule.inputs.location, "global");
        assert.equal(rule.inputs.enabled, true);
        assert.equal(rule.inputs.autoMitigate, true);
        const criteria = rule.inputs.criteria as { odataType: string; allOf: Record<string, unknown>[] };
        assert.equal(criteria.odataType, "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria");
        assert.deepEqual(
            criteria.allOf.map((c) => [c.metricNamespace, c.metricName, c.timeAggregation, c.operator, c.threshold]),
            [
                ["Microsoft.EventHub/namespaces", "IncomingMessages", "Total", "GreaterThan", 0],
                ["Microsoft.EventHub/namespaces", "OutgoingMessages", "Total", "LessThan", 1],
            ],
        );
    });

    it("looks back 15 minutes on a continuous job, and at least twice the schedule's interval on a scheduled one", async function () {
        const windows: [Partial<components.BronzeLagAlertArgs>, string][] = [
            [{ mode: "continuous" }, "PT15M"],
            // Every 15 minutes: 30 minutes covers a gap between runs and a run that reads late.
            [{ mode: "availableNow", schedule: "0 0/15 * * * ?" }, "PT30M"],
            // Every 5 minutes: twice is 10, below the 15-minute floor.
            [{ mode: "availableNow", schedule: "0 0/5 * * * ?" }, "PT15M"],
            // Hourly: 2 hours is no window Azure accepts; the next one up is 6 hours.
            [{ mode: "availableNow", schedule: "0 0 * * * ?" }, "PT6H"],
            // Every 12 hours: a day, the longest window.
            [{ mode: "availableNow", schedule: "0 0 0/12 * * ?" }, "P1D"],
        ];
        for (const [args, expected] of windows) {
            const alert = alertOf(args);
            assert.equal(alert.windowSize, expected, JSON.stringify(args));
        }
        await settle();
        for (const rule of ofType(recorded, "azure-native:monitor:MetricAlert")) {
            assert.equal(rule.inputs.evaluationFrequency, "PT5M");
        }
    });

    it("refuses a schedule no window covers, no recipient, and a scheduled job without a schedule", function () {
        assert.throws(
            () => alertOf({ mode: "availableNow", schedule: "0 0 3 * * ?" }),
            /schedule "0 0 3 \* \* \?" leaves the hub unread for 1440 minutes .* at least every 12 hours/,
        );
        assert.throws(() => alertOf({ notify: [] }), /notify must list at least one e-mail address/);
        assert.throws(() => alertOf({ mode: "availableNow" }), /schedule is required with mode availableNow/);
    });
});
