import type { DatastoreKey, DatastoreValue } from './datastore-types';
import { datastoreLimits } from './datastore-types';

/*
 * Order-preserving byte encodings. Index rows and entity keys are compared as raw bytes (BLOB in
 * SQLite, bytea in PostgreSQL, both memcmp), so both dialects order exactly alike, independent of
 * any text collation, and a NUL character in a string is no problem for PostgreSQL.
 */

/** The first byte of an encoded value: the order of value types (see README.md). */
export const typeRank = {
  null: 0x10,
  boolean: 0x20,
  number: 0x30,
  timestamp: 0x40,
  string: 0x50,
  bytes: 0x60,
  key: 0x70,
} as const;

const keyIdTag = 0x01;
const keyNameTag = 0x02;
const int64Offset = 1n << 63n;

/**
 * A complete key as bytes: kind, NUL, then an id (8 bytes, big-endian) or a name (UTF-8). Keys sort
 * by kind, then ids (numerically) before names (by code point); the kind prefix makes a kind's keys
 * one contiguous range.
 */
export function encodeKey(key: DatastoreKey): Buffer {
  const kind = Buffer.from(key.kind, 'ascii');
  if (key.id !== undefined) {
    const buffer = Buffer.alloc(kind.length + 10);
    kind.copy(buffer);
    buffer[kind.length + 1] = keyIdTag;
    buffer.writeBigUInt64BE(BigInt(key.id), kind.length + 2);
    return buffer;
  }
  const name = Buffer.from(key.name ?? '', 'utf8');
  return Buffer.concat([kind, Buffer.from([0, keyNameTag]), name]);
}

/** The inverse of `encodeKey`. */
export function decodeKey(bytes: Uint8Array): DatastoreKey {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = buffer.indexOf(0);
  const kind = buffer.toString('ascii', 0, end);
  if (buffer[end + 1] === keyIdTag) return { kind, id: buffer.readBigUInt64BE(end + 2).toString() };
  return { kind, name: buffer.toString('utf8', end + 2) };
}

/** The range [start, end) of encoded keys of one kind. */
export function kindKeyRange(kind: string): [Buffer, Buffer] {
  const prefix = Buffer.from(kind, 'ascii');
  return [Buffer.concat([prefix, Buffer.from([0])]), Buffer.concat([prefix, Buffer.from([1])])];
}

/**
 * A value (not an array) as index bytes, or undefined when it is not indexed (a string or bytes
 * value longer than `datastoreLimits.indexedValueBytes`).
 */
export function encodeIndexValue(value: DatastoreValue): Buffer | undefined {
  if ('nullValue' in value) return Buffer.from([typeRank.null]);
  if ('booleanValue' in value) return Buffer.from([typeRank.boolean, value.booleanValue ? 1 : 0]);
  if ('integerValue' in value) return encodeInteger(BigInt(value.integerValue));
  if ('doubleValue' in value) return encodeNumber(value.doubleValue, 0);
  if ('timestampValue' in value) {
    const buffer = Buffer.alloc(9);
    buffer[0] = typeRank.timestamp;
    buffer.writeBigUInt64BE(BigInt(Date.parse(value.timestampValue)) + int64Offset, 1);
    return buffer;
  }
  if ('stringValue' in value) return prefixed(typeRank.string, Buffer.from(value.stringValue, 'utf8'));
  if ('bytesValue' in value) return prefixed(typeRank.bytes, Buffer.from(value.bytesValue, 'base64'));
  if ('keyValue' in value) return Buffer.concat([Buffer.from([typeRank.key]), encodeKey(value.keyValue)]);
  throw new Error('an array value has no single index encoding');
}

/** The range [start, end) that holds every encoded value of the type of `encoded`. */
export function typeRange(encoded: Buffer): [Buffer, Buffer] {
  const rank = encoded[0] ?? 0;
  return [Buffer.from([rank]), Buffer.from([rank + 1])];
}

function prefixed(rank: number, bytes: Buffer): Buffer | undefined {
  if (bytes.length > datastoreLimits.indexedValueBytes) return undefined;
  return Buffer.concat([Buffer.from([rank]), bytes]);
}

/**
 * Integers and doubles share one numeric order. An int64 is encoded as the nearest double plus
 * its exact distance from it (beyond 2^53 doubles are sparser than integers, the distance is
 * at most 1024), so 2^53 + 1 sorts after the double 2^53, and 5 equals 5.0.
 */
function encodeInteger(value: bigint): Buffer {
  const nearest = Number(value);
  return encodeNumber(nearest, Number(value - BigInt(nearest)));
}

function encodeNumber(value: number, distance: number): Buffer {
  const buffer = Buffer.alloc(11);
  buffer[0] = typeRank.number;
  // -0 and 0 are equal; IEEE 754 bits sort like the numbers once negative values are inverted
  // and positive ones have their sign bit set.
  buffer.writeDoubleBE(value === 0 ? 0 : value, 1);
  const first = buffer[1] ?? 0;
  if (first & 0x80) {
    for (let index = 1; index < 9; index += 1) buffer[index] = ~(buffer[index] ?? 0) & 0xff;
  } else {
    buffer[1] = first | 0x80;
  }
  buffer.writeUInt16BE(distance + 0x8000, 9);
  return buffer;
}
