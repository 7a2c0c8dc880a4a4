import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { ServiceScope } from '../service-scope';
import { storable, type PreparedEntity, type StorableEntity } from './datastore-entities';
import type { DatastoreSql } from './datastore-sql';

/** Ids reserved per counter statement; the unused rest of a block is lost when the server stops. */
const blockSize = 100n;
/** Bound on the memo of counters and blocks (one entry per scope and kind). */
const memoMax = 10_000;
const int64Max = (1n << 63n) - 1n;

/** Entities with complete keys, and which of them got an allocated id (by hex key). */
export interface CompletedKeys {
  entities: StorableEntity[];
  allocated: Set<string>;
}

interface IdBlock {
  next: bigint;
  end: bigint;
}

/**
 * Allocates ids for keys without name or id from a counter per scope and kind, reserving them in
 * blocks so most puts need no counter statement. The counter is kept above every explicit id
 * written (imports included). Another server process may still write an explicit id inside a
 * block this one holds, so writes insert allocated keys only where no entity exists and, when one
 * does, the caller calls `skipPast` and tries again. Ids are unique and increasing per process,
 * with gaps.
 */
export class IdAllocator {
  private readonly blocks = new Map<string, IdBlock>();
  /** Values each counter is known to have reached (a lower bound). */
  private readonly counters = new Map<string, bigint>();
  /** Ids found taken: the next reservation starts above them. */
  private readonly taken = new Map<string, bigint>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DatastoreSql,
  ) {}

  /**
   * Completes the keys of `entities`. Counter statements run on their own, outside the write
   * transaction, so concurrent puts never queue on a counter row.
   */
  async complete(scope: ServiceScope, entities: readonly PreparedEntity[]): Promise<CompletedKeys> {
    const byKind = new Map<string, { missing: number; maxId: bigint }>();
    for (const { key } of entities) {
      const entry = byKind.get(key.kind) ?? { missing: 0, maxId: 0n };
      if (key.id !== undefined) entry.maxId = BigInt(key.id) > entry.maxId ? BigInt(key.id) : entry.maxId;
      else if (key.name === undefined) entry.missing += 1;
      byKind.set(key.kind, entry);
    }
    const next = new Map<string, bigint>();
    for (const [kind, { missing, maxId }] of byKind) {
      const first = await this.allocate(memoOf(scope, kind), scope, kind, missing, maxId);
      if (first !== undefined) next.set(kind, first);
    }
    const allocated = new Set<string>();
    const completed = entities.map((entity) => {
      if (entity.key.id !== undefined || entity.key.name !== undefined) return storable(entity, entity.key);
      const id = next.get(entity.key.kind) ?? 1n;
      next.set(entity.key.kind, id + 1n);
      const result = storable(entity, { kind: entity.key.kind, id: id.toString() });
      allocated.add(result.keySort.toString('hex'));
      return result;
    });
    return { entities: completed, allocated };
  }

  /** An allocated id turned out to be taken: drop the block and reserve above it next time. */
  skipPast(scope: ServiceScope, kind: string, id: bigint): void {
    const memo = memoOf(scope, kind);
    this.blocks.delete(memo);
    if (id >= (this.taken.get(memo) ?? 0n)) this.taken.set(memo, id + 1n);
  }

  /** Forgets what this process holds for an app (its data was deleted). */
  forgetApp(tenantId: string, appId: string): void {
    const prefix = `${tenantId}\u0000${appId}\u0000`;
    for (const memos of [this.blocks, this.counters, this.taken]) {
      for (const memo of memos.keys()) if (memo.startsWith(prefix)) memos.delete(memo);
    }
  }

  /** Returns the first of `missing` consecutive ids (undefined when none are missing). */
  private async allocate(
    memo: string,
    scope: ServiceScope,
    kind: string,
    missing: number,
    maxId: bigint,
  ): Promise<bigint | undefined> {
    // Ids this close to the int64 maximum cannot move the counter without overflowing it; whoever
    // sets them manages their own id space.
    const floor = maxId > 0n && maxId < int64Max - 1_000_000n ? maxId + 1n : 1n;
    const block = this.blocks.get(memo);
    if (block && block.next < floor) block.next = floor;
    if (floor > (this.counters.get(memo) ?? 0n)) {
      await this.reserve(memo, scope, kind, floor, 0n);
    }
    if (missing === 0) return undefined;
    // Taken synchronously (no await between the check and the update): concurrent calls in this
    // process never get the same ids.
    const current = this.blocks.get(memo);
    if (current && current.end - current.next >= BigInt(missing)) {
      const first = current.next;
      current.next += BigInt(missing);
      return first;
    }
    const count = BigInt(missing) > blockSize ? BigInt(missing) : blockSize;
    const counter = await this.reserve(memo, scope, kind, this.taken.get(memo) ?? 1n, count);
    this.taken.delete(memo);
    const first = counter - count;
    this.remember(this.blocks, memo, { next: first + BigInt(missing), end: counter });
    return first;
  }

  /** Moves the counter to at least `floor`, then past `count` ids; returns the new counter. */
  private async reserve(
    memo: string,
    scope: ServiceScope,
    kind: string,
    floor: bigint,
    count: bigint,
  ): Promise<bigint> {
    const row = await this.db
      .insertInto('datastore_id_counters')
      .values({
        tenant_id: scope.tenantId,
        app_id: scope.appId,
        environment: scope.environment,
        kind,
        next_id: sql<string>`cast(${(floor + count).toString()} as bigint)`,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'app_id', 'environment', 'kind']).doUpdateSet({
          next_id: sql<string>`${this.dialect.greatest(
            sql`datastore_id_counters.next_id`,
            sql`cast(${floor.toString()} as bigint)`,
          )} + ${Number(count)}`,
        }),
      )
      .returning(sql<string>`cast(next_id as text)`.as('next_id'))
      .executeTakeFirstOrThrow();
    const counter = BigInt(row.next_id);
    if (counter > (this.counters.get(memo) ?? 0n)) this.remember(this.counters, memo, counter);
    return counter;
  }

  private remember<T>(memos: Map<string, T>, memo: string, value: T): void {
    if (memos.size >= memoMax && !memos.has(memo)) memos.clear();
    memos.set(memo, value);
  }
}

function memoOf(scope: ServiceScope, kind: string): string {
  return `${scope.tenantId}\u0000${scope.appId}\u0000${scope.environment}\u0000${kind}`;
}
