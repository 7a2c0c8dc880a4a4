import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../test-support/test-databases';
import type { DatastoreIndex, DatastoreQuery } from './datastore-types';
import {
  allPages,
  asc,
  desc,
  disposeDatastoreTests,
  expectDomainError,
  filter,
  item,
  list,
  names,
  openDatastore,
  scope,
  v,
} from './datastore-test-support';

afterEach(disposeDatastoreTests);

describe.each(testDialects())('Datastore query pages and composite indexes on %s', (dialect) => {
  it('pages through results with ties by cursor, in every plan, with no entity twice or missing', async () => {
    const { datastore } = await openDatastore(dialect);
    const count = 230;
    await datastore.put(
      scope,
      Array.from({ length: count }, (_, index) =>
        item(`e${String(index).padStart(3, '0')}`, {
          n: v.int(index % 7),
          group: v.str(index % 2 === 0 ? 'even' : 'odd'),
          tags: list(v.int(index % 5), v.int((index % 5) + 10)),
        }),
      ),
    );
    const expectPages = async (query: Omit<DatastoreQuery, 'kind'>, expected: string[]) => {
      const pages = await allPages(datastore, { kind: 'Item', limit: 9, ...query });
      expect(pages.map((found) => found.key.name)).toEqual(expected);
    };
    const all = Array.from({ length: count }, (_, index) => index);
    const name = (index: number) => `e${String(index).padStart(3, '0')}`;
    const byThen = (value: (index: number) => number, direction = 1) =>
      [...all].sort((a, b) => direction * (value(a) - value(b) || a - b)).map(name);

    await expectPages({}, all.map(name));
    await expectPages({ orders: [desc('__key__')] }, [...all].reverse().map(name));
    await expectPages(
      { orders: [asc('n')] },
      byThen((i) => i % 7),
    );
    await expectPages(
      { orders: [desc('n')] },
      byThen((i) => i % 7, -1),
    );
    await expectPages(
      { filters: [filter('n', '>=', v.int(3))] },
      byThen((i) => i % 7).filter((found) => Number(found.slice(1)) % 7 >= 3),
    );
    await expectPages({ filters: [filter('group', '=', v.str('odd'))] }, all.filter((i) => i % 2 === 1).map(name));
    await expectPages(
      { filters: [filter('tags', 'in', list(v.int(1), v.int(11), v.int(2)))] },
      all.filter((i) => i % 5 === 1 || i % 5 === 2).map(name),
    );
    await expectPages(
      { orders: [desc('tags')] },
      byThen((i) => (i % 5) + 10, -1),
    );
    await expectPages(
      { orders: [asc('tags')], keysOnly: true },
      byThen((i) => i % 5),
    );
  });

  it('sorts by several properties with a declared index, and names the index it needs without one', async () => {
    const indexes: DatastoreIndex[] = [];
    const { datastore } = await openDatastore(dialect, { indexesFor: () => indexes });
    await datastore.put(
      scope,
      Array.from({ length: 40 }, (_, index) =>
        item(`t${String(index).padStart(2, '0')}`, {
          done: v.bool(index % 3 === 0),
          due: v.int(index % 4),
          owner: v.str(index % 2 === 0 ? 'ann' : 'bob'),
        }),
      ),
    );
    const query: DatastoreQuery = {
      kind: 'Item',
      filters: [filter('done', '=', v.bool(false))],
      orders: [desc('due')],
      limit: 6,
    };
    await expectDomainError(
      datastore.query(scope, query),
      'invalid-input',
      'This query on kind "Item" combines the properties "done", "due", so it needs a composite index. ' +
        'Add this to "datastore": {"indexes": [...]} in slipway.json: ' +
        '{"kind":"Item","properties":[{"name":"done"},{"name":"due","direction":"desc"}]}',
    );
    indexes.push({
      kind: 'Item',
      properties: [
        { name: 'done', direction: 'asc' },
        { name: 'due', direction: 'desc' },
      ],
    });
    const expected = Array.from({ length: 40 }, (_, index) => index)
      .filter((index) => index % 3 !== 0)
      .sort((a, b) => (b % 4) - (a % 4) || b - a)
      .map((index) => `t${String(index).padStart(2, '0')}`);
    expect((await allPages(datastore, query)).map((found) => found.key.name)).toEqual(expected);

    await expectDomainError(
      datastore.query(scope, {
        kind: 'Item',
        filters: [filter('done', '=', v.bool(true)), filter('owner', '=', v.str('ann'))],
      }),
      'invalid-input',
      '{"kind":"Item","properties":[{"name":"done"},{"name":"owner"}]}',
    );
    indexes.push({
      kind: 'Item',
      properties: [
        { name: 'owner', direction: 'asc' },
        { name: 'done', direction: 'asc' },
      ],
    });
    expect(
      await names(datastore, { filters: [filter('done', '=', v.bool(true)), filter('owner', '=', v.str('ann'))] }),
    ).toEqual(['t00', 't06', 't12', 't18', 't24', 't30', 't36']);

    indexes.push({
      kind: 'Item',
      properties: [
        { name: 'owner', direction: 'asc' },
        { name: 'due', direction: 'asc' },
        { name: 'done', direction: 'desc' },
      ],
    });
    const sorted = await names(datastore, {
      filters: [filter('owner', '=', v.str('bob')), filter('due', '>', v.int(1))],
      orders: [asc('due'), desc('done')],
    });
    expect(sorted).toEqual(['t03', 't15', 't27', 't39', 't07', 't11', 't19', 't23', 't31', 't35']);
    const mixedPages = await allPages(datastore, {
      kind: 'Item',
      filters: [filter('owner', '=', v.str('bob')), filter('due', '>', v.int(1))],
      orders: [asc('due'), desc('done')],
      limit: 3,
    });
    expect(mixedPages.map((found) => found.key.name)).toEqual(sorted);
    // One property, or only keys besides it, never needs an index.
    expect(
      await names(datastore, {
        filters: [filter('due', '>=', v.int(3)), filter('__key__', '<', v.key('Item', 't10'))],
        orders: [desc('due'), desc('__key__')],
      }),
    ).toEqual(['t07', 't03']);
  });
});
