// How often a Quartz cron expression (the Databricks job schedule format) fires, on average per day.

const monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/** A month of the Gregorian calendar has 30.44 days on average (365.25 / 12). */
const daysPerMonth = 365.25 / 12;

/** A cron expression the estimate cannot read; the message names the expression and the field. */
export class CronError extends Error {
    constructor(
        message: string,
        /** What is wrong, without the expression, for a reader that names the expression its own way. */
        readonly reason: string,
    ) {
        super(message);
    }
}

function refused(expression: string, reason: string): CronError {
    return new CronError(`cron "${expression}": ${reason}`, reason);
}

interface FieldRule {
    name: string;
    min: number;
    max: number;
    names?: string[];
}

const rules: FieldRule[] = [
    { name: "seconds", min: 0, max: 59 },
    { name: "minutes", min: 0, max: 59 },
    { name: "hours", min: 0, max: 23 },
    { name: "day-of-month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: monthNames },
    // Quartz numbers the days of the week 1 (SUN) to 7 (SAT).
    { name: "day-of-week", min: 1, max: 7, names: dayNames },
];

function value(text: string, rule: FieldRule, expression: string): number {
    const index = rule.names?.indexOf(text.toUpperCase()) ?? -1;
    const number = index >= 0 ? index + rule.min : /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(number) || number < rule.min || number > rule.max) {
        throw refused(
            expression,
            `${rule.name} value "${text}" must be ${rule.min}-${rule.max}` +
                (rule.names ? ` or ${rule.names[0]}-${rule.names[rule.names.length - 1]}` : ""),
        );
    }
    return number;
}

/** The values a plain field (lists, ranges, steps, `*`, `?`) selects. */
function values(field: string, rule: FieldRule, expression: string): Set<number> {
    const selected = new Set<number>();
    for (const part of field.split(",")) {
        const [range, stepText] = part.split("/");
        const step = stepText === undefined ? 1 : Number(stepText);
        if (!Number.isInteger(step) || step < 1) {
            throw refused(expression, `${rule.name} step "${stepText}" must be a positive integer`);
        }
        let from: number;
        let to: number;
        if (range === "*" || range === "?") {
            [from, to] = [rule.min, rule.max];
        } else if (range.includes("-")) {
            const [low, high] = range.split("-");
            [from, to] = [value(low, rule, expression), value(high, rule, expression)];
        } else {
            from = value(range, rule, expression);
            to = stepText === undefined ? from : rule.max;
        }
        if (to < from) {
            throw refused(expression, `${rule.name} range "${range}" runs backwards`);
        }
        for (let current = from; current <= to; current += step) {
            selected.add(current);
        }
    }
    return selected;
}

const unrestricted = (field: string) => field === "*" || field === "?";

/** Days per month a day-of-month or day-of-week field selects, including Quartz's L, W and # forms. */
function daysSelectedPerMonth(field: string, rule: FieldRule, expression: string): number {
    if (rule.name === "day-of-month" && /^(L(-\d+)?|LW|\d+W)$/.test(field)) {
        return 1;
    }
    if (rule.name === "day-of-week" && /^[A-Za-z0-9]+(L|#[1-5])$/.test(field)) {
        return 1;
    }
    const count = values(field, rule, expression).size;
    return rule.name === "day-of-week" ? (count * daysPerMonth) / 7 : count;
}

/**
 * Average number of times a Quartz cron expression (`sec min hour day-of-month month day-of-week [year]`) fires per
 * day. Throws a CronError naming the expression and the field for anything it cannot read.
 */
export function runsPerDay(expression: string): number {
    const fields = expression.trim().split(/\s+/);
    if (fields.length < 6 || fields.length > 7) {
        const reason = "must have 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year])";
        throw new CronError(`cron "${expression}" ${reason}`, reason);
    }
    const [seconds, minutes, hours, dayOfMonth, month, dayOfWeek] = fields;
    const perDay =
        values(seconds, rules[0], expression).size *
        values(minutes, rules[1], expression).size *
        values(hours, rules[2], expression).size;
    let daysPerMonthSelected = daysPerMonth;
    if (!unrestricted(dayOfMonth) && !unrestricted(dayOfWeek)) {
        throw refused(expression, `Quartz needs "?" in day-of-month or day-of-week`);
    }
    if (!unrestricted(dayOfMonth)) {
        daysPerMonthSelected = Math.min(daysPerMonth, daysSelectedPerMonth(dayOfMonth, rules[3], expression));
    } else if (!unrestricted(dayOfWeek)) {
        daysPerMonthSelected = daysSelectedPerMonth(dayOfWeek, rules[5], expression);
    }
    const monthShare = values(month, rules[4], expression).size / 12;
    return perDay * (daysPerMonthSelected / daysPerMonth) * monthShare;
}
