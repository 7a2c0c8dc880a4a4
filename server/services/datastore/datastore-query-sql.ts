import { sql, type RawBuilder } from 'kysely';
import type { ServiceScope } from '../service-scope';
import { kindKeyRange, typeRange } from './datastore-encoding';
import { isInequality, type ParsedFilter, type ParsedQuery } from './datastore-query';
import type { DatastoreDirection } from './datastore-types';

/*
 * One SQL statement per query page. It is driven by an index range: the first sort property's
 * rows in datastore_values (or an equality filter's rows, or the kind's key range in
 * datastore_entities), read in index order, so a page costs about its own size, not the kind's.
 * Other equality filters are primary-key lookups in datastore_values per candidate entity, further
 * sort orders join that property's row. The joins are CROSS JOINs with their conditions in WHERE:
 * SQLite then keeps the driver as the outer loop (its statistics are fixed figures, see migration
 * 005, too coarse to choose join orders by), while PostgreSQL plans them as inner joins from its
 * own statistics. An entity with several values for a property (an array) has several rows; the
 * `multi` flag lets the common single-valued case skip the check that keeps only the row that
 * sorts it.
 */

/** A result row: the key, the sort values for the cursor, and (unless keys only) the entity. */
export interface QueryRow {
  key_sort: Buffer;
  data?: string;
  version?: string;
  [sortColumn: `s${number}`]: Buffer;
}

/** The statement for one page, and how to read a row's position for the next page's cursor. */
export interface QueryStatement {
  statement: RawBuilder<QueryRow>;
  /** Number of values in a position (sort columns and the key). */
  positionLength: number;
  positionOf(row: QueryRow): Buffer[];
}

interface SortColumn {
  expression: RawBuilder<unknown>;
  direction: DatastoreDirection;
}

const comparisons: Record<string, string> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** Builds the SQL for a page of `query` in `scope`, after `position` when continuing from a cursor. */
export function buildQuerySql(scope: ServiceScope, query: ParsedQuery, position?: readonly Buffer[]): QueryStatement {
  const inScope = (alias: string) =>
    sql`${sql.ref(`${alias}.tenant_id`)} = ${scope.tenantId} and ${sql.ref(`${alias}.app_id`)} = ${scope.appId} and ${sql.ref(`${alias}.environment`)} = ${scope.environment}`;
  // A property's rows in the kind (the query index), or one entity's rows of a property (the
  // primary key; the key implies the kind, and leaving the kind out keeps SQLite off the query index).
  const valueRows = (alias: string, property: string) =>
    sql`${inScope(alias)} and ${sql.ref(`${alias}.kind`)} = ${query.kind} and ${sql.ref(`${alias}.property`)} = ${property}`;
  const entityRows = (alias: string, property: string) =>
    sql`${inScope(alias)} and ${sql.ref(`${alias}.key_sort`)} = d.key_sort and ${sql.ref(`${alias}.property`)} = ${property}`;
  const joins: RawBuilder<unknown>[] = [];
  const where: RawBuilder<unknown>[] = [];
  const sorts: SortColumn[] = [];
  let remaining = [...query.filters];

  // The row of an entity's values for `property` that sorts it: the smallest (asc) or largest
  // (desc) of those satisfying `conditions`. Single values pass at once.
  const sortingRow = (alias: string, property: string, direction: DatastoreDirection, conditions: ParsedFilter[]) => {
    const w = `${alias}_other`;
    const beyond = direction === 'asc' ? sql`<` : sql`>`;
    const otherConditions = conditions.flatMap((filter) => valueConditions(sql.ref(`${w}.sort_value`), filter));
    return sql`(${sql.ref(`${alias}.multi`)} = 0 or not exists (select 1 from datastore_values as ${sql.raw(w)} where ${inScope(w)}
      and ${sql.ref(`${w}.key_sort`)} = ${sql.ref(`${alias}.key_sort`)} and ${sql.ref(`${w}.property`)} = ${property}
      and ${sql.ref(`${w}.sort_value`)} ${beyond} ${sql.ref(`${alias}.sort_value`)}${andAll(otherConditions)}))`;
  };

  const [firstOrder, ...laterOrders] = query.orders;
  const equal = remaining.find((filter) => filter.op === '=');
  const anyIn = remaining.find((filter) => filter.op === 'in');
  let driver: 'values' | 'entities' = 'values';
  if (firstOrder) {
    const own = remaining.filter((filter) => filter.property === firstOrder.property && isInequality(filter.op));
    remaining = remaining.filter((filter) => !own.includes(filter));
    where.push(valueRows('d', firstOrder.property));
    // After a cursor, the bounds behind it are implied by the cursor's comparison; leaving them out
    // lets SQLite start the index range at the cursor instead of at the filter's bound.
    const behind = position ? (firstOrder.direction === 'asc' ? 'lower' : 'upper') : undefined;
    where.push(...own.flatMap((filter) => valueConditions(sql.ref('d.sort_value'), filter, behind)));
    where.push(sortingRow('d', firstOrder.property, firstOrder.direction, own));
    sorts.push({ expression: sql.ref('d.sort_value'), direction: firstOrder.direction });
  } else if (equal ?? anyIn) {
    const filter = (equal ?? anyIn) as ParsedFilter;
    remaining = remaining.filter((other) => other !== filter);
    where.push(valueRows('d', filter.property), ...valueConditions(sql.ref('d.sort_value'), filter));
    if (filter.op === 'in') where.push(sortingRow('d', filter.property, 'asc', [filter]));
  } else {
    driver = 'entities';
    const [start, end] = kindKeyRange(query.kind);
    where.push(inScope('d'), sql`d.key_sort >= ${start}`, sql`d.key_sort < ${end}`);
  }

  laterOrders.forEach((order, index) => {
    const alias = `o${index}`;
    joins.push(sql`cross join datastore_values as ${sql.raw(alias)}`);
    where.push(entityRows(alias, order.property), sortingRow(alias, order.property, order.direction, []));
    sorts.push({ expression: sql.ref(`${alias}.sort_value`), direction: order.direction });
  });
  remaining.forEach((filter, index) => {
    const alias = `f${index}`;
    const match = sql`${entityRows(alias, filter.property)}${andAll(valueConditions(sql.ref(`${alias}.sort_value`), filter))}`;
    // Each value is in the index once per entity, so an `=` join adds no duplicate rows; `in` may.
    if (filter.op === '=') {
      joins.push(sql`cross join datastore_values as ${sql.raw(alias)}`);
      where.push(match);
    } else where.push(sql`exists (select 1 from datastore_values as ${sql.raw(alias)} where ${match})`);
  });
  for (const filter of query.keyFilters) where.push(...valueConditions(sql.ref('d.key_sort'), filter));
  sorts.push({ expression: sql.ref('d.key_sort'), direction: query.keyDirection });
  if (position) where.push(...after(sorts, position));

  const columns = sorts.slice(0, -1).map((sort, index) => sql`${sort.expression} as ${sql.raw(`s${index}`)}`);
  columns.push(sql`d.key_sort as key_sort`);
  const orderBy = (expressions: RawBuilder<unknown>[]) =>
    sql.join(expressions.map((expression, index) => sql`${expression} ${sql.raw(sorts[index]?.direction ?? 'asc')}`));
  const table = driver === 'entities' ? sql`datastore_entities` : sql`datastore_values`;
  const entityColumns = (alias: string) =>
    sql`${sql.ref(`${alias}.data`)} as data, cast(${sql.ref(`${alias}.version`)} as text) as version`;
  const page = (selected: RawBuilder<unknown>) => sql`select ${selected} from ${table} as d ${sql.join(joins, sql` `)}
    where ${sql.join(where, sql` and `)}
    order by ${orderBy(sorts.map((sort) => sort.expression))}
    limit ${query.limit + 1}`;
  let statement: RawBuilder<QueryRow>;
  if (query.keysOnly) statement = sql<QueryRow>`${page(sql.join(columns))}`;
  else if (driver === 'entities') statement = sql<QueryRow>`${page(sql`${sql.join(columns)}, ${entityColumns('d')}`)}`;
  else {
    // The page's keys first, then their entities: a plan that sorts (an `in` filter, further sort
    // orders) then sorts keys, not every matching entity's data.
    const names = sorts.map((_, index) => sql.ref(index === sorts.length - 1 ? 'p.key_sort' : `p.s${index}`));
    statement = sql<QueryRow>`select p.*, ${entityColumns('e')} from (${page(sql.join(columns))}) as p
      cross join datastore_entities as e where ${inScope('e')} and e.key_sort = p.key_sort
      order by ${orderBy(names)}`;
  }
  return {
    statement,
    positionLength: sorts.length,
    positionOf: (row) => [
      ...sorts.slice(0, -1).map((_, index) => Buffer.from(row[`s${index}`] as Buffer)),
      Buffer.from(row.key_sort),
    ],
  };
}

