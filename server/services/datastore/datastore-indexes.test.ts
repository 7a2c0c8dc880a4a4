import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../core/errors';
import { decodeCursor, encodeCursor, queryFingerprint } from './datastore-cursor';
import { parseQuery } from './datastore-query';
import { indexServes, missingIndexError, parseDatastoreIndexes, type IndexNeed } from './datastore-indexes';

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (isDomainError(error) && error.code === 'invalid-input') return error.message;
    throw error;
  }
  throw new Error('expected an invalid-input error');
}

describe('parseDatastoreIndexes', () => {
  it('reads datastore.indexes from slipway.json, directions ascending unless given', () => {
    const manifest = {
      name: 'tasks',
      datastore: { indexes: [{ kind: 'Task', properties: [{ name: 'done' }, { name: 'due', direction: 'desc' }] }] },
    };
    expect(parseDatastoreIndexes(manifest)).toEqual([
      {
        kind: 'Task',
        properties: [
          { name: 'done', direction: 'asc' },
          { name: 'due', direction: 'desc' },
        ],
      },
    ]);
    expect(parseDatastoreIndexes({ name: 'tasks' })).toEqual([]);
    expect(parseDatastoreIndexes({ datastore: {} })).toEqual([]);
  });

  const index = (properties: unknown, kind: unknown = 'Task') => ({ datastore: { indexes: [{ kind, properties }] } });
  it.each([
    ['[]', [], /must be a JSON object/],
    ['datastore not an object', { datastore: [] }, /datastore must be an object/],
    ['indexes not an array', { datastore: { indexes: {} } }, /datastore\.indexes must be an array/],
    ['a bad kind', index([{ name: 'a' }, { name: 'b' }], 'no kind'), /indexes\[0\]\.kind: .*not a valid kind/],
    ['no properties', index([]), /properties must list the properties/],
    [
      'a bad direction',
      index([{ name: 'a' }, { name: 'b', direction: 'down' }]),
      /properties\[1\]\.direction: must be "asc" or "desc"/,
    ],
    ['a reserved name', index([{ name: 'a' }, { name: '__key__' }]), /properties\[1\]\.name: .*reserved/],
    ['a repeated name', index([{ name: 'a' }, { name: 'a' }]), /lists "a" twice/],
    ['an unknown member', index([{ name: 'a', order: 'asc' }, { name: 'b' }]), /unknown member "order"/],
    [
      'a repeated index',
      {
        datastore: {
          indexes: [
            { kind: 'T', properties: [{ name: 'a' }, { name: 'b' }] },
            { kind: 'T', properties: [{ name: 'a' }, { name: 'b' }] },
          ],
        },
      },
      /indexes\[1\] repeats an earlier index/,
    ],
  ])('refuses %s', (_, manifest, message) => {
    expect(refusal(() => parseDatastoreIndexes(manifest))).toMatch(message);
  });
});

describe('index rule', () => {
  const need: IndexNeed = {
    kind: 'Task',
    equality: ['done', 'owner'],
    ordered: [{ name: 'due', direction: 'desc' }],
  };
  const declared = (...names: [string, ('asc' | 'desc')?][]) => ({
    kind: 'Task',
    properties: names.map(([name, direction = 'asc']) => ({ name, direction })),
  });

  it('takes equality properties in any order, then the sort orders exactly', () => {
    expect(indexServes(declared(['done'], ['owner'], ['due', 'desc']), need)).toBe(true);
    expect(indexServes(declared(['owner'], ['done'], ['due', 'desc']), need)).toBe(true);
    expect(indexServes(declared(['done'], ['owner'], ['due']), need)).toBe(false);
    expect(indexServes(declared(['due', 'desc'], ['done'], ['owner']), need)).toBe(false);
    expect(indexServes(declared(['done'], ['due', 'desc']), need)).toBe(false);
    expect(indexServes({ ...declared(['done'], ['owner'], ['due', 'desc']), kind: 'Other' }, need)).toBe(false);
  });

  it('says which index to add, as slipway.json JSON', () => {
    const error = missingIndexError(need);
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain(
      '{"kind":"Task","properties":[{"name":"done"},{"name":"owner"},{"name":"due","direction":"desc"}]}',
    );
    expect(error.message).toContain('"done", "owner", "due"');
  });
});

describe('cursors', () => {
  const scope = { tenantId: 't', appId: 'a', environment: 'preview' as const };
  const fingerprint = queryFingerprint(scope, parseQuery({ kind: 'Task' }));
  const position = [Buffer.from([0x30, 1, 2]), Buffer.from('Task\u0000\u0002a')];

  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor(fingerprint, position), fingerprint, 2)).toEqual(position);
  });

  it('refuses a cursor of another query, or a damaged one, as invalid input', () => {
    const cursor = encodeCursor(fingerprint, position);
    expect(refusal(() => decodeCursor(cursor, queryFingerprint(scope, parseQuery({ kind: 'Other' })), 2))).toMatch(
      /different query/,
    );
    const flipped = Buffer.from(cursor, 'base64url');
    flipped[12] = (flipped[12] ?? 0) ^ 1;
    for (const bad of ['', 'not a cursor!', cursor.slice(0, -3), flipped.toString('base64url'), 'AAAA', 42]) {
      expect(refusal(() => decodeCursor(bad, fingerprint, 2))).toMatch(/cursor/);
    }
    expect(refusal(() => decodeCursor(cursor, fingerprint, 3))).toMatch(/malformed/);
  });
});
