import { invalidInput } from '../../core/errors';

const MINUTE_MS = 60_000;
/** Matches are searched this far ahead or back: "30 2 30 2 *" (Feb 30) never matches. */
const SEARCH_YEARS = 8;

interface FieldSpec {
  name: string;
  low: number;
  high: number;
  names?: Readonly<Record<string, number>>;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', low: 0, high: 59 },
  { name: 'hour', low: 0, high: 23 },
  { name: 'day of month', low: 1, high: 31 },
  {
    name: 'month',
    low: 1,
    high: 12,
    names: { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 },
  },
  // 0 and 7 are both Sunday.
  { name: 'day of week', low: 0, high: 7, names: { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 } },
];

/**
 * A five-field cron schedule (minute, hour, day of month, month, day of week) evaluated in UTC.
 * Each field is a comma list of `*`, values or ranges (`1-5`, `MON-FRI`, `JAN-MAR`), each with an
 * optional step (`*\/15`, `0-30/10`, `5/15` = from 5 to the field's end). As in Vixie cron, when
 * both day fields are restricted (neither starts with `*`) a day matches if either matches.
 */
export class CronExpression {
  private constructor(
    readonly source: string,
    private readonly minutes: ReadonlySet<number>,
    private readonly hours: ReadonlySet<number>,
    private readonly daysOfMonth: ReadonlySet<number>,
    private readonly months: ReadonlySet<number>,
    /** 0–6, Sunday = 0. */
    private readonly daysOfWeek: ReadonlySet<number>,
    private readonly dayOfMonthStar: boolean,
    private readonly dayOfWeekStar: boolean,
  ) {}

  /** Parses a schedule; invalid-input naming the field when it is not one. */
  static parse(source: string): CronExpression {
    const fields = source.trim().split(/\s+/);
    if (fields.length !== FIELDS.length)
      throw invalidInput(
        `"${source}" is not a cron schedule: it needs five fields (minute hour day-of-month month day-of-week), e.g. "0 7 * * MON-FRI".`,
      );
    const sets = fields.map((field, index) => parseField(source, field, FIELDS[index]!));
    const daysOfWeek = new Set([...sets[4]!].map((day) => day % 7));
    return new CronExpression(
      source,
      sets[0]!,
      sets[1]!,
      sets[2]!,
      sets[3]!,
      daysOfWeek,
      fields[2]!.startsWith('*'),
      fields[4]!.startsWith('*'),
    );
  }

  /** Whether the schedule runs in the UTC minute that holds `at`. */
  matches(at: Date): boolean {
    return (
      this.minutes.has(at.getUTCMinutes()) &&
      this.hours.has(at.getUTCHours()) &&
      this.months.has(at.getUTCMonth() + 1) &&
      this.dayMatches(at)
    );
  }

  /** The first minute the schedule runs strictly after `after`, or undefined when it never does. */
  next(after: Date): Date | undefined {
    const limit = after.getTime() + SEARCH_YEARS * 366 * 86_400_000;
    let t = new Date(floorToMinute(after.getTime()) + MINUTE_MS);
    while (t.getTime() <= limit) {
      if (!this.months.has(t.getUTCMonth() + 1)) {
        t = utc(t.getUTCFullYear(), t.getUTCMonth() + 1, 1, 0, 0);
      } else if (!this.dayMatches(t)) {
        t = utc(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1, 0, 0);
      } else if (!this.hours.has(t.getUTCHours())) {
        t = utc(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours() + 1, 0);
      } else if (!this.minutes.has(t.getUTCMinutes())) {
        t = new Date(t.getTime() + MINUTE_MS);
      } else {
        return t;
      }
    }
    return undefined;
  }

  /** The last minute the schedule runs at or before `atOrBefore`, or undefined when it never did. */
  previous(atOrBefore: Date): Date | undefined {
    const limit = atOrBefore.getTime() - SEARCH_YEARS * 366 * 86_400_000;
    let t = new Date(floorToMinute(atOrBefore.getTime()));
    while (t.getTime() >= limit) {
      // Each step goes to the last minute of the previous month, day or hour (or the minute before).
      if (!this.months.has(t.getUTCMonth() + 1)) {
        t = new Date(utc(t.getUTCFullYear(), t.getUTCMonth(), 1, 0, 0).getTime() - MINUTE_MS);
      } else if (!this.dayMatches(t)) {
        t = new Date(utc(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), 0, 0).getTime() - MINUTE_MS);
      } else if (!this.hours.has(t.getUTCHours())) {
        t = new Date(
          utc(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours(), 0).getTime() - MINUTE_MS,
        );
      } else if (!this.minutes.has(t.getUTCMinutes())) {
        t = new Date(t.getTime() - MINUTE_MS);
      } else {
        return t;
      }
    }
    return undefined;
  }

  private dayMatches(at: Date): boolean {
    const byMonth = this.daysOfMonth.has(at.getUTCDate());
    const byWeek = this.daysOfWeek.has(at.getUTCDay());
    if (this.dayOfMonthStar || this.dayOfWeekStar) return byMonth && byWeek;
    return byMonth || byWeek;
  }
}

/** `at` (ms) rounded down to its UTC minute. */
export function floorToMinute(at: number): number {
  return Math.floor(at / MINUTE_MS) * MINUTE_MS;
}

function utc(year: number, month: number, day: number, hour: number, minute: number): Date {
  return new Date(Date.UTC(year, month, day, hour, minute));
}

function parseField(source: string, field: string, spec: FieldSpec): Set<number> {
  const refuse = (why: string) =>
    invalidInput(`"${source}" is not a cron schedule: the ${spec.name} field "${field}" ${why}.`);
  const value = (text: string): number => {
    const number = /^\d+$/.test(text) ? Number(text) : spec.names?.[text.toUpperCase()];
    if (number === undefined) throw refuse(`has "${text}", which is not a number${spec.names ? ' or a name' : ''}`);
    if (number < spec.low || number > spec.high) throw refuse(`has ${text}, outside ${spec.low}–${spec.high}`);
    return number;
  };
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined) throw refuse('has more than one "/"');
    if (stepText !== undefined && !/^[1-9]\d*$/.test(stepText)) throw refuse(`has the step "${stepText}"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    let from: number;
    let to: number;
    if (range === '*') {
      [from, to] = [spec.low, spec.high];
    } else {
      const [start = '', end, beyond] = range.split('-');
      if (beyond !== undefined) throw refuse(`has the range "${range}"`);
      from = value(start);
      // "5/15" runs from 5 to the field's end, as in Vixie cron.
      to = end !== undefined ? value(end) : stepText !== undefined ? spec.high : from;
      if (from > to) throw refuse(`has the reversed range "${range}"`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}
