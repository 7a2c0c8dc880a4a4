/**
 * The Datastore's wire format, which is also its internal format: the HTTP layer passes these
 * JSON shapes straight through. Modelled on Google Cloud Datastore / Firestore REST.
 */

/** An entity's key: a kind and either a name or a numeric id (decimal int64 text); neither on put allocates an id. */
export interface DatastoreKey {
  kind: string;
  name?: string;
  id?: string;
}

/** A tagged value: exactly one member is present. */
export type DatastoreValue =
  | { nullValue: null }
  | { booleanValue: boolean }
  /** int64 as decimal text. */
  | { integerValue: string }
  | { doubleValue: number }
  | { stringValue: string }
  /** RFC 3339, returned in UTC with millisecond precision (`2024-05-01T12:00:00.000Z`). */
  | { timestampValue: string }
  /** base64 (standard alphabet, padded). */
  | { bytesValue: string }
  | { keyValue: DatastoreKey }
  /** No nested arrays. */
  | { arrayValue: DatastoreValue[] };

/** An entity; `version` is set by reads and ignored by writes. */
export interface DatastoreEntity {
  key: DatastoreKey;
  properties: Record<string, DatastoreValue>;
  /** Increases with every write of the entity (int64 text); an absent entity is at "0". */
  version?: string;
}

/** Comparison operators of a query filter. */
export const datastoreFilterOperators = ['=', '!=', '<', '<=', '>', '>=', 'in'] as const;
/** A comparison operator of a query filter. */
export type DatastoreFilterOperator = (typeof datastoreFilterOperators)[number];

/** A property filter; `in` takes an arrayValue of candidates; `__key__` filters by key (keyValue). */
export interface DatastoreFilter {
  property: string;
  op: DatastoreFilterOperator;
  value: DatastoreValue;
}

/** Sort direction. */
export type DatastoreDirection = 'asc' | 'desc';

/** A sort order on a property (or `__key__`). */
export interface DatastoreOrder {
  property: string;
  direction: DatastoreDirection;
}

/** A query on one kind. */
export interface DatastoreQuery {
  kind: string;
  filters?: DatastoreFilter[];
  orders?: DatastoreOrder[];
  /** 1–1000, default 100. */
  limit?: number;
  /** The `cursor` of the previous page of the same query. */
  cursor?: string;
  /** Return keys only (entities with empty properties and no version). */
  keysOnly?: boolean;
}

/** A page of query results; `cursor` is non-null when more results may follow. */
export interface DatastoreQueryResult {
  entities: DatastoreEntity[];
  cursor: string | null;
}

/** A composite index an app declares in slipway.json (`datastore.indexes`). */
export interface DatastoreIndex {
  kind: string;
  properties: { name: string; direction: DatastoreDirection }[];
}

/** The result of `get`: found entities in request order, and the keys that do not exist. */
export interface DatastoreGetResult {
  found: DatastoreEntity[];
  missing: DatastoreKey[];
}

/** The result of `put`: the complete keys (with allocated ids) and the new versions, in request order. */
export interface DatastorePutResult {
  keys: DatastoreKey[];
  versions: string[];
}

/** What a transaction read (with the versions it saw) and what it writes. */
export interface DatastoreCommitRequest {
  reads: { key: DatastoreKey; version: string }[];
  puts?: DatastoreEntity[];
  deletes?: DatastoreKey[];
}

/** The result of `commit`: the puts' keys and new versions, and how many entities the deletes removed. */
export interface DatastoreCommitResult extends DatastorePutResult {
  deleted: number;
}

/** The Datastore's limits; each is enforced with an invalid-input error saying which was exceeded. */
export const datastoreLimits = {
  /** Keys or entities per get/put/delete/commit. */
  batch: 500,
  queryLimitDefault: 100,
  queryLimitMax: 1000,
  /** An entity's serialised JSON (key and properties), in bytes. */
  entityBytes: 1024 * 1024,
  propertiesPerEntity: 2000,
  propertyNameChars: 500,
  arrayValues: 10_000,
  /** Index rows per entity (one per distinct indexed value of each property). */
  indexEntriesPerEntity: 20_000,
  /** Strings and bytes longer than this (UTF-8 bytes) are stored but not indexed. */
  indexedValueBytes: 1500,
  /**
   * An index entry (property name, encoded value and encoded key, in bytes) larger than this is
   * not stored: PostgreSQL refuses b-tree rows over 2704 bytes, and the scope columns need room.
   */
  indexEntryBytes: 2300,
  kindChars: 100,
  keyNameChars: 500,
  filtersPerQuery: 20,
  ordersPerQuery: 5,
  inValues: 100,
} as const;
