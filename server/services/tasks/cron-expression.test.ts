import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { parseAppManifest } from '../../protocol/app-manifest';
import { CronExpression, floorToMinute } from './cron-expression';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | undefined) => date?.toISOString();

/** Every minute the schedule matches in [from, to), by brute force: the reference for next/previous. */
function bruteForce(expression: CronExpression, from: string, to: string): string[] {
  const found: string[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 60_000) {
    if (expression.matches(new Date(t))) found.push(new Date(t).toISOString());
  }
  return found;
}

describe('CronExpression.parse', () => {
  it.each([
    ['* * * * *'],
    ['*/15 * * * *'],
    ['0 7 * * 1-5'],
    ['30 6 1,15 JAN-MAR sun'],
    ['0 0 * * 7'],
    ['5/15 * * * *'],
    ['0-30/10 9-17 * * MON-FRI'],
    ['0 0 1 jan,jul *'],
    ['  0   12  *  *  *  '],
  ])('accepts %j', (source) => {
    expect(CronExpression.parse(source).source).toBe(source);
  });

  it.each([
    ['', 'five fields'],
    ['* * * *', 'five fields'],
    ['0 0 7 * * *', 'five fields'],
    ['60 * * * *', 'minute field "60" has 60, outside 0–59'],
    ['0 24 * * *', 'hour field "24" has 24, outside 0–23'],
    ['0 0 0 * *', 'day of month field "0"'],
    ['0 0 32 * *', 'day of month field "32"'],
    ['0 0 * 13 *', 'month field "13"'],
    ['0 0 * * 8', 'day of week field "8"'],
    ['0 9-5 * * *', 'reversed range "9-5"'],
    ['*/0 * * * *', 'step "0"'],
    ['*/x * * * *', 'step "x"'],
    ['1/2/3 * * * *', 'more than one "/"'],
    ['1-2-3 * * * *', 'range "1-2-3"'],
    ['0 0 * * FUNDAY', '"FUNDAY", which is not a number or a name'],
    ['MON 0 * * *', '"MON", which is not a number'],
    ['0 0 * * MON-SUN', 'reversed range'],
    ['0,,5 * * * *', 'not a number'],
  ])('refuses %j, naming what is wrong', (source, why) => {
    const attempt = () => CronExpression.parse(source);
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(why);
  });

  it('accepts every schedule slipway.json accepts (the manifest checks schedules with its own rules)', () => {
    for (const schedule of ['*/15 * * * *', '0 7 * * 1-5', '30 6 1,15 JAN-MAR sun', '0 0 * * 7', '5/15 0 * * *']) {
      const manifest = parseAppManifest(
        JSON.stringify({
          name: 'cron-app',
          runtime: 'python',
          kind: 'wsgi',
          entry: 'app:app',
          cron: [{ path: '/t', schedule }],
        }),
      );
      expect(() => CronExpression.parse(manifest.cron[0]!.schedule)).not.toThrow();
    }
  });
});

