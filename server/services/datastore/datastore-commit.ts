import type { Kysely } from 'kysely';
import { conflict } from '../../core/errors';
import type { Database } from '../../db/schema';
import type { ServiceScope } from '../service-scope';
import { encodeKey } from './datastore-encoding';
import {
  batchArray,
  describeKey,
  parseKeys,
  prepareEntities,
  refuseDuplicates,
  type PreparedEntity,
} from './datastore-entities';
import type { DatastoreSql } from './datastore-sql';
import { readVersionsForUpdate } from './datastore-store';
import { datastoreLimits, type DatastoreKey } from './datastore-types';
import { invalidAt, isRecord, onlyMembers, parseKey } from './datastore-values';

/** A key a transaction read, with the version it saw ("0": absent). */
export interface TransactionRead {
  key: DatastoreKey;
  version: string;
  keySort: Buffer;
}

/** A validated commit request. */
export interface ParsedCommit {
  reads: TransactionRead[];
  puts: PreparedEntity[];
  deletes: DatastoreKey[];
}

/** Validates a commit: reads (at most 500, each key once), and at most 500 puts and deletes together. */
export function parseCommit(request: unknown): ParsedCommit {
  if (!isRecord(request)) throw invalidAt('commit', 'must be an object {reads, puts?, deletes?}');
  onlyMembers(request, ['reads', 'puts', 'deletes'], 'commit');
  const reads = batchArray(request.reads ?? [], 'commit.reads').map((read, index) => {
    const path = `commit.reads[${index}]`;
    if (!isRecord(read)) throw invalidAt(path, 'a read is an object {key, version}');
    onlyMembers(read, ['key', 'version'], path);
    const key = parseKey(read.key, `${path}.key`, true);
    if (typeof read.version !== 'string' || !/^(0|[1-9][0-9]{0,18})$/.test(read.version)) {
      throw invalidAt(`${path}.version`, 'must be the version string a read returned ("0" for an absent entity)');
    }
    return { key, version: read.version, keySort: encodeKey(key) };
  });
  refuseDuplicates(
    reads.map((read) => read.key),
    'commit.reads',
  );
  const puts = prepareEntities(request.puts ?? [], 'commit.puts');
  const deletes = parseKeys(request.deletes ?? [], 'commit.deletes');
  if (puts.length + deletes.length > datastoreLimits.batch) {
    throw invalidAt(
      'commit',
      `writes ${puts.length + deletes.length} entities; a commit writes at most ${datastoreLimits.batch}`,
    );
  }
  refuseDuplicates([...puts.map((put) => put.key), ...deletes], 'commit (puts and deletes)');
  return { reads, puts, deletes };
}

/**
 * Inside the commit's transaction: serialises it with other commits on the same keys (read or
 * written, present or absent), locks the read rows, and throws a conflict naming the first read
 * key whose version changed.
 */
export async function checkReads(
  trx: Kysely<Database>,
  dialect: DatastoreSql,
  scope: ServiceScope,
  reads: readonly TransactionRead[],
  writtenKeys: readonly Buffer[],
): Promise<void> {
  const lockNames = [...reads.map((read) => read.keySort), ...writtenKeys].map(
    (keySort) => `${scope.tenantId}\u0000${scope.appId}\u0000${scope.environment}\u0000${keySort.toString('hex')}`,
  );
  await dialect.lockKeys(trx, lockNames);
  const current = await readVersionsForUpdate(
    trx,
    dialect,
    scope,
    reads.map((read) => read.keySort),
  );
  for (const read of reads) {
    const now = current.get(read.keySort.toString('hex')) ?? '0';
    if (now !== read.version) throw changedSinceRead(read.key, read.version, now);
  }
}

function changedSinceRead(key: DatastoreKey, expected: string, now: string): Error {
  const what =
    expected === '0'
      ? `was created (version ${now}) after the transaction read it as absent`
      : now === '0'
        ? `was deleted after the transaction read it at version ${expected}`
        : `changed from version ${expected} to ${now} after the transaction read it`;
  return conflict(`The entity ${describeKey(key)} ${what}; read it again and retry the transaction.`, {
    key,
    expectedVersion: expected,
    currentVersion: now,
  });
}
