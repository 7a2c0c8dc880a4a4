import { encodeIndexValue, encodeKey } from './datastore-encoding';
import { parsePropertyName } from './datastore-entities';
import type { IndexNeed } from './datastore-indexes';
import {
  datastoreFilterOperators,
  datastoreLimits,
  type DatastoreDirection,
  type DatastoreFilterOperator,
  type DatastoreValue,
} from './datastore-types';
import { invalidAt, isRecord, onlyMembers, parseDirection, parseKind, parseValue } from './datastore-values';

/** The pseudo-property that filters and sorts by key. */
export const keyProperty = '__key__';

/** A filter with its value(s) encoded as index bytes (keys as key bytes for `__key__`). */
export interface ParsedFilter {
  property: string;
  op: DatastoreFilterOperator;
  /** One value, or the candidates of `in`. */
  values: Buffer[];
}

/** A validated query with its effective sort orders. */
export interface ParsedQuery {
  kind: string;
  /** Filters on properties (not `__key__`). */
  filters: ParsedFilter[];
  keyFilters: ParsedFilter[];
  /** Property sort orders; an inequality filter's property is first (added ascending if the query had none). */
  orders: { property: string; direction: DatastoreDirection }[];
  /**
   * Direction of the final tie-breaker by key: a `__key__` order's, else the first sort order's
   * (a descending query is the exact reverse of the ascending one, and one index scan serves it).
   */
  keyDirection: DatastoreDirection;
  limit: number;
  cursor: string | undefined;
  keysOnly: boolean;
  /** Set when the query combines several properties and so needs a declared composite index. */
  indexNeed: IndexNeed | undefined;
}

const inequalityOperators: readonly DatastoreFilterOperator[] = ['!=', '<', '<=', '>', '>='];

/** True for filters that are not equality tests (`=`, `in`). */
export function isInequality(op: DatastoreFilterOperator): boolean {
  return inequalityOperators.includes(op);
}

/** Validates a query; every problem is an invalid-input error naming the member at fault. */
export function parseQuery(input: unknown): ParsedQuery {
  if (!isRecord(input))
    throw invalidAt('query', 'must be an object {kind, filters?, orders?, limit?, cursor?, keysOnly?}');
  onlyMembers(input, ['kind', 'filters', 'orders', 'limit', 'cursor', 'keysOnly'], 'query');
  const kind = parseKind(input.kind, 'query.kind');
  const filters = listOf(input.filters, 'query.filters', datastoreLimits.filtersPerQuery).map((filter, index) =>
    parseFilter(filter, `query.filters[${index}]`),
  );
  const explicitOrders = parseOrders(input.orders);
  const limit = input.limit ?? datastoreLimits.queryLimitDefault;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > datastoreLimits.queryLimitMax) {
    throw invalidAt(
      'query.limit',
      `must be an integer from 1 to ${datastoreLimits.queryLimitMax} (got ${JSON.stringify(limit)})`,
    );
  }
  if (input.cursor !== undefined && typeof input.cursor !== 'string') {
    throw invalidAt('query.cursor', 'must be the cursor string of a previous page');
  }
  if (input.keysOnly !== undefined && typeof input.keysOnly !== 'boolean') {
    throw invalidAt('query.keysOnly', 'must be true or false');
  }
  const propertyFilters = filters.filter((filter) => filter.property !== keyProperty);
  const keyOrder = explicitOrders.find((order) => order.property === keyProperty);
  const orders = effectiveOrders(
    propertyFilters,
    explicitOrders.filter((order) => order.property !== keyProperty),
  );
  return {
    kind,
    filters: propertyFilters,
    keyFilters: filters.filter((filter) => filter.property === keyProperty),
    orders,
    keyDirection: keyOrder?.direction ?? orders[0]?.direction ?? 'asc',
    limit,
    cursor: input.cursor,
    keysOnly: input.keysOnly ?? false,
    indexNeed: indexNeedOf(kind, propertyFilters, orders),
  };
}

function listOf(input: unknown, path: string, max: number): unknown[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw invalidAt(path, 'must be an array');
  if (input.length > max) throw invalidAt(path, `has ${input.length} entries; a query takes at most ${max}`);
  return input;
}

