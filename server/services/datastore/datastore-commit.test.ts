import { afterEach, describe, expect, it } from 'vitest';
import { isDomainError } from '../../core/errors';
import { testDialects } from '../../test-support/test-databases';
import { DatastoreService } from './datastore-service';
import type { DatastoreCommitRequest, DatastoreKey } from './datastore-types';
import { disposeDatastoreTests, expectDomainError, openDatastore, scope, v } from './datastore-test-support';

afterEach(disposeDatastoreTests);

const counter: DatastoreKey = { kind: 'Counter', name: 'hits' };

/** What an SDK's `transaction(fn)` does: read with versions, commit, retry on conflict. */
async function increment(datastore: DatastoreService, key: DatastoreKey): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const { found } = await datastore.get(scope, [key]);
    const current = found[0];
    const value = Number(
      current?.properties.n && 'integerValue' in current.properties.n ? current.properties.n.integerValue : 0,
    );
    try {
      await datastore.commit(scope, {
        reads: [{ key, version: current?.version ?? '0' }],
        puts: [{ key, properties: { n: v.int(value + 1) } }],
      });
      return attempt;
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'conflict' || attempt > 200) throw error;
    }
  }
}

/** Runs the commits at once; returns which succeeded and the conflict messages. */
async function race(datastore: DatastoreService, requests: DatastoreCommitRequest[]): Promise<(true | string)[]> {
  return Promise.all(
    requests.map((request) =>
      datastore.commit(scope, request).then(
        () => true as const,
        (error: unknown) => {
          if (isDomainError(error) && error.code === 'conflict') return error.message;
          throw error;
        },
      ),
    ),
  );
}

