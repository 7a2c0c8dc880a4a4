import { z } from 'zod';

/** Bounds of a task (docs/platform-services.md, Tasks). */
export const TASK_LIMITS = {
  maxPathLength: 2000,
  maxPayloadBytes: 256 * 1024,
  maxDelaySeconds: 30 * 86_400,
  maxAttempts: 20,
  defaultMaxAttempts: 5,
  defaultQueue: 'default',
  defaultDeadLetters: 20,
  maxDeadLetters: 100,
} as const;

/** The methods a task may call its path with (POST unless the task says otherwise). */
export const taskMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type TaskMethod = (typeof taskMethods)[number];

/** A path on the app: printable ASCII (other characters percent-encoded), starting with "/". */
export const taskPathPattern = /^\/[\x21-\x7e]*$/;
export const taskQueuePattern = /^[a-z0-9-]{1,40}$/;

/** Headers of every task call; the signature covers the app id, id, attempt and time. */
export const TASK_HEADERS = {
  id: 'X-Slipway-Task-Id',
  attempt: 'X-Slipway-Task-Attempt',
  queue: 'X-Slipway-Task-Queue',
  time: 'X-Slipway-Task-Time',
  signature: 'X-Slipway-Task-Signature',
} as const;

/** The first line of the text a task call's signature covers. */
export const TASK_SIGNATURE_CONTEXT = 'slipway-task-v1';

const pathSchema = z
  .string()
  .max(TASK_LIMITS.maxPathLength, `must be at most ${TASK_LIMITS.maxPathLength} characters`)
  .regex(
    taskPathPattern,
    'must be a path on the app starting with "/", in printable ASCII (percent-encode spaces and other characters)',
  );
const queueSchema = z
  .string()
  .regex(taskQueuePattern, 'must be 1–40 lowercase letters, digits and dashes')
  .meta({ description: `A queue of the app (default "${TASK_LIMITS.defaultQueue}"); each has its own rate limit.` });

const deadTaskSchema = z
  .object({
    id: z.string(),
    queue: z.string(),
    method: z.enum(taskMethods),
    path: z.string(),
    payload: z.unknown().optional(),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    lastError: z.string(),
    createdAt: z.string(),
    failedAt: z.string(),
  })
  .meta({ id: 'DeadTask', description: 'A task that failed every attempt.' });

/** Request bodies of `tasks/*`. */
export const tasksRequests = {
  'tasks/enqueue': z.strictObject({
    path: pathSchema,
    method: z.enum(taskMethods).optional().meta({ description: 'POST unless given' }),
    payload: z.unknown().optional().meta({ description: 'Any JSON, sent as the body (at most 256 KiB)' }),
    delaySeconds: z
      .int('must be a whole number of seconds')
      .min(0, 'must not be negative')
      .max(TASK_LIMITS.maxDelaySeconds, `must be at most ${TASK_LIMITS.maxDelaySeconds} (30 days)`)
      .optional(),
    maxAttempts: z
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(TASK_LIMITS.maxAttempts, `must be at most ${TASK_LIMITS.maxAttempts}`)
      .optional()
      .meta({
        description: `Attempts before the task goes to the dead letters (default ${TASK_LIMITS.defaultMaxAttempts})`,
      }),
    queue: queueSchema.optional(),
  }),
  'tasks/dead-letters': z.strictObject({
    limit: z
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(TASK_LIMITS.maxDeadLetters, `must be at most ${TASK_LIMITS.maxDeadLetters}`)
      .optional(),
    queue: queueSchema.optional(),
  }),
  'tasks/retry': z.strictObject({ id: z.string().min(1) }),
} as const;

/** Answers of `tasks/*`. */
export const tasksResponses = {
  'tasks/enqueue': z.object({ id: z.string() }),
  'tasks/dead-letters': z.object({ tasks: z.array(deadTaskSchema) }),
  'tasks/retry': z.object({ id: z.string() }),
} as const;

/** A dead letter as `tasks/dead-letters` lists it. */
export type DeadTaskDto = z.infer<typeof deadTaskSchema>;

/** A task of one of a project's apps (its previews or its published app), as the IDE's Tasks view shows it. */
export interface ProjectTaskDto {
  id: string;
  environment: 'preview' | 'production';
  queue: string;
  method: TaskMethod;
  path: string;
  state: 'pending' | 'running' | 'dead';
  /** Attempts started so far. */
  attempts: number;
  maxAttempts: number;
  createdAt: string;
  /** When a pending task is due. */
  nextRunAt?: string;
  /** The last failed attempt's error (a dead task's is why it died). */
  lastError?: string;
  /** When a dead task failed for the last time. */
  failedAt?: string;
}

/** `GET /api/v1/projects/:id/tasks`: what waits to run (soonest first) and the dead letters (newest first). */
export interface ProjectTasksDto {
  waiting: ProjectTaskDto[];
  dead: ProjectTaskDto[];
}
