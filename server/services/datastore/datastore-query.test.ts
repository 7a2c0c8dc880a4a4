import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../test-support/test-databases';
import type { DatastoreQuery, DatastoreValue } from './datastore-types';
import {
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

describe.each(testDialects())('Datastore queries on %s', (dialect) => {
  it('applies each operator, within the filter value type for ranges', async () => {
    const { datastore } = await openDatastore(dialect);
    await datastore.put(scope, [
      item('i1', { n: v.int(1) }),
      item('i2', { n: v.int(2) }),
      item('d2', { n: v.double(2.5) }),
      item('i3', { n: v.int(3) }),
      item('i4', { n: v.int('9223372036854775807') }),
      item('s', { n: v.str('3') }),
      item('null', { n: v.nul() }),
      item('t', { n: v.time('2024-01-01T00:00:00Z') }),
      item('none', { other: v.int(1) }),
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
      ...[...byRank].reverse().map(([name, value]) => item(name, { x: value })),
      item('no-x', { y: v.int(1) }),
    ]);
    const ranked = byRank.map(([name]) => name);
    expect(await names(datastore, { orders: [asc('x')] })).toEqual(ranked);
    expect(await names(datastore, { orders: [desc('x')] })).toEqual([...ranked].reverse());
  });

  it('matches an array if any element matches, returns each entity once, sorted by its smallest or largest value', async () => {
    const { datastore } = await openDatastore(dialect);
    await datastore.put(scope, [
      item('ac', { tags: list(v.str('a'), v.str('c')) }),
      item('b', { tags: list(v.str('b')) }),
      item('cd', { tags: list(v.str('c'), v.str('d'), v.str('c')) }),
      item('empty', { tags: list() }),
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
    // Ties break by key, descending like the first sort order.
    expect(await names(datastore, { filters: [filter('tags', '<', v.str('d'))], orders: [desc('tags')] })).toEqual([
      'cd',
      'ac',
      'b',
    ]);
  });

  it('filters and sorts by key', async () => {
    const { datastore } = await openDatastore(dialect);
    await datastore.put(scope, [
      ...['a', 'b', 'c'].map((name) => item(name, { n: v.int(1) })),
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
      Array.from({ length: 120 }, (_, index) => item(`k${String(index).padStart(3, '0')}`, { n: v.int(index) })),
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
    await datastore.put(scope, [item('long', { s: v.str(long) }), item('short', { s: v.str('x') })]);
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
    await datastore.put(scope, [item('a', { n: v.int(1) }), item('b', { n: v.int(2) })]);
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
