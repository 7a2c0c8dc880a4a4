import { describe, expect, it } from 'vitest';
import { decodeKey, encodeIndexValue, encodeKey, kindKeyRange } from './datastore-encoding';
import type { DatastoreKey, DatastoreValue } from './datastore-types';

const encode = (value: DatastoreValue): Buffer => {
  const encoded = encodeIndexValue(value);
  if (!encoded) throw new Error('not indexed');
  return encoded;
};

/** Asserts that the values' encodings sort in the order given (strictly increasing). */
function expectAscending(values: DatastoreValue[]): void {
  const encoded = values.map(encode);
  for (let index = 1; index < encoded.length; index += 1) {
    const order = Buffer.compare(encoded[index - 1]!, encoded[index]!);
    expect(order, `${JSON.stringify(values[index - 1])} < ${JSON.stringify(values[index])}`).toBe(-1);
  }
}

describe('index value encoding', () => {
  it('orders types: null < boolean < numbers < timestamp < string < bytes < key', () => {
    expectAscending([
      { nullValue: null },
      { booleanValue: false },
      { booleanValue: true },
      { integerValue: '-9223372036854775808' },
      { doubleValue: -1.5 },
      { integerValue: '0' },
      { doubleValue: 1e300 },
      { timestampValue: '0001-01-01T00:00:00.000Z' },
      { timestampValue: '9999-12-31T23:59:59.999Z' },
      { stringValue: '' },
      { stringValue: 'zzz' },
      { bytesValue: '' },
      { bytesValue: '/w==' },
      { keyValue: { kind: 'A', id: '1' } },
    ]);
  });

  it('orders integers and doubles numerically together, exactly beyond 2^53', () => {
    expectAscending([
      { doubleValue: -1e308 },
      { integerValue: '-9223372036854775808' },
      { integerValue: '-9223372036854775807' },
      { doubleValue: -2.5 },
      { integerValue: '-2' },
      { doubleValue: -Number.MIN_VALUE },
      { integerValue: '0' },
      { doubleValue: Number.MIN_VALUE },
      { doubleValue: 0.5 },
      { integerValue: '1' },
      { doubleValue: 1.5 },
      { integerValue: '9007199254740991' },
      { doubleValue: 9007199254740992 },
      { integerValue: '9007199254740993' },
      { integerValue: '9007199254740994' },
      { integerValue: '9223372036854775806' },
      { integerValue: '9223372036854775807' },
      { doubleValue: 9223372036854775808 },
      { doubleValue: 1e308 },
    ]);
  });

  it('encodes an integer and the equal double alike, and -0 like 0', () => {
    expect(encode({ integerValue: '5' })).toEqual(encode({ doubleValue: 5 }));
    expect(encode({ doubleValue: -0 })).toEqual(encode({ integerValue: '0' }));
  });

  it('orders timestamps before and after 1970, strings by code point', () => {
    expectAscending([
      { timestampValue: '1969-12-31T23:59:59.999Z' },
      { timestampValue: '1970-01-01T00:00:00.000Z' },
      { timestampValue: '2024-01-01T00:00:00.001Z' },
    ]);
    expectAscending([
      { stringValue: 'B' },
      { stringValue: 'a' },
      { stringValue: 'a\u0000' },
      { stringValue: 'ab' },
      { stringValue: 'é' },
      { stringValue: '\uffff' },
      { stringValue: '😀' },
    ]);
  });

  it('does not index strings or bytes over 1500 bytes', () => {
    expect(encodeIndexValue({ stringValue: 'x'.repeat(1500) })).toBeDefined();
    expect(encodeIndexValue({ stringValue: 'x'.repeat(1501) })).toBeUndefined();
    expect(encodeIndexValue({ stringValue: 'é'.repeat(751) })).toBeUndefined();
    expect(encodeIndexValue({ bytesValue: Buffer.alloc(1501).toString('base64') })).toBeUndefined();
  });
});

describe('key encoding', () => {
  const keys: DatastoreKey[] = [
    { kind: 'A', id: '1' },
    { kind: 'A', id: '2' },
    { kind: 'A', id: '10' },
    { kind: 'A', id: '9223372036854775807' },
    { kind: 'A', name: '0' },
    { kind: 'A', name: 'a' },
    { kind: 'A', name: 'a\u0000b' },
    { kind: 'A', name: 'b' },
    { kind: 'AB', id: '1' },
    { kind: 'A_', id: '1' },
    { kind: 'B', name: 'a' },
  ];

  it('orders keys by kind, then ids numerically before names', () => {
    const encoded = keys.map(encodeKey);
    const sorted = [...encoded].sort((a, b) => Buffer.compare(a, b));
    expect(sorted.map(decodeKey)).toEqual(keys);
  });

  it('decodes what it encodes, and a kind is one contiguous range', () => {
    for (const key of keys) expect(decodeKey(encodeKey(key))).toEqual(key);
    const [start, end] = kindKeyRange('A');
    const inRange = keys.filter((key) => {
      const encoded = encodeKey(key);
      return Buffer.compare(encoded, start) >= 0 && Buffer.compare(encoded, end) < 0;
    });
    expect(inRange.every((key) => key.kind === 'A')).toBe(true);
    expect(inRange).toHaveLength(8);
  });
});
