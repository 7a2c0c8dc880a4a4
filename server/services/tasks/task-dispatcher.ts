import { randomBytes } from 'node:crypto';
import type { Disposable } from '../../core/disposable';
import { isDomainError } from '../../core/errors';
import type { Event } from '../../core/event';
import type { Logger } from '../../core/logger';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './task-backoff';
import { callTask, type TaskCallOutcome } from './task-call';
import { signedTaskHeaders, type TaskSigner } from './task-signature';
import type { ClaimedTask, DueQueue, TaskStore } from './task-store';
import type { TaskTargets } from './task-targets';
import { TokenBuckets } from './token-buckets';

/** The dispatcher's clock settings and limits. */
export interface TaskDispatchTiming {
  /** How often due tasks are looked for (also right after an enqueue or a finished call). */
  pollMs: number;
  /** How long a claim holds: a dispatcher that died gives its tasks back after this long. */
  leaseMs: number;
  /** Waking a production app scaled to zero (a cold start). */
  wakeTimeoutMs: number;
  /** No answer within this long fails the attempt. */
  callTimeoutMs: number;
  /** How soon a task whose preview stopped is looked at again (no attempt used). */
  previewWaitMs: number;
  /** Calls in flight at once, over all apps, and per app queue. */
  maxConcurrent: number;
  maxConcurrentPerQueue: number;
  /** Each app queue's rate: tokens a second and the burst it may save up. */
  ratePerSecond: number;
  burst: number;
  backoff: BackoffPolicy;
  /** Finished tasks are deleted after these ages (dead letters stay listable for a while). */
  purgeEveryMs: number;
  keepDoneMs: number;
  keepDeadMs: number;
}

export const DEFAULT_TASK_TIMING: TaskDispatchTiming = {
  pollMs: 1000,
  // Longer than a cold start plus a call, so a live dispatcher never loses its lease mid-call.
  leaseMs: 300_000,
  wakeTimeoutMs: 120_000,
  callTimeoutMs: 60_000,
  previewWaitMs: 5_000,
  maxConcurrent: 32,
  maxConcurrentPerQueue: 8,
  ratePerSecond: 10,
  burst: 10,
  backoff: DEFAULT_BACKOFF,
  purgeEveryMs: 600_000,
  keepDoneMs: 7 * 86_400_000,
  keepDeadMs: 30 * 86_400_000,
};

export interface TaskDispatcherOptions {
  store: TaskStore;
  targets: TaskTargets;
  /** Signs each call (the gateway's identity key), so apps can refuse forged task calls. */
  sign: TaskSigner;
  log: Logger;
  /** Polls right away when a task is enqueued in this process. */
  onDidEnqueue?: Event<void>;
  timing?: Partial<TaskDispatchTiming>;
  now?: () => number;
  random?: () => number;
  /** The lease owner's name (tests); a random one per dispatcher otherwise. */
  id?: string;
}

/**
 * Delivers due tasks to apps: claims them with a lease (see {@link TaskStore}), calls the app's
 * instance with the signed task headers, completes on a 2xx answer, else retries with backoff
 * until the task's attempts run out (then it is a dead letter). Rate-limited per app queue and
 * capped in concurrency; disposing cancels calls in flight and gives their tasks back.
 */
export class TaskDispatcher implements Disposable {
  readonly id: string;
  private readonly timing: TaskDispatchTiming;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly buckets: TokenBuckets;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perQueue = new Map<string, number>();
  private readonly lifetime = new AbortController();
  private readonly subscription: Disposable | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private pollAgain = false;
  private lastPurgeAt = 0;
  private started = false;
  private disposed = false;

  constructor(private readonly options: TaskDispatcherOptions) {
    this.id = options.id ?? `dispatcher-${randomBytes(6).toString('hex')}`;
    this.timing = { ...DEFAULT_TASK_TIMING, ...options.timing };
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.buckets = new TokenBuckets(this.timing.ratePerSecond, this.timing.burst, this.now);
    this.subscription = options.onDidEnqueue?.(() => this.nudge());
  }

