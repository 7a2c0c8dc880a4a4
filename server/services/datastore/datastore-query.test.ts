import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../test-support/test-databases';
import type { DatastoreService } from './datastore-service';
import type {
  DatastoreEntity,
  DatastoreFilter,
  DatastoreIndex,
  DatastoreOrder,
  DatastoreQuery,
  DatastoreValue,
} from './datastore-types';
import { disposeDatastoreTests, expectDomainError, openDatastore, scope, v } from './datastore-test-support';

afterEach(disposeDatastoreTests);

const entity = (name: string, properties: Record<string, DatastoreValue>): DatastoreEntity => ({
  key: { kind: 'Item', name },
  properties,
});
const filter = (property: string, op: DatastoreFilter['op'], value: DatastoreValue): DatastoreFilter => ({
  property,
  op,
  value,
});
const asc = (property: string): DatastoreOrder => ({ property, direction: 'asc' });
const desc = (property: string): DatastoreOrder => ({ property, direction: 'desc' });
const list = (...values: DatastoreValue[]): DatastoreValue => ({ arrayValue: values });

async function names(datastore: DatastoreService, query: Omit<DatastoreQuery, 'kind'>): Promise<string[]> {
  const result = await datastore.query(scope, { kind: 'Item', ...query });
  return result.entities.map((found) => found.key.name ?? `#${found.key.id}`);
}

/** Every result of a query, page by page; checks each page's size and that cursors end. */
async function allPages(datastore: DatastoreService, query: DatastoreQuery): Promise<DatastoreEntity[]> {
  const results: DatastoreEntity[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page += 1) {
    const result = await datastore.query(scope, { ...query, cursor });
    results.push(...result.entities);
    if (result.cursor === null) return results;
    expect(result.entities).toHaveLength(query.limit ?? 100);
    cursor = result.cursor;
  }
  throw new Error('the cursor never ended');
}