describe.each(testDialects())('Datastore transactions on %s', (dialect) => {
  it('commits when every read is unchanged, and names the key that changed otherwise', async () => {
    const { datastore } = await openDatastore(dialect);
    const { versions } = await datastore.put(scope, [{ key: counter, properties: { n: v.int(1) } }]);
    const read = versions[0]!;
    const committed = await datastore.commit(scope, {
      reads: [
        { key: counter, version: read },
        { key: { kind: 'Counter', name: 'absent' }, version: '0' },
      ],
      puts: [
        { key: counter, properties: { n: v.int(2) } },
        { key: { kind: 'Log' }, properties: { at: v.time('2024-01-01T00:00:00Z') } },
      ],
    });
    expect(committed.keys).toEqual([counter, { kind: 'Log', id: '1' }]);
    expect(BigInt(committed.versions[0]!)).toBeGreaterThan(BigInt(read));
    expect(committed.deleted).toBe(0);

    await expectDomainError(
      datastore.commit(scope, { reads: [{ key: counter, version: read }], puts: [{ key: counter, properties: {} }] }),
      'conflict',
      `The entity Counter(name="hits") changed from version ${read} to ${committed.versions[0]} after the transaction read it`,
    );
    await expectDomainError(
      datastore.commit(scope, { reads: [{ key: counter, version: '0' }], deletes: [counter] }),
      'conflict',
      /Counter\(name="hits"\) was created \(version \d+\) after the transaction read it as absent/,
    );
    await datastore.delete(scope, [counter]);
    await expectDomainError(
      datastore.commit(scope, { reads: [{ key: counter, version: committed.versions[0]! }] }),
      'conflict',
      /was deleted after the transaction read it/,
    );
    const { found } = await datastore.get(scope, [counter, { kind: 'Log', id: '1' }]);
    expect(found.map((entity) => entity.key)).toEqual([{ kind: 'Log', id: '1' }]);
  });

  it('applies nothing of a commit that conflicts, and puts and deletes together otherwise', async () => {
    const { datastore } = await openDatastore(dialect);
    const a = { kind: 'Doc', name: 'a' };
    const b = { kind: 'Doc', name: 'b' };
    await datastore.put(scope, [{ key: a, properties: { n: v.int(1) } }]);
    await expectDomainError(
      datastore.commit(scope, {
        reads: [{ key: b, version: '12345' }],
        puts: [{ key: { kind: 'Doc', name: 'c' }, properties: {} }],
        deletes: [a],
      }),
      'conflict',
      /Doc\(name="b"\) was deleted/,
    );
    expect((await datastore.get(scope, [a, { kind: 'Doc', name: 'c' }])).found.map((e) => e.key)).toEqual([a]);
    const result = await datastore.commit(scope, { reads: [], puts: [{ key: b, properties: {} }], deletes: [a] });
    expect(result.deleted).toBe(1);
    expect((await datastore.get(scope, [a, b])).found.map((e) => e.key)).toEqual([b]);
    expect(
      (await datastore.query(scope, { kind: 'Doc', filters: [{ property: 'n', op: '=', value: v.int(1) }] })).entities,
    ).toEqual([]);
  });

  it('lets exactly one of two concurrent commits on the same key win', async () => {
    const { datastore } = await openDatastore(dialect);
    const { versions } = await datastore.put(scope, [{ key: counter, properties: { n: v.int(0) } }]);
    for (let round = 0; round < 5; round += 1) {
      const { found } = await datastore.get(scope, [counter]);
      const version = found[0]!.version!;
      const outcomes = await race(datastore, [
        { reads: [{ key: counter, version }], puts: [{ key: counter, properties: { n: v.int(round * 2 + 1) } }] },
        { reads: [{ key: counter, version }], puts: [{ key: counter, properties: { n: v.int(round * 2 + 2) } }] },
      ]);
      expect(outcomes.filter((outcome) => outcome === true)).toHaveLength(1);
      expect(outcomes.find((outcome) => outcome !== true)).toMatch(/Counter\(name="hits"\)/);
    }
    expect(versions).toHaveLength(1);
  });

  it('lets exactly one of two commits that both read a key as absent create it', async () => {
    const { datastore } = await openDatastore(dialect);
    for (let round = 0; round < 5; round += 1) {
      const key = { kind: 'Slot', name: `s${round}` };
      const outcomes = await race(datastore, [
        { reads: [{ key, version: '0' }], puts: [{ key, properties: { owner: v.str('first') } }] },
        { reads: [{ key, version: '0' }], puts: [{ key, properties: { owner: v.str('second') } }] },
      ]);
      expect(outcomes.filter((outcome) => outcome === true)).toHaveLength(1);
    }
  });

  it('refuses write skew: two commits each reading the key the other creates', async () => {
    const { datastore } = await openDatastore(dialect);
    for (let round = 0; round < 5; round += 1) {
      const x = { kind: 'Shift', name: `x${round}` };
      const y = { kind: 'Shift', name: `y${round}` };
      const outcomes = await race(datastore, [
        { reads: [{ key: x, version: '0' }], puts: [{ key: y, properties: {} }] },
        { reads: [{ key: y, version: '0' }], puts: [{ key: x, properties: {} }] },
      ]);
      expect(outcomes.filter((outcome) => outcome === true)).toHaveLength(1);
    }
  });

  it('counts every increment of concurrent read-modify-write transactions', async () => {
    const { datastore, openAnother } = await openDatastore(dialect);
    // PostgreSQL: a second pool, as a second server process would have. SQLite in one process
    // shares one connection (better-sqlite3 blocks the thread while another connection writes).
    const other = dialect === 'postgres' ? new DatastoreService(await openAnother()) : datastore;
    const workers = Array.from({ length: 12 }, (_, index) => increment(index % 2 === 0 ? datastore : other, counter));
    const attempts = await Promise.all(workers);
    const { found } = await datastore.get(scope, [counter]);
    expect(found[0]!.properties.n).toEqual(v.int(12));
    expect(attempts.every((count) => count >= 1)).toBe(true);
  });

  it('refuses malformed commits with invalid-input', async () => {
    const { datastore } = await openDatastore(dialect);
    const bad: [unknown, RegExp][] = [
      [null, /commit: must be an object/],
      [{ reads: [{ key: counter, version: 'v1' }] }, /commit\.reads\[0\]\.version: must be the version string/],
      [{ reads: [{ key: counter, version: 5 }] }, /commit\.reads\[0\]\.version/],
      [
        { reads: [{ key: { kind: 'Counter' }, version: '0' }] },
        /commit\.reads\[0\]\.key: the key needs a name or an id/,
      ],
      [
        {
          reads: [
            { key: counter, version: '0' },
            { key: counter, version: '0' },
          ],
        },
        /appears more than once/,
      ],
      [{ reads: [], puts: [{ key: counter, properties: {} }], deletes: [counter] }, /appears more than once/],
      [
        {
          reads: [],
          puts: Array.from({ length: 300 }, () => ({ key: { kind: 'K' }, properties: {} })),
          deletes: Array.from({ length: 201 }, (_, i) => ({ kind: 'K', name: `n${i}` })),
        },
        /writes 501 entities; a commit writes at most 500/,
      ],
      [{ reads: [], writes: [] }, /unknown member "writes"/],
    ];
    for (const [request, message] of bad) {
      await expectDomainError(datastore.commit(scope, request as DatastoreCommitRequest), 'invalid-input', message);
    }
  });
});