function parseFilter(input: unknown, path: string): ParsedFilter {
  if (!isRecord(input)) throw invalidAt(path, 'a filter is an object {property, op, value}');
  onlyMembers(input, ['property', 'op', 'value'], path);
  const property = input.property === keyProperty ? keyProperty : parsePropertyName(input.property, `${path}.property`);
  const op = input.op as DatastoreFilterOperator;
  if (!datastoreFilterOperators.includes(op)) {
    throw invalidAt(
      `${path}.op`,
      `must be one of ${datastoreFilterOperators.join(' ')} (got ${JSON.stringify(input.op)})`,
    );
  }
  const value = parseValue(input.value, `${path}.value`);
  let candidates: DatastoreValue[];
  if (op === 'in') {
    if (!('arrayValue' in value) || value.arrayValue.length < 1) {
      throw invalidAt(`${path}.value`, '"in" takes an arrayValue of 1 or more candidate values');
    }
    if (value.arrayValue.length > datastoreLimits.inValues) {
      throw invalidAt(`${path}.value`, `"in" takes at most ${datastoreLimits.inValues} values`);
    }
    candidates = value.arrayValue;
  } else {
    if ('arrayValue' in value) {
      throw invalidAt(
        `${path}.value`,
        `an arrayValue cannot be compared with "${op}"; use "in" to match any of several values`,
      );
    }
    candidates = [value];
  }
  const values = candidates.map((candidate, index) => {
    const at = op === 'in' ? `${path}.value.arrayValue[${index}]` : `${path}.value`;
    if (property === keyProperty) {
      if (!('keyValue' in candidate)) throw invalidAt(at, `"${keyProperty}" is compared with keyValue values`);
      return encodeKey(candidate.keyValue);
    }
    const encoded = encodeIndexValue(candidate);
    if (!encoded) {
      throw invalidAt(
        at,
        `strings and bytes longer than ${datastoreLimits.indexedValueBytes} bytes are not indexed, so no filter can match them`,
      );
    }
    return encoded;
  });
  return { property, op, values };
}

function parseOrders(input: unknown): { property: string; direction: DatastoreDirection }[] {
  const orders = listOf(input, 'query.orders', datastoreLimits.ordersPerQuery).map((order, index) => {
    const path = `query.orders[${index}]`;
    if (!isRecord(order)) throw invalidAt(path, 'an order is an object {property, direction}');
    onlyMembers(order, ['property', 'direction'], path);
    const property =
      order.property === keyProperty ? keyProperty : parsePropertyName(order.property, `${path}.property`);
    return { property, direction: parseDirection(order.direction, `${path}.direction`) };
  });
  orders.forEach((order, index) => {
    if (orders.findIndex((other) => other.property === order.property) !== index) {
      throw invalidAt(`query.orders[${index}]`, `sorts by "${order.property}" a second time`);
    }
    if (order.property === keyProperty && index !== orders.length - 1) {
      throw invalidAt(
        `query.orders[${index}]`,
        `"${keyProperty}" must be the last sort order: keys are unique, so orders after it never apply`,
      );
    }
  });
  return orders;
}

/** Datastore's rule: inequality filters on one property only, and the results are sorted by it first. */
function effectiveOrders(
  filters: readonly ParsedFilter[],
  orders: { property: string; direction: DatastoreDirection }[],
): { property: string; direction: DatastoreDirection }[] {
  const inequalities = [...new Set(filters.filter((filter) => isInequality(filter.op)).map((f) => f.property))];
  const [inequality, second] = inequalities;
  if (second !== undefined) {
    throw invalidAt(
      'query.filters',
      `inequality filters (!= < <= > >=) apply to one property per query, but this one has them on "${inequality}" and "${second}"; ` +
        'filter on one of them and check the other in your code',
    );
  }
  if (inequality === undefined) return orders;
  if (orders.length === 0) return [{ property: inequality, direction: 'asc' }];
  if (orders[0]?.property !== inequality) {
    throw invalidAt(
      'query.orders',
      `a query with an inequality filter on "${inequality}" is sorted by "${inequality}" first: ` +
        `add {"property": "${inequality}", "direction": "asc"} (or "desc") as the first order`,
    );
  }
  return orders;
}

function indexNeedOf(
  kind: string,
  filters: readonly ParsedFilter[],
  orders: readonly { property: string; direction: DatastoreDirection }[],
): IndexNeed | undefined {
  const ordered = orders.map((order) => ({ name: order.property, direction: order.direction }));
  const sorted = new Set(ordered.map((order) => order.name));
  const equality = [...new Set(filters.map((filter) => filter.property))].filter((name) => !sorted.has(name)).sort();
  if (equality.length + ordered.length <= 1) return undefined;
  return { kind, equality, ordered };
}
