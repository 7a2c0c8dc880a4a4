import { createHash } from 'node:crypto';
import { invalidInput } from '../../core/errors';
import type { ServiceScope } from '../service-scope';
import type { ParsedFilter, ParsedQuery } from './datastore-query';

/*
 * A cursor is where a page ended: the sort values and the key of its last entity, bound to the
 * query it came from by a fingerprint and sealed with a checksum. It is not secret (it holds the
 * app's own values) and needs no signature: scope and filters always come from the query, so an
 * edited cursor can at most move within the app's own results; a damaged one is refused.
 *
 * Layout (base64url): version 1 | fingerprint (8) | count (1) | count × (length (2) | bytes) | checksum (8)
 */

const cursorVersion = 1;
const fingerprintBytes = 8;
const checksumBytes = 8;

/** A short digest of everything that makes a query the same query (scope, kind, filters, orders). */
export function queryFingerprint(scope: ServiceScope, query: ParsedQuery): Buffer {
  const filter = (f: ParsedFilter) => [f.property, f.op, f.values.map((value) => value.toString('hex'))];
  const parts = [
    scope.tenantId,
    scope.appId,
    scope.environment,
    query.kind,
    query.filters.map(filter),
    query.keyFilters.map(filter),
    query.orders,
    query.keyDirection,
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest().subarray(0, fingerprintBytes);
}

/** Encodes the position after the last returned entity. */
export function encodeCursor(fingerprint: Buffer, position: readonly Buffer[]): string {
  const chunks: Buffer[] = [Buffer.from([cursorVersion]), fingerprint, Buffer.from([position.length])];
  for (const value of position) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(value.length);
    chunks.push(length, value);
  }
  const body = Buffer.concat(chunks);
  return Buffer.concat([body, checksum(body)]).toString('base64url');
}

/** Decodes a cursor of the query with `fingerprint` and `count` sort columns, or throws invalid-input. */
export function decodeCursor(cursor: unknown, fingerprint: Buffer, count: number): Buffer[] {
  if (typeof cursor !== 'string' || cursor.length === 0 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw malformed();
  }
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length < 2 + fingerprintBytes + checksumBytes) throw malformed();
  const body = bytes.subarray(0, bytes.length - checksumBytes);
  if (!checksum(body).equals(bytes.subarray(bytes.length - checksumBytes))) throw malformed();
  if (body[0] !== cursorVersion || !body.subarray(1, 1 + fingerprintBytes).equals(fingerprint)) {
    throw invalidInput(
      'query.cursor belongs to a different query: a cursor only continues the query (same kind, filters and orders) that returned it',
    );
  }
  let offset = 1 + fingerprintBytes;
  const values: Buffer[] = [];
  const stored = body[offset++];
  if (stored !== count) throw malformed();
  for (let index = 0; index < count; index += 1) {
    if (offset + 2 > body.length) throw malformed();
    const length = body.readUInt16BE(offset);
    offset += 2;
    if (offset + length > body.length) throw malformed();
    values.push(Buffer.from(body.subarray(offset, offset + length)));
    offset += length;
  }
  if (offset !== body.length) throw malformed();
  return values;
}

function checksum(body: Buffer): Buffer {
  return createHash('sha256').update(body).digest().subarray(0, checksumBytes);
}

function malformed(): Error {
  return invalidInput('query.cursor is malformed: pass back the cursor string a previous page returned, unchanged');
}
