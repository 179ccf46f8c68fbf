// Specs for reading Quartz cron schedules as runs per day.
import { strict as assert } from "node:assert";
import { CronError, runsPerDay } from "../../policies/lib/cost/cron";

const close = (actual: number, expected: number) =>
    assert.ok(Math.abs(actual - expected) < 1e-9, `expected ${expected}, got ${actual}`);

describe("cost: Quartz cron runs per day", () => {
    it("counts every 15 minutes as 96 runs and once a day as 1", () => {
        assert.equal(runsPerDay("0 0/15 * * * ?"), 96);
        assert.equal(runsPerDay("0 */15 * * * ?"), 96);
        assert.equal(runsPerDay("0 0 2 * * ?"), 1);
        assert.equal(runsPerDay("0 0,30 8-17 * * ?"), 20);
        assert.equal(runsPerDay("0 0 6 * * ? 2027"), 1);
    });

    it("averages days of the week and of the month over the month", () => {
        close(runsPerDay("0 0 9-17 ? * MON-FRI"), (9 * 5) / 7);
        close(runsPerDay("0 0 9 ? * 2,4"), 2 / 7);
        close(runsPerDay("0 0 0 1 * ?"), 12 / 365.25);
        close(runsPerDay("0 0 0 L * ?"), 12 / 365.25);
        close(runsPerDay("0 0 0 ? * 6#3"), 12 / 365.25);
        close(runsPerDay("0 0 0 * JAN,JUL ?"), 2 / 12);
    });

    it("refuses what it cannot read, naming the expression and the field", () => {
        assert.throws(
            () => runsPerDay("0 0 25 * * ?"),
            (error: Error) => {
                assert.ok(error instanceof CronError);
                assert.match(error.message, /cron "0 0 25 \* \* \?": hours value "25" must be 0-23/);
                return true;
            },
        );
        assert.throws(() => runsPerDay("*/5 * * * *"), /must have 6 or 7 fields/);
        assert.throws(() => runsPerDay("0 0 0 1 * MON"), /needs "\?" in day-of-month or day-of-week/);
        assert.throws(() => runsPerDay("0 0/0 * * * ?"), /minutes step "0" must be a positive integer/);
        assert.throws(() => runsPerDay("0 0 10-2 * * ?"), /hours range "10-2" runs backwards/);
        assert.throws(() => runsPerDay("0 0 0 ? * FUN"), /day-of-week value "FUN" must be 1-7 or SUN-SAT/);
    });
});