  /** Starts polling on a timer. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.lastPurgeAt = this.now();
    this.timer = setInterval(() => this.nudge(), this.timing.pollMs);
    this.timer.unref();
    this.nudge();
  }

  /** Looks for due tasks once and starts calls for as many as the limits allow. */
  poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = this.pollOnce()
      .catch((error: unknown) => this.options.log.warn('looking for due tasks failed', error))
      .finally(() => {
        this.polling = undefined;
        if (this.pollAgain && !this.disposed) {
          this.pollAgain = false;
          this.nudge();
        }
      });
    return this.polling;
  }

  /** Resolves when the calls started so far (and any poll) have finished (tests). */
  async idle(): Promise<void> {
    while (this.polling || this.inFlight.size > 0) {
      await Promise.allSettled([this.polling, ...this.inFlight]);
    }
  }

  /** Stops polling, cancels calls in flight and gives their tasks back; idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    void this.subscription?.dispose();
    this.lifetime.abort();
    await this.idle();
  }

  private nudge(): void {
    if (this.disposed) return;
    void this.poll();
  }

  private async pollOnce(): Promise<void> {
    if (this.disposed) return;
    const { store } = this.options;
    await this.purgeNow();
    let free = this.timing.maxConcurrent - this.inFlight.size;
    if (free <= 0) return;
    const now = new Date(this.now());
    // Queues first, then a few tasks of each: one app's backlog cannot starve the others.
    const queues = await store.dueQueues(now, this.options.targets.runningPreviews(), 200);
    for (const queue of queues) {
      if (free <= 0 || this.disposed) break;
      const key = queueKey(queue);
      const room = Math.min(
        free,
        this.timing.maxConcurrentPerQueue - (this.perQueue.get(key) ?? 0),
        this.buckets.available(key),
      );
      if (room <= 0) continue;
      for (const row of await store.candidates(queue, now, room)) {
        if (this.disposed) break;
        const task = await store.claim(row, this.id, now, this.timing.leaseMs);
        if (!task) continue;
        this.buckets.tryTake(key);
        free -= 1;
        this.track(key, this.run(task));
      }
    }
  }

  private track(key: string, run: Promise<void>): void {
    this.perQueue.set(key, (this.perQueue.get(key) ?? 0) + 1);
    const tracked = run.finally(() => {
      this.inFlight.delete(tracked);
      const left = (this.perQueue.get(key) ?? 1) - 1;
      if (left > 0) this.perQueue.set(key, left);
      else this.perQueue.delete(key);
      this.nudge();
    });
    this.inFlight.add(tracked);
  }

  /** One attempt of a claimed task, settled in the store whatever happens. */
  private async run(task: ClaimedTask): Promise<void> {
    const { store, log } = this.options;
    try {
      const outcome = await this.attempt(task);
      if (outcome === 'wait' || this.lifetime.signal.aborted) {
        const later = outcome === 'wait' ? this.timing.previewWaitMs : 0;
        await store.release(task, new Date(this.now() + later));
        return;
      }
      const now = new Date(this.now());
      if (outcome.ok) {
        if (!(await store.complete(task, now)))
          log.warn(`task ${task.id} completed after its lease passed to another dispatcher`);
        return;
      }
      const delay = retryDelayMs(task.attempt, this.timing.backoff, this.random, outcome.retryAfterMs ?? 0);
      const result = await store.fail(task, now, new Date(now.getTime() + delay), outcome.error);
      if (result === 'dead')
        log.info(
          `task ${task.id} of app ${task.scope.appId} (${task.scope.environment}) ${task.method} ${task.path} failed ${task.attempt} times and is a dead letter: ${outcome.error}`,
        );
    } catch (error) {
      log.error(`settling task ${task.id} failed; its lease will lapse and it will run again`, error);
    }
  }

  /** Calls the app: 'wait' when its preview is not running; failures of every kind are outcomes. */
  private async attempt(task: ClaimedTask): Promise<TaskCallOutcome | 'wait'> {
    let target;
    const signal = AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(this.timing.wakeTimeoutMs)]);
    try {
      target = await this.options.targets.endpointFor(task.scope, signal);
    } catch (error) {
      if (this.lifetime.signal.aborted) return { ok: false, error: 'the platform is stopping' };
      if (signal.aborted)
        return { ok: false, error: `the app did not start within ${this.timing.wakeTimeoutMs / 1000} s` };
      if (isDomainError(error)) return { ok: false, error: `the app could not be started: ${error.message}` };
      throw error;
    }
    if (!target) return 'wait';
    return callTask({
      ...target,
      method: task.method,
      path: task.path,
      headers: signedTaskHeaders(
        this.options.sign,
        { appId: task.scope.appId, id: task.id, attempt: task.attempt, queue: task.queue },
        this.now(),
      ),
      body: task.method === 'GET' ? undefined : (task.payload ?? 'null'),
      timeoutMs: this.timing.callTimeoutMs,
      signal: this.lifetime.signal,
    });
  }

  private async purgeNow(): Promise<void> {
    const now = this.now();
    if (now - this.lastPurgeAt < this.timing.purgeEveryMs) return;
    this.lastPurgeAt = now;
    await this.options.store.purge(new Date(now - this.timing.keepDoneMs), new Date(now - this.timing.keepDeadMs));
  }
}

function queueKey(queue: DueQueue): string {
  const { tenantId, appId, environment } = queue.scope;
  return `${tenantId}\n${appId}\n${environment}\n${queue.queue}`;
}
