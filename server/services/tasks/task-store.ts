import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, TasksTable } from '../../db/schema';
import type { TaskMethod } from '../../protocol/tasks';
import type { ServiceScope } from '../service-scope';

/** Whose task: tasks are never delivered on behalf of a user. */
export type TaskScope = Omit<ServiceScope, 'userId'>;

export type TaskRow = Selectable<TasksTable>;

/** One app queue (tenant, app, environment, queue name) with tasks due. */
export interface DueQueue {
  scope: TaskScope;
  queue: string;
}

/** A task a dispatcher claimed: its lease is `(leaseOwner, attempt)`. */
export interface ClaimedTask {
  id: string;
  scope: TaskScope;
  queue: string;
  method: TaskMethod;
  path: string;
  /** JSON text, or null when the task has no payload. */
  payload: string | null;
  /** This attempt's number, from 1. */
  attempt: number;
  maxAttempts: number;
  leaseOwner: string;
}

/** What a failed attempt led to: another try later, the dead letters, or nothing (the lease was lost). */
export type FailureOutcome = 'retrying' | 'dead' | 'lease-lost';

type Where = ExpressionBuilder<Database, 'tasks'>;

/** Pending and due, or running with a lapsed lease (its dispatcher died): any dispatcher may take it. */
function runnable(eb: Where, now: string) {
  return eb.or([
    eb.and([eb('state', '=', 'pending'), eb('next_run_at', '<=', now)]),
    eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<=', now)]),
  ]);
}

/**
 * The `tasks` table. Claims are compare-and-set updates (the row must still be runnable with the
 * attempt count the claimer read), so two dispatchers on SQLite or PostgreSQL never both win;
 * completions and failures only land for the lease holder of that very attempt. Times are
 * passed in, so tests drive the lease logic with their own clock.
 */
