import { invalidInput } from '../../core/errors';
import type { DatastoreDirection, DatastoreKey, DatastoreValue } from './datastore-types';
import { datastoreLimits } from './datastore-types';

/*
 * Validation and normalisation of keys and values from the wire. Every refusal is an
 * invalid-input error whose message starts with the path of the bad member (e.g.
 * `entities[2].properties.due.timestampValue`), so a developer sees exactly what to fix.
 */

const kindPattern = /^[A-Za-z][A-Za-z0-9_]*$/;
const int64Pattern = /^-?(0|[1-9][0-9]*)$/;
const idPattern = /^[1-9][0-9]*$/;
const int64Min = -(1n << 63n);
const int64Max = (1n << 63n) - 1n;
const timestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const timestampMin = Date.parse('0001-01-01T00:00:00.000Z');
const timestampMax = Date.parse('9999-12-31T23:59:59.999Z');
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const valueTags = [
  'nullValue',
  'booleanValue',
  'integerValue',
  'doubleValue',
  'stringValue',
  'timestampValue',
  'bytesValue',
  'keyValue',
  'arrayValue',
] as const;

/** An invalid-input error about the member at `path`. */
export function invalidAt(path: string, message: string): Error {
  return invalidInput(`${path}: ${message}`, { path });
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses members other than `allowed`, naming the first unknown one. */
export function onlyMembers(value: Record<string, unknown>, allowed: readonly string[], path: string): void {
  const unknown = Object.keys(value).find((name) => !allowed.includes(name));
  if (unknown !== undefined) {
    throw invalidAt(path, `unknown member "${unknown}" (allowed: ${allowed.join(', ')})`);
  }
}

/** Text that PostgreSQL and UTF-8 can hold: no lone UTF-16 surrogate. */
export function checkText(text: string, path: string): void {
  if (loneSurrogate.test(text)) throw invalidAt(path, 'is not well-formed Unicode (it has a lone surrogate)');
}

/** Length in Unicode code points. */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Validates a kind: 1–100 characters, a letter then letters, digits or `_`. */
export function parseKind(input: unknown, path: string): string {
  if (typeof input !== 'string') throw invalidAt(path, 'a kind must be a string');
  if (input.length < 1 || input.length > datastoreLimits.kindChars || !kindPattern.test(input)) {
    throw invalidAt(
      path,
      `"${input.slice(0, 120)}" is not a valid kind: use 1–${datastoreLimits.kindChars} characters, ` +
        'a letter followed by letters, digits or "_"',
    );
  }
  return input;
}

/** A sort direction: "asc" (also when omitted) or "desc". */
export function parseDirection(input: unknown, path: string): DatastoreDirection {
  if (input === undefined || input === 'asc') return 'asc';
  if (input === 'desc') return 'desc';
  throw invalidAt(path, `must be "asc" or "desc" (got ${JSON.stringify(input)})`);
}

/** Validates a key; `complete` requires a name or an id (every key except one being put). */
export function parseKey(input: unknown, path: string, complete: boolean): DatastoreKey {
  if (!isRecord(input)) throw invalidAt(path, 'a key must be an object {kind, name} or {kind, id}');
  onlyMembers(input, ['kind', 'name', 'id'], path);
  const kind = parseKind(input.kind, `${path}.kind`);
  const { name, id } = input;
  if (name !== undefined && id !== undefined) throw invalidAt(path, 'a key has a name or an id, not both');
  if (name !== undefined) {
    if (typeof name !== 'string') throw invalidAt(`${path}.name`, 'must be a string');
    checkText(name, `${path}.name`);
    const length = codePoints(name);
    if (length < 1 || length > datastoreLimits.keyNameChars) {
      throw invalidAt(`${path}.name`, `must be 1–${datastoreLimits.keyNameChars} characters long (it has ${length})`);
    }
    return { kind, name };
  }
  if (id !== undefined) {
    if (typeof id !== 'string' || !idPattern.test(id) || BigInt(id) > int64Max) {
      throw invalidAt(`${path}.id`, `must be a decimal string from "1" to "${int64Max}" (got ${JSON.stringify(id)})`);
    }
    return { kind, id };
  }
  if (complete) throw invalidAt(path, 'the key needs a name or an id');
  return { kind };
}

/** Validates a value and returns it normalised (integers as text, timestamps in UTC with ms). */
export function parseValue(input: unknown, path: string, inArray = false): DatastoreValue {
  if (!isRecord(input)) throw invalidAt(path, `a value must be an object with one of: ${valueTags.join(', ')}`);
  const tags = Object.keys(input);
  const tag = tags[0];
  if (tags.length !== 1 || tag === undefined || !(valueTags as readonly string[]).includes(tag)) {
    throw invalidAt(path, `a value has exactly one of ${valueTags.join(', ')} (got ${JSON.stringify(tags)})`);
  }
  const raw = input[tag];
  const at = `${path}.${tag}`;
  switch (tag as (typeof valueTags)[number]) {
    case 'nullValue':
      if (raw !== null) throw invalidAt(at, 'must be null');
      return { nullValue: null };
    case 'booleanValue':
      if (typeof raw !== 'boolean') throw invalidAt(at, 'must be true or false');
      return { booleanValue: raw };
    case 'integerValue':
      return { integerValue: parseInteger(raw, at) };
    case 'doubleValue':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        throw invalidAt(at, 'must be a finite JSON number (NaN and infinities are not stored)');
      }
      return { doubleValue: raw };
    case 'stringValue':
      if (typeof raw !== 'string') throw invalidAt(at, 'must be a string');
      checkText(raw, at);
      return { stringValue: raw };
    case 'timestampValue':
      return { timestampValue: parseTimestamp(raw, at) };
    case 'bytesValue':
      if (typeof raw !== 'string' || !base64Pattern.test(raw)) {
        throw invalidAt(at, 'must be base64 text (standard alphabet A–Z a–z 0–9 + /, padded with =)');
      }
      return { bytesValue: Buffer.from(raw, 'base64').toString('base64') };
    case 'keyValue':
      return { keyValue: parseKey(raw, at, true) };
    case 'arrayValue':
      return { arrayValue: parseArray(raw, at, inArray) };
  }
}

