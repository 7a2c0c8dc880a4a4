import { invalidInput } from '../../core/errors';
import { encodeIndexValue, encodeKey } from './datastore-encoding';
import type { DatastoreEntity, DatastoreKey, DatastoreValue } from './datastore-types';
import { datastoreLimits } from './datastore-types';
import { checkText, codePoints, invalidAt, isRecord, onlyMembers, parseKey, parseValue } from './datastore-values';

/** One row of the values table: an indexed value of a property (without the entity's scope and key). */
export interface IndexEntry {
  property: string;
  sortValue: Buffer;
  /** 1 when the entity has more than one indexed value for the property (an array). */
  multi: number;
}

/** A validated entity ready to store once its key is complete. */
export interface PreparedEntity {
  key: DatastoreKey;
  properties: Record<string, DatastoreValue>;
  /** The properties as stored (JSON text). */
  data: string;
  index: IndexEntry[];
}

/** A prepared entity with a complete key. */
export interface StorableEntity extends PreparedEntity {
  keySort: Buffer;
}

const entityJsonOverhead = '{"key":,"properties":}'.length;

/** A property name: 1–500 characters, not starting with `__` (reserved, e.g. `__key__`). */
export function parsePropertyName(input: unknown, path: string): string {
  if (typeof input !== 'string') throw invalidAt(path, 'a property name must be a string');
  checkText(input, path);
  const length = codePoints(input);
  if (length < 1 || length > datastoreLimits.propertyNameChars) {
    throw invalidAt(path, `a property name is 1–${datastoreLimits.propertyNameChars} characters long (got ${length})`);
  }
  if (input.startsWith('__')) throw invalidAt(path, `property names starting with "__" are reserved ("${input}")`);
  if (input.includes('\u0000')) throw invalidAt(path, 'a property name cannot contain the NUL character');
  return input;
}

/** Validates an entity from the wire; a key without name or id is allowed when `allowIncomplete`. */
export function prepareEntity(input: unknown, path: string, allowIncomplete: boolean): PreparedEntity {
  if (!isRecord(input)) throw invalidAt(path, 'an entity must be an object {key, properties}');
  onlyMembers(input, ['key', 'properties', 'version'], path);
  const key = parseKey(input.key, `${path}.key`, !allowIncomplete);
  const rawProperties = input.properties ?? {};
  if (!isRecord(rawProperties)) throw invalidAt(`${path}.properties`, 'must be an object of named values');
  const names = Object.keys(rawProperties);
  if (names.length > datastoreLimits.propertiesPerEntity) {
    throw invalidAt(
      `${path}.properties`,
      `has ${names.length} properties; an entity has at most ${datastoreLimits.propertiesPerEntity}`,
    );
  }
  const properties: Record<string, DatastoreValue> = {};
  const index: IndexEntry[] = [];
  for (const name of names) {
    const at = `${path}.properties[${JSON.stringify(name)}]`;
    parsePropertyName(name, at);
    const value = parseValue(rawProperties[name], at);
    properties[name] = value;
    addIndexEntries(index, name, value);
  }
  if (index.length > datastoreLimits.indexEntriesPerEntity) {
    throw invalidAt(
      path,
      `the entity has ${index.length} indexed values; at most ${datastoreLimits.indexEntriesPerEntity} are allowed ` +
        '(each distinct value of each property and each array element counts)',
    );
  }
  const data = JSON.stringify(properties);
  // The size of `{"key":…,"properties":…}` without building that string.
  const bytes = Buffer.byteLength(data) + Buffer.byteLength(JSON.stringify(key)) + entityJsonOverhead;
  if (bytes > datastoreLimits.entityBytes) {
    throw invalidAt(
      path,
      `the entity is ${bytes} bytes as JSON; the limit is ${datastoreLimits.entityBytes} bytes (1 MiB) — ` +
        'store large content elsewhere (e.g. in files) and keep a reference',
    );
  }
  return { key, properties, data, index };
}

/** Validates a batch of entities (at most 500, no key twice) for put or commit. */
export function prepareEntities(input: unknown, path: string): PreparedEntity[] {
  const prepared = batchArray(input, path).map((entity, index) => prepareEntity(entity, `${path}[${index}]`, true));
  refuseDuplicates(
    prepared.map((entity) => entity.key),
    path,
  );
  return prepared;
}

/** Completes a prepared entity with its encoded key, leaving out index entries too large to store. */
export function storable(entity: PreparedEntity, key: DatastoreKey): StorableEntity {
  const keySort = encodeKey(key);
  const room = datastoreLimits.indexEntryBytes - keySort.length;
  const fits = (entry: IndexEntry) => entry.sortValue.length + Buffer.byteLength(entry.property) <= room;
  const index = entity.index.every(fits) ? entity.index : entity.index.filter(fits);
  return { ...entity, key, keySort, index };
}

function addIndexEntries(index: IndexEntry[], property: string, value: DatastoreValue): void {
  const elements = 'arrayValue' in value ? value.arrayValue : [value];
  const distinct = new Map<string, Buffer>();
  for (const element of elements) {
    const encoded = encodeIndexValue(element);
    if (encoded) distinct.set(encoded.toString('hex'), encoded);
  }
  const multi = distinct.size > 1 ? 1 : 0;
  for (const sortValue of distinct.values()) index.push({ property, sortValue, multi });
}

/** Validates a list of keys (complete, none twice) of at most one batch. */
export function parseKeys(input: unknown, path: string): DatastoreKey[] {
  const list = batchArray(input, path);
  const keys = list.map((item, index) => parseKey(item, `${path}[${index}]`, true));
  refuseDuplicates(keys, path);
  return keys;
}

/** Checks that `input` is an array of at most one batch (500) items. */
export function batchArray(input: unknown, path: string): unknown[] {
  if (!Array.isArray(input)) throw invalidAt(path, 'must be an array');
  if (input.length > datastoreLimits.batch) {
    throw invalidAt(
      path,
      `has ${input.length} items; one call takes at most ${datastoreLimits.batch} — split it into batches`,
    );
  }
  return input;
}

/** Refuses a key that appears twice in one call. */
export function refuseDuplicates(keys: readonly DatastoreKey[], path: string): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (key.id === undefined && key.name === undefined) continue;
    const hex = encodeKey(key).toString('hex');
    if (seen.has(hex)) {
      throw invalidInput(`${path}: the key ${describeKey(key)} appears more than once in one call`, { key });
    }
    seen.add(hex);
  }
}

/** A key for messages: `Task(id=5)` or `Task(name="a")`. */
export function describeKey(key: DatastoreKey): string {
  if (key.id !== undefined) return `${key.kind}(id=${key.id})`;
  if (key.name !== undefined) return `${key.kind}(name=${JSON.stringify(key.name)})`;
  return `${key.kind}(incomplete)`;
}

/** An entity as returned by reads. */
export function entityOf(key: DatastoreKey, data: string, version: string): DatastoreEntity {
  return { key, properties: JSON.parse(data) as Record<string, DatastoreValue>, version };
}
