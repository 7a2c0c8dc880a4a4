import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../core/errors';
import { prepareEntity } from './datastore-entities';
import { parseKey, parseTimestamp, parseValue } from './datastore-values';

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (isDomainError(error) && error.code === 'invalid-input') return error.message;
    throw error;
  }
  throw new Error('expected an invalid-input error');
}

describe('values', () => {
  it('normalises what it accepts', () => {
    expect(parseValue({ integerValue: '-9223372036854775808' }, 'v')).toEqual({ integerValue: '-9223372036854775808' });
    expect(parseValue({ integerValue: 42 }, 'v')).toEqual({ integerValue: '42' });
    expect(parseValue({ timestampValue: '2024-05-01T12:00:00Z' }, 'v')).toEqual({
      timestampValue: '2024-05-01T12:00:00.000Z',
    });
    expect(parseValue({ bytesValue: 'AQI=' }, 'v')).toEqual({ bytesValue: 'AQI=' });
    expect(parseValue({ arrayValue: [{ nullValue: null }, { keyValue: { kind: 'K', id: '7' } }] }, 'v')).toEqual({
      arrayValue: [{ nullValue: null }, { keyValue: { kind: 'K', id: '7' } }],
    });
  });

  it.each([
    ['2024-05-01T14:30:00+02:00', '2024-05-01T12:30:00.000Z'],
    ['2024-05-01t12:00:00.123456789z', '2024-05-01T12:00:00.123Z'],
    ['2024-02-29T00:00:00.5Z', '2024-02-29T00:00:00.500Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.999Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
  ])('reads the timestamp %s as %s', (input, output) => {
    expect(parseTimestamp(input, 'v')).toBe(output);
  });

  it.each([
    [{}, /exactly one of/],
    [{ stringValue: 'a', integerValue: '1' }, /exactly one of/],
    [{ mapValue: {} }, /exactly one of/],
    [null, /must be an object/],
    [{ nullValue: 0 }, /must be null/],
    [{ booleanValue: 'true' }, /true or false/],
    [{ integerValue: '9223372036854775808' }, /outside the int64 range/],
    [{ integerValue: '-9223372036854775809' }, /outside the int64 range/],
    [{ integerValue: '1.5' }, /decimal int64/],
    [{ integerValue: '007' }, /decimal int64/],
    [{ integerValue: 2 ** 60 }, /decimal int64/],
    [{ doubleValue: Number.NaN }, /finite/],
    [{ doubleValue: 'Infinity' }, /finite/],
    [{ stringValue: '\ud800' }, /lone surrogate/],
    [{ timestampValue: '2024-02-30T00:00:00Z' }, /not a valid date/],
    [{ timestampValue: '2023-02-29T00:00:00Z' }, /not a valid date/],
    [{ timestampValue: '2024-05-01 12:00:00Z' }, /RFC 3339/],
    [{ timestampValue: '2024-05-01T12:00:00' }, /RFC 3339/],
    [{ timestampValue: '2024-05-01T24:00:00Z' }, /not a valid date/],
    [{ timestampValue: '0000-12-31T00:00:00Z' }, /not a valid date|outside the range/],
    [{ timestampValue: '0001-01-01T00:00:00+01:00' }, /outside the range/],
    [{ bytesValue: 'not base64!' }, /base64/],
    [{ bytesValue: 'AQI' }, /base64/],
    [{ keyValue: { kind: 'K' } }, /needs a name or an id/],
    [{ arrayValue: [{ arrayValue: [] }] }, /arrays cannot contain arrays/],
    [{ arrayValue: 'x' }, /JSON array/],
    [{ arrayValue: Array.from({ length: 10_001 }, () => ({ nullValue: null })) }, /at most 10000/],
  ])('refuses the value %j', (input, message) => {
    expect(refusal(() => parseValue(input, 'properties.x'))).toMatch(message);
    expect(refusal(() => parseValue(input, 'properties.x'))).toMatch(/^properties\.x/);
  });
});

describe('keys', () => {
  it('accepts a name or an id, and neither only where allowed', () => {
    expect(parseKey({ kind: 'Task', name: 'a' }, 'k', true)).toEqual({ kind: 'Task', name: 'a' });
    expect(parseKey({ kind: 'Task', id: '9223372036854775807' }, 'k', true)).toEqual({
      kind: 'Task',
      id: '9223372036854775807',
    });
    expect(parseKey({ kind: 'Task' }, 'k', false)).toEqual({ kind: 'Task' });
  });

  it.each([
    [{ kind: 'Task' }, /needs a name or an id/],
    [{ kind: '1Task', id: '1' }, /not a valid kind/],
    [{ kind: 'Ta-sk', id: '1' }, /not a valid kind/],
    [{ kind: 'K'.repeat(101), id: '1' }, /not a valid kind/],
    [{ kind: 'Task', id: '0' }, /from "1"/],
    [{ kind: 'Task', id: '9223372036854775808' }, /from "1"/],
    [{ kind: 'Task', id: 5 }, /decimal string/],
    [{ kind: 'Task', name: '' }, /1–500 characters/],
    [{ kind: 'Task', name: 'n'.repeat(501) }, /1–500 characters/],
    [{ kind: 'Task', name: 'a', id: '1' }, /not both/],
    [{ kind: 'Task', id: '1', namespace: 'x' }, /unknown member "namespace"/],
    ['Task/1', /must be an object/],
  ])('refuses the key %j', (input, message) => {
    expect(refusal(() => parseKey(input, 'keys[0]', true))).toMatch(message);
  });

  it('counts a name in characters, not UTF-16 units', () => {
    expect(parseKey({ kind: 'T', name: '😀'.repeat(500) }, 'k', true).name).toHaveLength(1000);
  });
});

describe('entities', () => {
  const entity = (properties: unknown) => ({ key: { kind: 'Task', name: 'a' }, properties });

  it('indexes each distinct value once and marks arrays with several values', () => {
    const prepared = prepareEntity(
      entity({
        tags: { arrayValue: [{ stringValue: 'a' }, { stringValue: 'b' }, { stringValue: 'a' }] },
        n: { integerValue: '1' },
      }),
      'e',
      false,
    );
    expect(prepared.index.map((entry) => [entry.property, entry.multi])).toEqual([
      ['tags', 1],
      ['tags', 1],
      ['n', 0],
    ]);
    const one = prepareEntity(
      entity({ tags: { arrayValue: [{ stringValue: 'a' }, { stringValue: 'a' }] } }),
      'e',
      false,
    );
    expect(one.index.map((entry) => entry.multi)).toEqual([0]);
    expect(prepareEntity(entity({ tags: { arrayValue: [] } }), 'e', false).index).toEqual([]);
  });

  it.each([
    [entity({ __key__: { nullValue: null } }), /reserved/],
    [entity({ __x: { nullValue: null } }), /reserved/],
    [entity({ '': { nullValue: null } }), /1–500 characters/],
    [entity({ ['p'.repeat(501)]: { nullValue: null } }), /1–500 characters/],
    [entity({ 'a\u0000b': { nullValue: null } }), /NUL/],
    [
      entity(Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`p${i}`, { nullValue: null }]))),
      /at most 2000/,
    ],
    [entity({ big: { stringValue: 'x'.repeat(1024 * 1024) } }), /limit is 1048576 bytes/],
    [
      entity({
        a: { arrayValue: Array.from({ length: 10_000 }, (_, i) => ({ integerValue: String(i) })) },
        b: { arrayValue: Array.from({ length: 10_000 }, (_, i) => ({ integerValue: String(i) })) },
        c: { nullValue: null },
      }),
      /at most 20000 are allowed/,
    ],
    [entity([]), /must be an object of named values/],
    [{ key: { kind: 'Task', name: 'a' }, properties: {}, extra: 1 }, /unknown member "extra"/],
    [{ properties: {} }, /a key must be an object/],
  ])('refuses entity %#', (input, message) => {
    expect(refusal(() => prepareEntity(input, 'entities[0]', true))).toMatch(message);
  });

  it('accepts an entity of just under 1 MiB', () => {
    const prepared = prepareEntity(entity({ big: { stringValue: 'x'.repeat(1024 * 1024 - 100) } }), 'e', false);
    expect(prepared.index).toEqual([]);
  });
});
