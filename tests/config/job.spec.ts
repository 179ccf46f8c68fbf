// The job section's schedule: read by the same Quartz parser as the cost estimate, so both refuse the same schedules.
import { strict as assert } from "node:assert";
import { ConfigError, parseStackConfig } from "../../src/config";
import { CronError, runsPerDay } from "../../policies/lib/cost/cron";

function withSchedule(schedule: unknown): Record<string, unknown> {
    return {
        "azure-native:location": "westeurope",
        owner: "data-platform@example.com",
        eventHubs: { sku: "Basic", throughputUnits: 1, partitionCount: 2, retentionHours: 24 },
        cluster: { autoterminationMinutes: 10, workers: 0 },
        job: { schedule },
    };
}

function scheduleProblems(schedule: unknown): string[] {
    try {
        parseStackConfig("dev", withSchedule(schedule));
        return [];
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
        return error.problems;
    }
}

const example = 'must be a Quartz cron expression such as "0 0/15 * * * ?"';

describe("job schedule", function () {
    it("refuses an hour the cost estimate refuses, naming the key and the field", function () {
        assert.throws(() => runsPerDay("0 0 25 * * *"), CronError);
        assert.deepEqual(scheduleProblems("0 0 25 * * *"), [
            `lakestream:job.schedule ${example}: hours value "25" must be 0-23 (got "0 0 25 * * *")`,
        ]);
    });

    it("says what the parser found wrong in each field", function () {
        const refused: [string, string][] = [
            ["*/5 * * * *", "must have 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year])"],
            ["60 * * * * ?", 'seconds value "60" must be 0-59'],
            ["0 0/0 * * * ?", 'minutes step "0" must be a positive integer'],
            ["0 0 10-2 * * ?", 'hours range "10-2" runs backwards'],
            ["0 0 0 32 * ?", 'day-of-month value "32" must be 1-31'],
            ["0 0 0 ? 13 *", 'month value "13" must be 1-12 or JAN-DEC'],
            ["0 0 0 ? * FUN", 'day-of-week value "FUN" must be 1-7 or SUN-SAT'],
            ["0 0 0 1 * MON", 'Quartz needs "?" in day-of-month or day-of-week'],
        ];
        for (const [schedule, reason] of refused) {
            assert.deepEqual(scheduleProblems(schedule), [
                `lakestream:job.schedule ${example}: ${reason} (got ${JSON.stringify(schedule)})`,
            ]);
        }
    });

    it("accepts every schedule the cost estimate reads, the default among them", function () {
        for (const schedule of [
            "0 0/15 * * * ?",
            "0 30 6 ? * MON-FRI",
            "0 0 0 L * ?",
            "0 0 12 ? * 2#1",
            "0 0 * * * ? 2030",
        ]) {
            assert.doesNotThrow(() => runsPerDay(schedule), schedule);
            assert.deepEqual(scheduleProblems(schedule), [], schedule);
        }
        assert.equal(parseStackConfig("dev", withSchedule(undefined)).job.schedule, "0 0/15 * * * ?");
    });

    it("still refuses a schedule that is not text", function () {
        assert.deepEqual(scheduleProblems(15), ["lakestream:job.schedule must be a string (got 15)"]);
    });
});
