import { type DomainError, invalidInput } from '../../core/errors';
import { parsePropertyName } from './datastore-entities';
import type { DatastoreDirection, DatastoreIndex } from './datastore-types';
import { isRecord, onlyMembers, parseDirection, parseKind } from './datastore-values';

/** What a query needs from a composite index: equality properties (any order), then its sort orders. */
export interface IndexNeed {
  kind: string;
  /** Properties only filtered (=, in), sorted by name. */
  equality: string[];
  /** Sorted properties in sort order, the inequality property first. */
  ordered: { name: string; direction: DatastoreDirection }[];
}

/**
 * Reads `datastore.indexes` from a parsed slipway.json (the whole manifest object). An app without
 * a `datastore` section has no indexes; anything malformed is an invalid-input error naming it.
 */
export function parseDatastoreIndexes(json: unknown): DatastoreIndex[] {
  if (!isRecord(json)) throw invalidInput('slipway.json must be a JSON object');
  const section = json.datastore;
  if (section === undefined) return [];
  if (!isRecord(section)) throw invalidInput('slipway.json: datastore must be an object {"indexes": [...]}');
  const indexes = section.indexes;
  if (indexes === undefined) return [];
  if (!Array.isArray(indexes)) throw invalidInput('slipway.json: datastore.indexes must be an array');
  const parsed = indexes.map((index, position) => parseIndex(index, `slipway.json: datastore.indexes[${position}]`));
  const seen = new Set<string>();
  parsed.forEach((index, position) => {
    const text = JSON.stringify(index);
    if (seen.has(text)) {
      throw invalidInput(`slipway.json: datastore.indexes[${position}] repeats an earlier index; remove one of them`);
    }
    seen.add(text);
  });
  return parsed;
}

function parseIndex(input: unknown, path: string): DatastoreIndex {
  if (!isRecord(input)) throw invalidInput(`${path} must be an object {"kind": ..., "properties": [...]}`);
  onlyMembers(input, ['kind', 'properties'], path);
  const kind = parseKind(input.kind, `${path}.kind`);
  const properties = input.properties;
  // One property is allowed (slipway.json's schema allows it), though such queries need no index.
  if (!Array.isArray(properties) || properties.length < 1) {
    throw invalidInput(`${path}.properties must list the properties, e.g. [{"name": "done"}, {"name": "due"}]`);
  }
  const parsed = properties.map((property, position) => {
    const at = `${path}.properties[${position}]`;
    if (!isRecord(property)) throw invalidInput(`${at} must be an object {"name": ..., "direction": "asc"|"desc"}`);
    onlyMembers(property, ['name', 'direction'], at);
    const name = parsePropertyName(property.name, `${at}.name`);
    return { name, direction: parseDirection(property.direction, `${at}.direction`) };
  });
  const names = parsed.map((property) => property.name);
  const repeated = names.find((name, position) => names.indexOf(name) !== position);
  if (repeated !== undefined) throw invalidInput(`${path}.properties lists "${repeated}" twice`);
  return { kind, properties: parsed };
}

/** Whether `index` serves a query with `need`: same properties, its sort orders last and alike. */
export function indexServes(index: DatastoreIndex, need: IndexNeed): boolean {
  const { equality, ordered } = need;
  if (index.kind !== need.kind || index.properties.length !== equality.length + ordered.length) return false;
  const head = index.properties.slice(0, equality.length).map((property) => property.name);
  const tail = index.properties.slice(equality.length);
  return (
    head.every((name) => equality.includes(name)) &&
    tail.every((property, position) => {
      const wanted = ordered[position];
      return wanted !== undefined && property.name === wanted.name && property.direction === wanted.direction;
    })
  );
}

/** The index a query needs, as slipway.json takes it (ascending directions left out). */
export function indexJson(need: IndexNeed): string {
  const properties = [
    ...need.equality.map((name) => ({ name })),
    ...need.ordered.map(({ name, direction }) => (direction === 'asc' ? { name } : { name, direction })),
  ];
  return JSON.stringify({ kind: need.kind, properties });
}

/** The refusal of a query whose composite index the app has not declared. */
export function missingIndexError(need: IndexNeed): DomainError {
  const names = [...need.equality, ...need.ordered.map((property) => property.name)];
  const listed = names.map((name) => `"${name}"`).join(', ');
  const json = indexJson(need);
  return invalidInput(
    `This query on kind "${need.kind}" combines the properties ${listed}, so it needs a composite index. ` +
      `Add this to "datastore": {"indexes": [...]} in slipway.json: ${json}`,
    { kind: need.kind, index: JSON.parse(json) as unknown },
  );
}
