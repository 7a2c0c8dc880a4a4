import { afterEach, describe, expect, it } from 'vitest';
import { isDomainError } from '../../core/errors';
import { testDialects } from '../../test-support/test-databases';
import type { DatastoreEntity, DatastoreKey, DatastoreQuery } from './datastore-types';
import { disposeDatastoreTests, expectDomainError, openDatastore, scope, v } from './datastore-test-support';

afterEach(disposeDatastoreTests);

const task = (name: string, properties: DatastoreEntity['properties'] = {}): DatastoreEntity => ({
  key: { kind: 'Task', name },
  properties,
});

// Everything a caller can send that is not a valid request: refused clearly, before the database.
describe.each(testDialects())('DatastoreService input on %s', (dialect) => {
  it('refuses bad input with invalid-input and never reaches the database with it', async () => {
    const { datastore } = await openDatastore(dialect);
    const many = Array.from({ length: 501 }, (_, index) => ({ kind: 'Task', id: String(index + 1) }));
    await expectDomainError(datastore.get(scope, many), 'invalid-input', /keys: has 501 items; .* at most 500/);
    await expectDomainError(
      datastore.put(
        scope,
        many.map((key) => ({ key, properties: {} })),
      ),
      'invalid-input',
      /at most 500/,
    );
    await expectDomainError(
      datastore.get(scope, [{ kind: 'Task' }]),
      'invalid-input',
      /keys\[0\]: the key needs a name or an id/,
    );
    await expectDomainError(
      datastore.delete(scope, [
        { kind: 'Task', id: '1' },
        { kind: 'Task', id: '1' },
      ]),
      'invalid-input',
      /Task\(id=1\) appears more than once/,
    );
    await expectDomainError(
      datastore.put(scope, [task('a'), task('a')]),
      'invalid-input',
      /Task\(name="a"\) appears more than once/,
    );
    await expectDomainError(
      datastore.put(scope, [task('a', { n: { integerValue: '99999999999999999999' } })]),
      'invalid-input',
      /entities\[0\]\.properties\["n"\]\.integerValue: .*int64 range/,
    );
    await expectDomainError(
      datastore.put(scope, [task('big', { text: v.str('x'.repeat(1024 * 1024)) })]),
      'invalid-input',
      /entities\[0\]: the entity is \d+ bytes as JSON; the limit is 1048576 bytes/,
    );
    const garbage: unknown[] = [null, 42, 'Task', {}, [null], [[]], { key: 'x' }];
    for (const input of garbage) {
      await expectDomainError(datastore.get(scope, input as DatastoreKey[]), 'invalid-input');
      await expectDomainError(datastore.put(scope, input as DatastoreEntity[]), 'invalid-input');
      await expectDomainError(datastore.delete(scope, input as DatastoreKey[]), 'invalid-input');
      await expectDomainError(datastore.query(scope, input as DatastoreQuery), 'invalid-input');
    }
    expect((await datastore.query(scope, { kind: 'Task' })).entities).toEqual([]);
  });

  it('answers arbitrary JSON with a result, invalid-input or (commits) conflict, never another error', async () => {
    const { datastore } = await openDatastore(dialect);
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const names = [
      'kind',
      'name',
      'id',
      'key',
      'properties',
      'stringValue',
      'integerValue',
      'arrayValue',
      'keyValue',
      'timestampValue',
      'bytesValue',
      'doubleValue',
      'nullValue',
      'filters',
      'orders',
      'property',
      'op',
      'value',
      'direction',
      'limit',
      'cursor',
      'reads',
      'puts',
      'deletes',
      'version',
      '__key__',
      'Task',
    ];
    const scalar = () =>
      pick<unknown>([
        null,
        true,
        0,
        -1,
        1.5,
        2 ** 64,
        '',
        'Task',
        '1',
        '-0',
        '=',
        'in',
        'asc',
        '2024-01-01T00:00:00Z',
        'AA==',
        '__key__',
        Number.NaN,
      ]);
    const json = (depth: number): unknown => {
      const roll = random();
      if (depth > 3 || roll < 0.3) return scalar();
      if (roll < 0.55) return Array.from({ length: Math.floor(random() * 3) }, () => json(depth + 1));
      return Object.fromEntries(
        Array.from({ length: 1 + Math.floor(random() * 3) }, () => [pick(names), json(depth + 1)]),
      );
    };
    // Valid calls with one member replaced somewhere deep inside reach every validation path.
    const valid: unknown[] = [
      [
        task('a', {
          n: v.int(1),
          tags: { arrayValue: [v.str('x'), v.key('K', 'k')] },
          at: v.time('2024-01-01T00:00:00Z'),
        }),
      ],
      {
        kind: 'Task',
        filters: [{ property: 'n', op: '>', value: v.int(1) }],
        orders: [{ property: 'n', direction: 'asc' }],
      },
      {
        reads: [{ key: { kind: 'Task', name: 'a' }, version: '0' }],
        puts: [task('b')],
        deletes: [{ kind: 'Task', id: '1' }],
      },
    ];
    const mutate = (value: unknown): unknown => {
      if (random() < 0.25 || value === null || typeof value !== 'object') return random() < 0.5 ? scalar() : json(2);
      if (Array.isArray(value)) {
        const index = Math.floor(random() * (value.length + 1));
        const copy = [...(value as unknown[])];
        copy[index] = mutate(copy[index]);
        return copy;
      }
      const entries: [string, unknown][] = Object.entries(value);
      const [name, inner] = random() < 0.15 || entries.length === 0 ? [pick(names), undefined] : pick(entries);
      return { ...value, [name]: mutate(inner) };
    };
    for (let round = 0; round < 300; round += 1) {
      const input = round % 3 === 0 ? json(0) : mutate(pick(valid));
      const calls = [
        () => datastore.get(scope, input as DatastoreKey[]),
        () => datastore.put(scope, input as DatastoreEntity[]),
        () => datastore.delete(scope, input as DatastoreKey[]),
        () => datastore.query(scope, input as DatastoreQuery),
        () => datastore.commit(scope, input as never),
      ];
      for (const call of calls) {
        const error: unknown = await call().then(
          () => undefined,
          (reason: unknown) => reason,
        );
        if (error !== undefined) {
          const message = error instanceof Error ? error.stack : JSON.stringify(error);
          expect(isDomainError(error) && error.code, `${message} for ${JSON.stringify(input)}`).toMatch(
            /^(invalid-input|conflict)$/,
          );
        }
      }
    }
  });
});