export class TaskStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts a task; false when its dedupe key exists (a cron minute already enqueued). */
  async insert(row: TaskRow): Promise<boolean> {
    const query = this.db.insertInto('tasks').values(row);
    if (row.dedupe_key === null) {
      await query.execute();
      return true;
    }
    const result = await query
      .onConflict((conflict) => conflict.columns(['app_id', 'environment', 'dedupe_key']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /**
   * Queues with runnable tasks, the longest-waiting first. Preview tasks count only for the
   * previews in `previews` (the ones this process can reach); production tasks always.
   */
  async dueQueues(now: Date, previews: readonly string[], limit: number): Promise<DueQueue[]> {
    const at = now.toISOString();
    const rows = await this.db
      .selectFrom('tasks')
      .select(['tenant_id', 'app_id', 'environment', 'queue'])
      .select((eb) => eb.fn.min('next_run_at').as('due'))
      .where((eb) => runnable(eb, at))
      .where((eb) =>
        previews.length === 0
          ? eb('environment', '=', 'production')
          : eb.or([
              eb('environment', '=', 'production'),
              eb.and([eb('environment', '=', 'preview'), eb('app_id', 'in', [...previews])]),
            ]),
      )
      .groupBy(['tenant_id', 'app_id', 'environment', 'queue'])
      .orderBy('due')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      scope: { tenantId: row.tenant_id, appId: row.app_id, environment: environmentOf(row.environment) },
      queue: row.queue,
    }));
  }

  /** Up to `limit` runnable tasks of one queue, oldest due first. */
  candidates(queue: DueQueue, now: Date, limit: number): Promise<TaskRow[]> {
    const { tenantId, appId, environment } = queue.scope;
    return this.db
      .selectFrom('tasks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .where('environment', '=', environment)
      .where('queue', '=', queue.queue)
      .where((eb) => runnable(eb, now.toISOString()))
      .orderBy('next_run_at')
      .limit(limit)
      .execute();
  }

  /**
   * Claims a task read by {@link candidates} for `owner` until `now + leaseMs`, counting an
   * attempt. Undefined when another dispatcher got there first, or when the task's lease lapsed
   * on its last allowed attempt (it goes to the dead letters instead: that attempt may have run).
   */
  async claim(row: TaskRow, owner: string, now: Date, leaseMs: number): Promise<ClaimedTask | undefined> {
    const at = now.toISOString();
    const unchanged = this.db
      .updateTable('tasks')
      .where('id', '=', row.id)
      .where('attempts', '=', row.attempts)
      .where((eb) => runnable(eb, at));
    if (row.state === 'running' && row.attempts >= row.max_attempts) {
      await unchanged
        .set({
          state: 'dead',
          lease_owner: null,
          lease_expires_at: null,
          finished_at: at,
          last_error: `attempt ${row.attempts} of ${row.max_attempts} was interrupted (the platform stopped during it)`,
        })
        .execute();
      return undefined;
    }
    const result = await unchanged
      .set({
        state: 'running',
        attempts: row.attempts + 1,
        lease_owner: owner,
        lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
      })
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return {
      id: row.id,
      scope: { tenantId: row.tenant_id, appId: row.app_id, environment: environmentOf(row.environment) },
      queue: row.queue,
      method: row.method as TaskMethod,
      path: row.path,
      payload: row.payload,
      attempt: row.attempts + 1,
      maxAttempts: row.max_attempts,
      leaseOwner: owner,
    };
  }

  /** Marks the attempt successful; false when the lease was lost meanwhile. */
  async complete(task: ClaimedTask, now: Date): Promise<boolean> {
    const result = await this.held(task)
      .set({
        state: 'done',
        lease_owner: null,
        lease_expires_at: null,
        last_error: null,
        finished_at: now.toISOString(),
      })
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Records a failed attempt: due again at `retryAt`, or dead when it was the last one. */
  async fail(task: ClaimedTask, now: Date, retryAt: Date, error: string): Promise<FailureOutcome> {
    const dead = task.attempt >= task.maxAttempts;
    const result = await this.held(task)
      .set({
        state: dead ? 'dead' : 'pending',
        lease_owner: null,
        lease_expires_at: null,
        last_error: error.slice(0, 2000),
        next_run_at: dead ? now.toISOString() : retryAt.toISOString(),
        finished_at: dead ? now.toISOString() : null,
      })
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return 'lease-lost';
    return dead ? 'dead' : 'retrying';
  }

  /**
   * Gives a claimed task back without counting its attempt (its instance is not running, or the
   * platform is stopping): pending again, due at `at`.
   */
  async release(task: ClaimedTask, at: Date): Promise<boolean> {
    const result = await this.held(task)
      .set({
        state: 'pending',
        attempts: task.attempt - 1,
        lease_owner: null,
        lease_expires_at: null,
        next_run_at: at.toISOString(),
      })
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** One scope's dead tasks, newest first. */
  deadLetters(scope: TaskScope, options: { limit: number; queue?: string }): Promise<TaskRow[]> {
    let query = this.inScope(scope).where('state', '=', 'dead');
    if (options.queue !== undefined) query = query.where('queue', '=', options.queue);
    return query.orderBy('finished_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  }

  /** One scope's tasks still to run (pending or running), the soonest first. */
  waiting(scope: TaskScope, limit: number): Promise<TaskRow[]> {
    return this.inScope(scope)
      .where('state', 'in', ['pending', 'running'])
      .orderBy('next_run_at', 'asc')
      .orderBy('id', 'asc')
      .limit(limit)
      .execute();
  }

  /** A dead task of the scope runs again from its first attempt; false when there is no such dead task. */
  async revive(scope: TaskScope, id: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('tasks')
      .set({
        state: 'pending',
        attempts: 0,
        next_run_at: now.toISOString(),
        finished_at: null,
        lease_owner: null,
        lease_expires_at: null,
      })
      .where('id', '=', id)
      .where('tenant_id', '=', scope.tenantId)
      .where('app_id', '=', scope.appId)
      .where('environment', '=', scope.environment)
      .where('state', '=', 'dead')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Deletes finished tasks: done ones before `doneBefore`, dead ones before `deadBefore`. */
  async purge(doneBefore: Date, deadBefore: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('tasks')
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'done'), eb('finished_at', '<', doneBefore.toISOString())]),
          eb.and([eb('state', '=', 'dead'), eb('finished_at', '<', deadBefore.toISOString())]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** A task by id, in its scope only (tests and the console). */
  task(scope: TaskScope, id: string): Promise<TaskRow | undefined> {
    return this.inScope(scope).where('id', '=', id).executeTakeFirst();
  }

  private inScope(scope: TaskScope) {
    return this.db
      .selectFrom('tasks')
      .selectAll()
      .where('tenant_id', '=', scope.tenantId)
      .where('app_id', '=', scope.appId)
      .where('environment', '=', scope.environment);
  }

  /** The task's row while this attempt's lease is still the holder's. */
  private held(task: ClaimedTask) {
    return this.db
      .updateTable('tasks')
      .where('id', '=', task.id)
      .where('state', '=', 'running')
      .where('lease_owner', '=', task.leaseOwner)
      .where('attempts', '=', task.attempt);
  }
}

function environmentOf(value: string): TaskScope['environment'] {
  return value === 'production' ? 'production' : 'preview';
}
