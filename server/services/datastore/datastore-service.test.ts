import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../test-support/test-databases';
import type { ServiceScope } from '../service-scope';
import { DatastoreService } from './datastore-service';
import type { DatastoreEntity } from './datastore-types';
import { disposeDatastoreTests, expectDomainError, openDatastore, scope, v } from './datastore-test-support';

afterEach(disposeDatastoreTests);

const task = (name: string, properties: DatastoreEntity['properties'] = {}): DatastoreEntity => ({
  key: { kind: 'Task', name },
  properties,
});

describe.each(testDialects())('DatastoreService on %s', (dialect) => {
  it('puts, gets in request order, reports missing keys, and deletes', async () => {
    const { datastore } = await openDatastore(dialect);
    const put = await datastore.put(scope, [
      { key: { kind: 'Task' }, properties: { title: v.str('first') } },
      task('b', { title: v.str('second') }),
      { key: { kind: 'Task' }, properties: { title: v.str('third') } },
    ]);
    expect(put.keys).toEqual([
      { kind: 'Task', id: '1' },
      { kind: 'Task', name: 'b' },
      { kind: 'Task', id: '2' },
    ]);
    expect(put.versions.every((version) => /^[1-9][0-9]*$/.test(version))).toBe(true);

    const keys = [put.keys[2]!, { kind: 'Task', name: 'nope' }, put.keys[0]!, put.keys[1]!];
    const got = await datastore.get(scope, keys);
    expect(got.found.map((entity) => entity.properties.title)).toEqual([
      v.str('third'),
      v.str('first'),
      v.str('second'),
    ]);
    expect(got.found[0]!.version).toBe(put.versions[2]);
    expect(got.missing).toEqual([{ kind: 'Task', name: 'nope' }]);

    expect(await datastore.delete(scope, [put.keys[0]!, { kind: 'Task', name: 'nope' }])).toEqual({ deleted: 1 });
    expect((await datastore.get(scope, [put.keys[0]!])).missing).toEqual([put.keys[0]]);
    const all = await datastore.query(scope, { kind: 'Task', keysOnly: true });
    expect(all.entities.map((entity) => entity.key)).toEqual([put.keys[2], put.keys[1]]);
  });

  it('raises the version on every write, and never gives a re-created entity an old version', async () => {
    const { datastore } = await openDatastore(dialect);
    const versions: bigint[] = [];
    for (let round = 0; round < 5; round += 1) {
      const {
        versions: [version],
      } = await datastore.put(scope, [task('a', { n: v.int(round) })]);
      versions.push(BigInt(version!));
    }
    await datastore.delete(scope, [{ kind: 'Task', name: 'a' }]);
    const {
      versions: [recreated],
    } = await datastore.put(scope, [task('a')]);
    versions.push(BigInt(recreated!));
    expect([...versions].sort((a, b) => (a < b ? -1 : 1))).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('stores every value type and returns it as normalised', async () => {
    const { datastore } = await openDatastore(dialect);
    const properties: DatastoreEntity['properties'] = {
      nothing: v.nul(),
      yes: v.bool(true),
      min: v.int('-9223372036854775808'),
      max: v.int('9223372036854775807'),
      pi: v.double(3.141592653589793),
      tiny: v.double(5e-324),
      text: v.str('Grüße 😀 \u0000 nul and "quotes"'),
      empty: v.str(''),
      long: v.str('x'.repeat(5000)),
      at: v.time('2024-05-01T14:30:00.123456+02:00'),
      old: v.time('0001-01-01T00:00:00Z'),
      blob: v.bytes(Buffer.from([0, 1, 2, 255]).toString('base64')),
      ref: v.key('User', 'alice'),
      refId: { keyValue: { kind: 'User', id: '9223372036854775807' } },
      list: { arrayValue: [v.int(1), v.str('two'), v.nul(), v.key('K', 'k')] },
      none: { arrayValue: [] },
      'a property with spaces.and.dots': v.bool(false),
    };
    const { keys } = await datastore.put(scope, [{ key: { kind: 'Everything', name: 'ключ \u0000 😀' }, properties }]);
    const { found } = await datastore.get(scope, keys);
    expect(found[0]!.key).toEqual({ kind: 'Everything', name: 'ключ \u0000 😀' });
    expect(found[0]!.properties).toEqual({
      ...properties,
      at: v.time('2024-05-01T12:30:00.123Z'),
      old: v.time('0001-01-01T00:00:00.000Z'),
    });
  });

  it('stores entities with the longest names and keys, leaving index entries over 2300 bytes out', async () => {
    const { datastore } = await openDatastore(dialect);
    const long = (count: number, from: number) =>
      Array.from({ length: count }, (_, index) => String.fromCodePoint(from + index)).join('');
    const kind = 'K'.repeat(100);
    const key = { kind, name: long(500, 0x10000) };
    const property = long(500, 0x20000);
    const reference = { keyValue: { kind, name: long(500, 0x30000) } };
    const { keys } = await datastore.put(scope, [
      { key, properties: { [property]: reference, short: v.str('s'.repeat(150)) } },
    ]);
    expect((await datastore.get(scope, keys)).found[0]!.properties[property]).toEqual(reference);
    const byShort = await datastore.query(scope, { kind, filters: [{ property: 'short', op: '>', value: v.str('') }] });
    expect(byShort.entities.map((entity) => entity.key)).toEqual([key]);
    const byLong = await datastore.query(scope, { kind, filters: [{ property, op: '=', value: reference }] });
    expect(byLong.entities).toEqual([]);
  });

  it('allocates ids above explicit and imported ids, per scope and kind', async () => {
    const { datastore } = await openDatastore(dialect);
    await datastore.put(scope, [{ key: { kind: 'Task', id: '41' }, properties: {} }]);
    const { keys } = await datastore.put(scope, [
      { key: { kind: 'Task' }, properties: {} },
      { key: { kind: 'Note' }, properties: {} },
    ]);
    expect(keys).toEqual([
      { kind: 'Task', id: '42' },
      { kind: 'Note', id: '1' },
    ]);
    const other: ServiceScope = { ...scope, environment: 'preview' };
    expect((await datastore.put(other, [{ key: { kind: 'Task' }, properties: {} }])).keys).toEqual([
      { kind: 'Task', id: '1' },
    ]);
  });

  it('never lets an allocated id overwrite an entity another server process wrote with that id', async () => {
    const { db, datastore } = await openDatastore(dialect);
    const otherProcess = new DatastoreService(db);
    const first = await datastore.put(scope, [{ key: { kind: 'Task' }, properties: {} }]);
    expect(first.keys).toEqual([{ kind: 'Task', id: '1' }]);
    // This process holds a block of ids beyond 1; the other one writes 2 and 3 explicitly.
    await otherProcess.put(scope, [
      { key: { kind: 'Task', id: '2' }, properties: { by: v.str('other') } },
      { key: { kind: 'Task', id: '3' }, properties: { by: v.str('other') } },
    ]);
    const next = await datastore.put(scope, [
      { key: { kind: 'Task' }, properties: { by: v.str('this') } },
      { key: { kind: 'Task' }, properties: { by: v.str('this') } },
    ]);
    expect(next.keys.map((key) => BigInt(key.id!) > 3n)).toEqual([true, true]);
    const { found } = await datastore.get(scope, [{ kind: 'Task', id: '2' }, { kind: 'Task', id: '3' }, ...next.keys]);
    expect(found.map((entity) => entity.properties.by)).toEqual([
      v.str('other'),
      v.str('other'),
      v.str('this'),
      v.str('this'),
    ]);
  });

  it('keeps each tenant, app and environment apart', async () => {
    const { datastore } = await openDatastore(dialect);
    const scopes: ServiceScope[] = [
      scope,
      { ...scope, tenantId: 'tenant-b' },
      { ...scope, appId: 'app-2' },
      { ...scope, environment: 'preview' },
    ];
    for (const [index, each] of scopes.entries()) {
      await datastore.put(each, [task('shared', { owner: v.int(index) })]);
    }
    for (const [index, each] of scopes.entries()) {
      const { found } = await datastore.get(each, [{ kind: 'Task', name: 'shared' }]);
      expect(found.map((entity) => entity.properties.owner)).toEqual([v.int(index)]);
      const queried = await datastore.query(each, {
        kind: 'Task',
        filters: [{ property: 'owner', op: '>=', value: v.int(0) }],
      });
      expect(queried.entities.map((entity) => entity.properties.owner)).toEqual([v.int(index)]);
    }
    await datastore.delete(scopes[3]!, [{ kind: 'Task', name: 'shared' }]);
    for (const each of scopes.slice(0, 3)) {
      expect((await datastore.get(each, [{ kind: 'Task', name: 'shared' }])).found).toHaveLength(1);
    }
    const page = await datastore.query(scope, { kind: 'Task', limit: 1 });
    expect(page.cursor).toBeNull();
  });

  it('exports an environment and imports it elsewhere with its keys, allocation continuing above them', async () => {
    const { datastore } = await openDatastore(dialect);
    const entities: DatastoreEntity[] = Array.from({ length: 1203 }, (_, index) => ({
      key: { kind: index % 3 === 0 ? 'Note' : 'Task', id: String(index * 10 + 1) },
      properties: { n: v.int(index), tags: { arrayValue: [v.str(`t${index % 7}`)] } },
    }));
    entities.push(task('named', { when: v.time('2024-01-01T00:00:00Z') }));
    expect(await datastore.importData(scope, entities)).toEqual({ imported: 1204 });

    const exported: DatastoreEntity[] = [];
    for await (const entity of datastore.exportData(scope.tenantId, scope.appId, scope.environment)) {
      exported.push(JSON.parse(JSON.stringify(entity)) as DatastoreEntity);
    }
    expect(exported).toHaveLength(1204);
    const target: ServiceScope = { tenantId: 'tenant-b', appId: 'restored', environment: 'preview' };
    async function* stream() {
      for (const each of exported) yield await Promise.resolve(each);
    }
    await datastore.importData(target, stream());
    const restored = await datastore.get(
      target,
      entities.slice(0, 400).map((entity) => entity.key),
    );
    expect(restored.found.map(({ key, properties }) => ({ key, properties }))).toEqual(entities.slice(0, 400));
    const query = await datastore.query(target, {
      kind: 'Task',
      filters: [{ property: 'tags', op: '=', value: v.str('t3') }],
      limit: 1000,
    });
    const tasksTaggedT3 = Array.from({ length: 1203 }, (_, index) => index).filter((i) => i % 7 === 3 && i % 3 !== 0);
    expect(query.entities.length).toBe(tasksTaggedT3.length);
    const { keys } = await datastore.put(target, [{ key: { kind: 'Task' }, properties: {} }]);
    expect(BigInt(keys[0]!.id!)).toBeGreaterThan(12021n);
    await expectDomainError(
      datastore.importData(target, [{ key: { kind: 'Task' }, properties: {} }]),
      'invalid-input',
      /needs a name or an id/,
    );
  });

  it('deletes all data of an app in both environments and nothing else', async () => {
    const { datastore } = await openDatastore(dialect);
    const preview: ServiceScope = { ...scope, environment: 'preview' };
    const otherApp: ServiceScope = { ...scope, appId: 'app-2' };
    for (const each of [scope, preview, otherApp]) {
      await datastore.put(each, [task('a', { n: v.int(1) }), { key: { kind: 'Note' }, properties: {} }]);
    }
    expect(await datastore.deleteAll(scope.tenantId, scope.appId)).toEqual({ deleted: 4 });
    expect((await datastore.query(scope, { kind: 'Task' })).entities).toEqual([]);
    expect((await datastore.query(preview, { kind: 'Note' })).entities).toEqual([]);
    expect(
      (await datastore.query(otherApp, { kind: 'Task', filters: [{ property: 'n', op: '=', value: v.int(1) }] }))
        .entities,
    ).toHaveLength(1);
    expect((await datastore.put(scope, [{ key: { kind: 'Note' }, properties: {} }])).keys[0]).toEqual({
      kind: 'Note',
      id: '1',
    });
  });
});