/** Conditions a stored value must meet for `filter`; ranges stay within the filter value's type. */
function valueConditions(
  column: RawBuilder<unknown>,
  filter: ParsedFilter,
  omit?: 'lower' | 'upper',
): RawBuilder<unknown>[] {
  const [value] = filter.values;
  if (filter.op === 'in') return [sql`${column} in (${sql.join(filter.values)})`];
  if (value === undefined) return [];
  const condition = sql`${column} ${sql.raw(comparisons[filter.op] ?? '=')} ${value}`;
  if (filter.property === '__key__' || filter.op === '=' || filter.op === '!=') return [condition];
  const [start, end] = typeRange(value);
  const upper = filter.op.startsWith('<');
  const bounds = upper
    ? { lower: sql`${column} >= ${start}`, upper: condition }
    : { lower: condition, upper: sql`${column} < ${end}` };
  return omit === 'lower' ? [bounds.upper] : omit === 'upper' ? [bounds.lower] : [bounds.lower, bounds.upper];
}

function andAll(conditions: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  return conditions.length === 0 ? sql`` : sql` and ${sql.join(conditions, sql` and `)}`;
}

/**
 * Rows strictly after `position` in the sort order. With one direction throughout, a row-value
 * comparison that both databases turn into an index range starting at the cursor; otherwise a
 * lexicographic OR over the columns (such plans sort anyway), plus a bound on the first column.
 */
function after(sorts: readonly SortColumn[], position: readonly Buffer[]): RawBuilder<unknown>[] {
  const beyond = (sort: SortColumn) => sql.raw(sort.direction === 'asc' ? '>' : '<');
  const [first] = sorts;
  if (!first) return [];
  if (sorts.every((sort) => sort.direction === first.direction)) {
    if (sorts.length === 1) return [sql`${first.expression} ${beyond(first)} ${position[0]}`];
    return [sql`(${sql.join(sorts.map((sort) => sort.expression))}) ${beyond(first)} (${sql.join(position)})`];
  }
  const alternatives = sorts.map((sort, index) => {
    const equalBefore = sorts
      .slice(0, index)
      .map((earlier, earlierIndex) => sql`${earlier.expression} = ${position[earlierIndex]}`);
    return sql`(${sql.join([...equalBefore, sql`${sort.expression} ${beyond(sort)} ${position[index]}`], sql` and `)})`;
  });
  const bound = sql`${first.expression} ${sql.raw(first.direction === 'asc' ? '>=' : '<=')} ${position[0]}`;
  return [bound, sql`(${sql.join(alternatives, sql` or `)})`];
}
