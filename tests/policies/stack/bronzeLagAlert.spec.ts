// Specs for stack-bronze-lag-alert, a stack policy, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { actionGroup, firstDeploy, job, lagAlert, namespace, wireUnknown, type Change } from "../factories";

const policy = "stack-bronze-lag-alert";

const scheduled = (cron: string, pauseStatus?: string, change: Change = {}) =>
    job({ ...change, inputs: { schedule: { quartzCronExpression: cron, timezoneId: "UTC", pauseStatus } } });
const continuous = (pauseStatus?: string) =>
    job({ inputs: { timeoutSeconds: undefined, continuous: { pauseStatus, taskRetryMode: "ON_FAILURE" } } });

/** Namespace, action group and alert with `window`, as the program declares them for an unpaused job. */
function alerting(window = "PT30M", alertChange: Change = {}) {
    const ns = namespace();
    const group = actionGroup();
    const alert = lagAlert(ns, group, alertChange);
    alert.inputs = { ...alert.inputs, windowSize: window, ...alertChange.inputs };
    return [ns, group, alert];
}

describe(policy, () => {
    it("accepts a job every 15 minutes with a 30-minute alert, and a continuous job with a 15-minute one", async () => {
        assert.deepEqual(await violationsOf(policy, [...alerting("PT30M"), scheduled("0 0/15 * * * ?")]), []);
        assert.deepEqual(await violationsOf(policy, [...alerting("PT15M"), continuous("UNPAUSED")]), []);
    });

    it("asks nothing of a paused job or a job with no trigger", async () => {
        assert.deepEqual(await violationsOf(policy, [namespace(), scheduled("0 0/15 * * * ?", "PAUSED")]), []);
        assert.deepEqual(await violationsOf(policy, [namespace(), continuous("PAUSED")]), []);
        assert.deepEqual(await violationsOf(policy, [namespace(), job()]), []);
    });

    it("rejects an unpaused job without an alert, counting an unset pause status as unpaused", async () => {
        const running = continuous(undefined);
        const [violation, ...rest] = await violationsOf(policy, [namespace(), running]);
        assert.deepEqual(rest, []);
        assert.equal(violation.urn, running.urn);
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.match(
            violation.message,
            /\nFound continuous job medallion unpaused with no Azure Monitor alert .*IncomingMessages > 0 and OutgoingMessages < 1 \(Total\) over a window longer than 5 minutes/,
        );
    });

    it("rejects a window no longer than the time between scheduled runs", async () => {
        // Hourly runs leave the hub unread for 60 minutes: a 1-hour window fires between every two runs.
        const [violation] = await violationsOf(policy, [...alerting("PT1H"), scheduled("0 0 * * * ?")]);
        assert.match(violation.message, /scheduled "0 0 \* \* \* \?" job medallion .* longer than 60 minutes/);
        assert.deepEqual(await violationsOf(policy, [...alerting("PT6H"), scheduled("0 0 * * * ?")]), []);
    });

    it("rejects an alert that is disabled, watches another condition, mails nobody or is not on a namespace", async () => {
        const running = scheduled("0 0/15 * * * ?");
        const disabled = alerting("PT30M", { inputs: { enabled: false } });
        const wrongMetric = alerting("PT30M");
        const criteria = wrongMetric[2].inputs.criteria as { allOf: Record<string, unknown>[] };
        wrongMetric[2].inputs = {
            ...wrongMetric[2].inputs,
            criteria: {
                ...criteria,
                allOf: [criteria.allOf[0], { ...criteria.allOf[1], metricName: "IncomingBytes" }],
            },
        };
        const ns = namespace();
        const silent = actionGroup({ inputs: { emailReceivers: [] } });
        const mailsNobody = [ns, silent, lagAlert(ns, silent)];
        const group = actionGroup();
        const elsewhere = [ns, group, lagAlert(ns, group, { dependencies: [group.urn] })];
        for (const stack of [disabled, wrongMetric, mailsNobody, elsewhere]) {
            const found = await violationsOf(policy, [...stack, running]);
            assert.equal(found.length, 1, JSON.stringify(found));
            assert.match(found[0].message, /no Azure Monitor alert/);
        }
    });

    it("on a first deploy reads the job's kept inputs and accepts the alert whose scope and action are unknown", async () => {
        assert.deepEqual(
            await violationsOf(policy, firstDeploy([...alerting("PT30M"), scheduled("0 0/15 * * * ?")])),
            [],
        );
        const [violation] = await violationsOf(policy, firstDeploy([namespace(), continuous("UNPAUSED")]));
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.match(violation.message, /no Azure Monitor alert/);
    });

    it("says it could not check a job whose pause status is unknown during preview", async () => {
        const [advisory, ...rest] = await violationsOf(policy, [namespace(), continuous(wireUnknown)]);
        assert.deepEqual(rest, []);
        assert.equal(advisory.enforcementLevel, "advisory");
        assert.match(
            advisory.message,
            /can't run policy 'stack-bronze-lag-alert' .* during preview: not checked, unknown until the update runs: the pause status of job medallion$/,
        );
    });
});