function parseArray(raw: unknown, at: string, inArray: boolean): DatastoreValue[] {
  if (inArray) throw invalidAt(at, 'arrays cannot contain arrays');
  if (!Array.isArray(raw)) throw invalidAt(at, 'must be a JSON array of values');
  if (raw.length > datastoreLimits.arrayValues) {
    throw invalidAt(at, `has ${raw.length} values; an array holds at most ${datastoreLimits.arrayValues}`);
  }
  return raw.map((element, index) => parseValue(element, `${at}[${index}]`, true));
}

function parseInteger(raw: unknown, at: string): string {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw);
  if (typeof raw !== 'string' || !int64Pattern.test(raw)) {
    throw invalidAt(at, `must be a decimal int64 string such as "42" (got ${JSON.stringify(raw)})`);
  }
  const value = BigInt(raw);
  if (value < int64Min || value > int64Max) {
    throw invalidAt(at, `${raw} is outside the int64 range ${int64Min} to ${int64Max}`);
  }
  return raw;
}

/** RFC 3339 with any offset, years 0001–9999; returned in UTC, truncated to milliseconds. */
export function parseTimestamp(raw: unknown, at: string): string {
  const match = typeof raw === 'string' ? timestampPattern.exec(raw) : null;
  if (!match) {
    throw invalidAt(at, `must be an RFC 3339 timestamp such as "2024-05-01T12:00:00Z" (got ${JSON.stringify(raw)})`);
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetSign = match[8] === '-' ? -1 : 1;
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    throw invalidAt(at, `${String(raw)} is not a valid date and time`);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const time = date.getTime() - offsetSign * (offsetHours * 60 + offsetMinutes) * 60_000;
  if (time < timestampMin || time > timestampMax) {
    throw invalidAt(at, `${String(raw)} is outside the range 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z`);
  }
  return new Date(time).toISOString();
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