describe.each(testDialects())('Datastore queries on %s', (dialect) => {
  it('applies each operator, within the filter value type for ranges', async () => {
    const { datastore } = await openDatastore(dialect);
    await datastore.put(scope, [
      entity('i1', { n: v.int(1) }),
      entity('i2', { n: v.int(2) }),
      entity('d2', { n: v.double(2.5) }),
      entity('i3', { n: v.int(3) }),
      entity('i4', { n: v.int('9223372036854775807') }),
      entity('s', { n: v.str('3') }),
      entity('null', { n: v.nul() }),
      entity('t', { n: v.time('2024-01-01T00:00:00Z') }),
      entity('none', { other: v.int(1) }),
    ]);
    expect(await names(datastore, { filters: [filter('n', '=', v.int(2))] })).toEqual(['i2']);
    expect(await names(datastore, { filters: [filter('n', '=', v.double(3))] })).toEqual(['i3']);
    expect(await names(datastore, { filters: [filter('n', '=', v.nul())] })).toEqual(['null']);
    expect(await names(datastore, { filters: [filter('n', '>', v.int(2))] })).toEqual(['d2', 'i3', 'i4']);
    expect(await names(datastore, { filters: [filter('n', '>=', v.double(2))] })).toEqual(['i2', 'd2', 'i3', 'i4']);
    expect(await names(datastore, { filters: [filter('n', '<', v.int(3))] })).toEqual(['i1', 'i2', 'd2']);
    expect(await names(datastore, { filters: [filter('n', '<=', v.int(3))] })).toEqual(['i1', 'i2', 'd2', 'i3']);
    expect(await names(datastore, { filters: [filter('n', '<', v.str('4'))] })).toEqual(['s']);
    expect(await names(datastore, { filters: [filter('n', '>', v.int(1)), filter('n', '<', v.int(3))] })).toEqual([
      'i2',
      'd2',
    ]);
    expect(await names(datastore, { filters: [filter('n', '!=', v.int(2))] })).toEqual([
      'null',
      'i1',
      'd2',
      'i3',
      'i4',
      't',
      's',
    ]);
    expect(await names(datastore, { filters: [filter('n', 'in', list(v.int(3), v.str('3'), v.int(99)))] })).toEqual([
      'i3',
      's',
    ]);
    expect(await names(datastore, { filters: [filter('n', '>', v.int(1))], orders: [desc('n')] })).toEqual([
      'i4',
      'i3',
      'd2',
      'i2',
    ]);
  });

  it('sorts across types: null < boolean < numbers < timestamp < string < bytes < key; missing ones are left out', async () => {
    const { datastore } = await openDatastore(dialect);
    const byRank: [string, DatastoreValue][] = [
      ['a-null', v.nul()],
      ['b-false', v.bool(false)],
      ['c-true', v.bool(true)],
      ['d-min', v.int('-9223372036854775808')],
      ['e-half', v.double(0.5)],
      ['f-max', v.int('9223372036854775807')],
      ['g-time', v.time('1900-01-01T00:00:00Z')],
      ['h-string', v.str('')],
      ['i-bytes', v.bytes('AA==')],
      ['j-key', v.key('A', 'a')],
    ];
    await datastore.put(scope, [
      ...[...byRank].reverse().map(([name, value]) => entity(name, { x: value })),
      entity('no-x', { y: v.int(1) }),
    ]);
    const ranked = byRank.map(([name]) => name);
    expect(await names(datastore, { orders: [asc('x')] })).toEqual(ranked);
    expect(await names(datastore, { orders: [desc('x')] })).toEqual([...ranked].reverse());
  });

  it('matches an array if any element matches, returns each entity once, sorted by its smallest or largest value', async () => {
    const { datastore } = await openDatastore(dialect);
    await datastore.put(scope, [
      entity('ac', { tags: list(v.str('a'), v.str('c')) }),
      entity('b', { tags: list(v.str('b')) }),
      entity('cd', { tags: list(v.str('c'), v.str('d'), v.str('c')) }),
      entity('empty', { tags: list() }),
    ]);
    expect(await names(datastore, { filters: [filter('tags', '=', v.str('c'))] })).toEqual(['ac', 'cd']);
    expect(await names(datastore, { filters: [filter('tags', '>', v.str('b'))] })).toEqual(['ac', 'cd']);
    expect(await names(datastore, { filters: [filter('tags', '>=', v.str('b'))] })).toEqual(['b', 'ac', 'cd']);
    // Range filters on one property must hold for one and the same element.
    expect(
      await names(datastore, { filters: [filter('tags', '>', v.str('a')), filter('tags', '<', v.str('c'))] }),
    ).toEqual(['b']);
    // Each equality filter may be met by a different element.
    expect(
      await names(datastore, { filters: [filter('tags', '=', v.str('a')), filter('tags', '=', v.str('c'))] }),
    ).toEqual(['ac']);
    expect(await names(datastore, { filters: [filter('tags', 'in', list(v.str('c'), v.str('d')))] })).toEqual([
      'ac',
      'cd',
    ]);
    expect(await names(datastore, { filters: [filter('tags', '!=', v.str('c'))] })).toEqual(['ac', 'b', 'cd']);
    expect(await names(datastore, { orders: [asc('tags')] })).toEqual(['ac', 'b', 'cd']);
    expect(await names(datastore, { orders: [desc('tags')] })).toEqual(['cd', 'ac', 'b']);
    expect(await names(datastore, { filters: [filter('tags', '<', v.str('d'))], orders: [desc('tags')] })).toEqual([
      'ac',
      'cd',
      'b',
    ]);
  });

  it('pages through results with ties by cursor, in every plan, with no entity twice or missing', async () => {
    const { datastore } = await openDatastore(dialect);
    const count = 230;
    await datastore.put(
      scope,
      Array.from({ length: count }, (_, index) =>
        entity(`e${String(index).padStart(3, '0')}`, {
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
      [...all].sort((a, b) => direction * (value(a) - value(b)) || a - b).map(name);

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
        entity(`t${String(index).padStart(2, '0')}`, {
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
      .sort((a, b) => (b % 4) - (a % 4) || a - b)
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
    // One property, or only keys besides it, never needs an index.
    expect(
      await names(datastore, {
        filters: [filter('due', '>=', v.int(3)), filter('__key__', '<', v.key('Item', 't10'))],
        orders: [desc('due'), desc('__key__')],
      }),
    ).toEqual(['t07', 't03']);
  });

  it('filters and sorts by key', async () => {
    const { datastore } = await openDatastore(dialect);
    await datastore.put(scope, [
      ...['a', 'b', 'c'].map((name) => entity(name, { n: v.int(1) })),
      { key: { kind: 'Item', id: '5' }, properties: { n: v.int(1) } },
      { key: { kind: 'Other', name: 'a' }, properties: { n: v.int(1) } },
    ]);
    expect(await names(datastore, {})).toEqual(['#5', 'a', 'b', 'c']);
    expect(await names(datastore, { filters: [filter('__key__', '>', v.key('Item', 'a'))] })).toEqual(['b', 'c']);
    expect(await names(datastore, { filters: [filter('__key__', '=', v.key('Item', 'b'))] })).toEqual(['b']);
    expect(await names(datastore, { filters: [filter('__key__', '!=', v.key('Item', 'b'))] })).toEqual([
      '#5',
      'a',
      'c',
    ]);
    expect(
      await names(datastore, {
        filters: [filter('__key__', 'in', list(v.key('Item', 'c'), { keyValue: { kind: 'Item', id: '5' } }))],
      }),
    ).toEqual(['#5', 'c']);
    expect(await names(datastore, { filters: [filter('__key__', '<', v.key('A', 'z'))] })).toEqual([]);
    expect(await names(datastore, { filters: [filter('__key__', '>', v.key('A', 'z'))] })).toEqual([
      '#5',
      'a',
      'b',
      'c',
    ]);
    expect(
      await names(datastore, {
        filters: [filter('n', '=', v.int(1)), filter('__key__', '<=', v.key('Item', 'b'))],
        orders: [desc('__key__')],
      }),
    ).toEqual(['b', 'a', '#5']);
    await expectDomainError(
      datastore.query(scope, { kind: 'Item', filters: [filter('__key__', '=', v.str('b'))] }),
      'invalid-input',
      /compared with keyValue/,
    );
  });

  it('returns keys only when asked, and pages by limit', async () => {
    const { datastore } = await openDatastore(dialect);
    await datastore.put(
      scope,
      Array.from({ length: 120 }, (_, index) => entity(`k${String(index).padStart(3, '0')}`, { n: v.int(index) })),
    );
    const keysOnly = await datastore.query(scope, {
      kind: 'Item',
      keysOnly: true,
      limit: 2,
      filters: [filter('n', '>=', v.int(10))],
    });
    expect(keysOnly.entities).toEqual([
      { key: { kind: 'Item', name: 'k010' }, properties: {} },
      { key: { kind: 'Item', name: 'k011' }, properties: {} },
    ]);
    const defaults = await datastore.query(scope, { kind: 'Item' });
    expect(defaults.entities).toHaveLength(100);
    expect(defaults.entities[0]!.version).toMatch(/^[1-9]/);
    expect(defaults.cursor).not.toBeNull();
    const exact = await datastore.query(scope, { kind: 'Item', limit: 120 });
    expect(exact.cursor).toBeNull();
  });

  it('does not index strings over 1500 bytes and refuses filters on such strings', async () => {
    const { datastore } = await openDatastore(dialect);
    const long = 'x'.repeat(1501);
    await datastore.put(scope, [entity('long', { s: v.str(long) }), entity('short', { s: v.str('x') })]);
    expect((await datastore.get(scope, [{ kind: 'Item', name: 'long' }])).found[0]!.properties.s).toEqual(v.str(long));
    expect(await names(datastore, { orders: [asc('s')] })).toEqual(['short']);
    expect(await names(datastore, { filters: [filter('s', '>', v.str('x'))] })).toEqual([]);
    await expectDomainError(
      datastore.query(scope, { kind: 'Item', filters: [filter('s', '=', v.str(long))] }),
      'invalid-input',
      /query\.filters\[0\]\.value: strings and bytes longer than 1500 bytes are not indexed/,
    );
  });

  it('refuses malformed queries with invalid-input', async () => {
    const { datastore } = await openDatastore(dialect);
    await datastore.put(scope, [entity('a', { n: v.int(1) }), entity('b', { n: v.int(2) })]);
    const { cursor } = await datastore.query(scope, { kind: 'Item', limit: 1 });
    const bad: [unknown, RegExp][] = [
      [{ kind: 'Item', limit: 0 }, /query\.limit: must be an integer from 1 to 1000/],
      [{ kind: 'Item', limit: 1001 }, /from 1 to 1000/],
      [{ kind: 'Item', limit: '5' }, /query\.limit/],
      [{ kind: 'Item', where: [] }, /unknown member "where"/],
      [{ kind: 'Item', filters: [filter('n', '~' as '=', v.int(1))] }, /query\.filters\[0\]\.op: must be one of/],
      [{ kind: 'Item', filters: [filter('n', '=', list(v.int(1)))] }, /use "in"/],
      [{ kind: 'Item', filters: [filter('n', 'in', v.int(1))] }, /"in" takes an arrayValue/],
      [{ kind: 'Item', filters: [filter('n', 'in', list())] }, /"in" takes an arrayValue of 1 or more/],
      [{ kind: 'Item', filters: [filter('__x', '=', v.int(1))] }, /reserved/],
      [
        { kind: 'Item', filters: [filter('n', '>', v.int(1)), filter('m', '<', v.int(1))] },
        /inequality filters .* one property per query, .* "n" and "m"/,
      ],
      [
        { kind: 'Item', filters: [filter('n', '>', v.int(1))], orders: [asc('m')] },
        /sorted by "n" first: add \{"property": "n", "direction": "asc"\}/,
      ],
      [{ kind: 'Item', orders: [asc('n'), asc('n')] }, /sorts by "n" a second time/],
      [{ kind: 'Item', orders: [asc('__key__'), asc('n')] }, /"__key__" must be the last sort order/],
      [{ kind: 'Item', orders: [{ property: 'n', direction: 'up' }] }, /direction: must be "asc" or "desc"/],
      [{ kind: 'Item', cursor: 'garbage' }, /cursor is malformed/],
      [{ kind: 'Item', cursor: 5 }, /query\.cursor/],
      [{ kind: 'Item', orders: [desc('n')], cursor }, /cursor belongs to a different query/],
      [{ kind: 'Item', keysOnly: 'yes' }, /keysOnly/],
      [{ kind: 'no such kind!' }, /not a valid kind/],
    ];
    for (const [query, message] of bad) {
      await expectDomainError(datastore.query(scope, query as DatastoreQuery), 'invalid-input', message);
    }
    await expectDomainError(
      datastore.query({ ...scope, appId: 'another' }, { kind: 'Item', limit: 1, cursor: cursor! }),
      'invalid-input',
      /different query/,
    );
    expect((await datastore.query(scope, { kind: 'Item', limit: 5, cursor: cursor! })).entities).toHaveLength(1);
  });
});