describe('CronExpression.matches (UTC)', () => {
  it('matches minutes, hours, months and weekdays', () => {
    const weekdaysAtSeven = CronExpression.parse('0 7 * * MON-FRI');
    expect(weekdaysAtSeven.matches(at('2026-03-02T07:00:00Z'))).toBe(true); // a Monday
    expect(weekdaysAtSeven.matches(at('2026-03-02T07:00:59.999Z'))).toBe(true); // same minute
    expect(weekdaysAtSeven.matches(at('2026-03-02T07:01:00Z'))).toBe(false);
    expect(weekdaysAtSeven.matches(at('2026-03-07T07:00:00Z'))).toBe(false); // a Saturday
    expect(weekdaysAtSeven.matches(at('2026-03-02T08:00:00Z'))).toBe(false);
  });

  it('treats 0 and 7 as Sunday', () => {
    for (const source of ['0 0 * * 0', '0 0 * * 7', '0 0 * * SUN', '0 0 * * sun']) {
      expect(CronExpression.parse(source).matches(at('2026-03-08T00:00:00Z')), source).toBe(true);
      expect(CronExpression.parse(source).matches(at('2026-03-09T00:00:00Z')), source).toBe(false);
    }
    // A range ending on 7 reaches Sunday.
    expect(CronExpression.parse('0 0 * * 5-7').matches(at('2026-03-08T00:00:00Z'))).toBe(true);
  });

  it('runs steps from the range start: */15, 5/15, 0-30/10', () => {
    const minutes = (source: string) =>
      bruteForce(CronExpression.parse(source), '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z').map((t) =>
        new Date(t).getUTCMinutes(),
      );
    expect(minutes('*/15 * * * *')).toEqual([0, 15, 30, 45]);
    expect(minutes('5/15 * * * *')).toEqual([5, 20, 35, 50]);
    expect(minutes('0-30/10 * * * *')).toEqual([0, 10, 20, 30]);
    expect(minutes('1,2,58-59 * * * *')).toEqual([1, 2, 58, 59]);
  });

  it('matches either day field when both are restricted, as Vixie cron does', () => {
    const firstOrMonday = CronExpression.parse('0 0 1 * MON');
    expect(firstOrMonday.matches(at('2026-03-01T00:00:00Z'))).toBe(true); // the 1st, a Sunday
    expect(firstOrMonday.matches(at('2026-03-02T00:00:00Z'))).toBe(true); // a Monday
    expect(firstOrMonday.matches(at('2026-03-03T00:00:00Z'))).toBe(false);
    // With a star in one day field, only the other restricts.
    expect(CronExpression.parse('0 0 1 * *').matches(at('2026-03-02T00:00:00Z'))).toBe(false);
    expect(CronExpression.parse('0 0 * * MON').matches(at('2026-03-01T00:00:00Z'))).toBe(false);
    // A stepped star still counts as a star.
    expect(CronExpression.parse('0 0 */2 * MON').matches(at('2026-03-03T00:00:00Z'))).toBe(false);
  });

  it('uses month names and numbers alike', () => {
    const quarterStarts = CronExpression.parse('0 0 1 JAN,APR,jul,10 *');
    expect(
      bruteForce(quarterStarts, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z').map((t) => t.slice(0, 10)),
    ).toEqual(['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01']);
  });
});

describe('CronExpression.next and previous', () => {
  it('finds the next run strictly after a time, across hours, days, months and years', () => {
    expect(iso(CronExpression.parse('* * * * *').next(at('2026-03-02T07:00:30Z')))).toBe('2026-03-02T07:01:00.000Z');
    expect(iso(CronExpression.parse('0 7 * * MON-FRI').next(at('2026-03-06T07:00:00Z')))).toBe(
      '2026-03-09T07:00:00.000Z',
    );
    expect(iso(CronExpression.parse('30 23 31 12 *').next(at('2026-06-01T00:00:00Z')))).toBe(
      '2026-12-31T23:30:00.000Z',
    );
    expect(iso(CronExpression.parse('0 0 1 1 *').next(at('2026-01-01T00:00:00Z')))).toBe('2027-01-01T00:00:00.000Z');
  });

  it('finds leap days, and gives up on dates that never come', () => {
    expect(iso(CronExpression.parse('0 12 29 2 *').next(at('2026-03-01T00:00:00Z')))).toBe('2028-02-29T12:00:00.000Z');
    expect(iso(CronExpression.parse('0 12 29 2 *').previous(at('2026-03-01T00:00:00Z')))).toBe(
      '2024-02-29T12:00:00.000Z',
    );
    expect(CronExpression.parse('0 0 30 2 *').next(at('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(CronExpression.parse('0 0 31 4,6,9,11 *').previous(at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('finds the last run at or before a time', () => {
    const hourly = CronExpression.parse('15 * * * *');
    expect(iso(hourly.previous(at('2026-03-02T07:15:00Z')))).toBe('2026-03-02T07:15:00.000Z');
    expect(iso(hourly.previous(at('2026-03-02T07:15:59Z')))).toBe('2026-03-02T07:15:00.000Z');
    expect(iso(hourly.previous(at('2026-03-02T07:14:59Z')))).toBe('2026-03-02T06:15:00.000Z');
    expect(iso(CronExpression.parse('0 7 * * MON-FRI').previous(at('2026-03-09T06:00:00Z')))).toBe(
      '2026-03-06T07:00:00.000Z',
    );
    expect(iso(CronExpression.parse('0 0 1 JAN *').previous(at('2026-06-15T12:00:00Z')))).toBe(
      '2026-01-01T00:00:00.000Z',
    );
  });

  it.each([
    '*/7 * * * *',
    '0 */5 * * *',
    '10,40 8-18/2 * * MON-FRI',
    '0 0 1,15 * *',
    '0 0 13 * FRI',
    '45 23 28-31 * *',
    '0 6 * FEB,AUG SAT',
  ])('agrees with a minute-by-minute search for %j', (source) => {
    const expression = CronExpression.parse(source);
    const expected = bruteForce(expression, '2026-01-25T00:00:00Z', '2026-03-10T00:00:00Z');
    const forward: string[] = [];
    let t = expression.next(at('2026-01-24T23:59:00Z'));
    while (t && t < at('2026-03-10T00:00:00Z')) {
      forward.push(t.toISOString());
      t = expression.next(t);
    }
    expect(forward).toEqual(expected);
    const backward: string[] = [];
    t = expression.previous(at('2026-03-09T23:59:00Z'));
    while (t && t >= at('2026-01-25T00:00:00Z')) {
      backward.push(t.toISOString());
      t = expression.previous(new Date(t.getTime() - 60_000));
    }
    expect(backward.reverse()).toEqual(expected);
  });

  it('rounds to the minute', () => {
    expect(new Date(floorToMinute(Date.parse('2026-03-02T07:15:42.123Z'))).toISOString()).toBe(
      '2026-03-02T07:15:00.000Z',
    );
  });
});
