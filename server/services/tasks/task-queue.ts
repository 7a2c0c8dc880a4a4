import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Emitter, type Event } from '../../core/event';
import { invalidInput, notFound, tooLarge } from '../../core/errors';
import type { Database } from '../../db/schema';
import {
  TASK_LIMITS,
  taskMethods,
  taskPathPattern,
  taskQueuePattern,
  type DeadTaskDto,
  type TaskMethod,
} from '../../protocol/tasks';
import { TaskStore, type TaskRow, type TaskScope } from './task-store';

/** A task as an app asks for it (`tasks/enqueue`). */
export interface TaskInput {
  path: string;
  method?: TaskMethod;
  /** Any JSON value; absent = the body is `null`. */
  payload?: unknown;
  delaySeconds?: number;
  maxAttempts?: number;
  queue?: string;
}

/** A cron run of slipway.json's `cron`, enqueued once per app, path and scheduled minute. */
export interface CronRun {
  path: string;
  schedule: string;
  scheduledAt: Date;
}

/** Cron runs have their own queue and fewer attempts: the next run comes anyway. */
export const CRON_QUEUE = 'cron';
const CRON_MAX_ATTEMPTS = 3;

/**
 * The apps' task queues: enqueue (validated, persisted), the dead letters and a retry of one.
 * Delivery is the {@link TaskDispatcher}'s; it hears about new tasks from {@link onDidEnqueue}.
 */
export class TaskQueue {
  readonly store: TaskStore;
  private readonly onDidEnqueueEmitter = new Emitter<void>();
  /** A task was enqueued (dispatchers poll sooner). */
  readonly onDidEnqueue: Event<void> = this.onDidEnqueueEmitter.event;

  constructor(
    db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {
    this.store = new TaskStore(db);
  }

  /** Queues a call of `input.path` on the scope's app; refuses bad input with what is wrong. */
  async enqueue(scope: TaskScope, input: TaskInput): Promise<{ id: string }> {
    const checked = checkTaskInput(input);
    const now = this.now();
    const row = newRow(scope, {
      ...checked,
      nextRunAt: now + (input.delaySeconds ?? 0) * 1000,
      createdAt: now,
      dedupeKey: null,
    });
    await this.store.insert(row);
    this.onDidEnqueueEmitter.fire();
    return { id: row.id };
  }

  /** Enqueues a production cron run unless that minute's run of the path is already queued; true when new. */
  async enqueueCronRun(app: { tenantId: string; appId: string }, run: CronRun): Promise<boolean> {
    const scheduledAt = run.scheduledAt.toISOString();
    const checked = checkTaskInput({
      path: run.path,
      payload: { schedule: run.schedule, scheduledAt },
      queue: CRON_QUEUE,
      maxAttempts: CRON_MAX_ATTEMPTS,
    });
    const inserted = await this.store.insert(
      newRow(
        { ...app, environment: 'production' },
        {
          ...checked,
          nextRunAt: run.scheduledAt.getTime(),
          createdAt: this.now(),
          dedupeKey: `cron ${run.path} ${scheduledAt}`,
        },
      ),
    );
    if (inserted) this.onDidEnqueueEmitter.fire();
    return inserted;
  }

  /** The scope's dead tasks, newest first. */
  async deadLetters(scope: TaskScope, options: { limit?: number; queue?: string } = {}): Promise<DeadTaskDto[]> {
    const limit = Math.min(options.limit ?? TASK_LIMITS.defaultDeadLetters, TASK_LIMITS.maxDeadLetters);
    const rows = await this.store.deadLetters(scope, { limit, ...(options.queue ? { queue: options.queue } : {}) });
    return rows.map(deadTaskOf);
  }

  /** Runs a dead task of the scope again, with all its attempts. */
  async retry(scope: TaskScope, id: string): Promise<{ id: string }> {
    if (!(await this.store.revive(scope, id, new Date(this.now()))))
      throw notFound(`There is no dead task ${id} of this app (only dead letters can be retried).`, { id });
    this.onDidEnqueueEmitter.fire();
    return { id };
  }

  dispose(): void {
    this.onDidEnqueueEmitter.dispose();
  }
}

interface CheckedTask {
  path: string;
  method: TaskMethod;
  payload: string | null;
  maxAttempts: number;
  queue: string;
}

/** The protocol's schema checks HTTP callers already; this is the same rule for every caller. */
function checkTaskInput(input: TaskInput): CheckedTask {
  const { path, method = 'POST', delaySeconds = 0, maxAttempts = TASK_LIMITS.defaultMaxAttempts } = input;
  const queue = input.queue ?? TASK_LIMITS.defaultQueue;
  if (typeof path !== 'string' || !taskPathPattern.test(path))
    throw invalidInput(
      `path: must be a path on the app starting with "/", in printable ASCII (percent-encode spaces and other characters), not ${JSON.stringify(path)}.`,
    );
  if (path.length > TASK_LIMITS.maxPathLength)
    throw invalidInput(`path: must be at most ${TASK_LIMITS.maxPathLength} characters.`);
  if (!(taskMethods as readonly string[]).includes(method))
    throw invalidInput(`method: must be one of ${taskMethods.join(', ')}.`);
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > TASK_LIMITS.maxDelaySeconds)
    throw invalidInput(`delaySeconds: must be a whole number from 0 to ${TASK_LIMITS.maxDelaySeconds} (30 days).`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > TASK_LIMITS.maxAttempts)
    throw invalidInput(`maxAttempts: must be a whole number from 1 to ${TASK_LIMITS.maxAttempts}.`);
  if (!taskQueuePattern.test(queue)) throw invalidInput('queue: must be 1–40 lowercase letters, digits and dashes.');
  if (input.payload !== undefined && method === 'GET')
    throw invalidInput("payload: a GET task has no body; use POST, or put the data in the path's query string.");
  const payload = input.payload === undefined ? null : JSON.stringify(input.payload);
  const bytes = payload === null ? 0 : Buffer.byteLength(payload);
  if (bytes > TASK_LIMITS.maxPayloadBytes)
    throw tooLarge(`payload: ${bytes} bytes of JSON; the limit is ${TASK_LIMITS.maxPayloadBytes} (256 KiB).`, {
      limit: TASK_LIMITS.maxPayloadBytes,
    });
  return { path, method, payload, maxAttempts, queue };
}

function newRow(
  scope: TaskScope,
  task: CheckedTask & { nextRunAt: number; createdAt: number; dedupeKey: string | null },
): TaskRow {
  return {
    id: randomUUID(),
    tenant_id: scope.tenantId,
    app_id: scope.appId,
    environment: scope.environment,
    queue: task.queue,
    method: task.method,
    path: task.path,
    payload: task.payload,
    state: 'pending',
    attempts: 0,
    max_attempts: task.maxAttempts,
    next_run_at: new Date(task.nextRunAt).toISOString(),
    lease_owner: null,
    lease_expires_at: null,
    last_error: null,
    dedupe_key: task.dedupeKey,
    created_at: new Date(task.createdAt).toISOString(),
    finished_at: null,
  };
}

function deadTaskOf(row: TaskRow): DeadTaskDto {
  return {
    id: row.id,
    queue: row.queue,
    method: row.method as TaskMethod,
    path: row.path,
    ...(row.payload !== null ? { payload: JSON.parse(row.payload) as unknown } : {}),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error ?? '',
    createdAt: row.created_at,
    failedAt: row.finished_at ?? row.created_at,
  };
}
