import type { Kysely } from 'kysely';
import { notFound } from '../../core/errors';
import type { Database } from '../../db/schema';
import type { Principal } from '../../identity/principal';
import type { ProjectTaskDto, ProjectTasksDto, TaskMethod } from '../../protocol/tasks';
import type { ProjectService } from '../../workspace/project-service';
import { projectScopes, type ProjectScope } from '../project-scopes';
import type { TaskQueue } from './task-queue';
import type { TaskRow } from './task-store';

/** How many tasks of each list the IDE shows. */
const LIST_LIMIT = 50;

/**
 * The IDE's view of a project's tasks: what waits to run and the dead letters, over its previews
 * and the app published from it, and a retry of a dead one. Members who may open the project
 * see them (others get 404, as for its files).
 */
export class ProjectTasks {
  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      projects: Pick<ProjectService, 'open'>;
      queue: Pick<TaskQueue, 'store' | 'retry'>;
    },
  ) {}

  async list(principal: Principal, projectId: string): Promise<ProjectTasksDto> {
    const scopes = await projectScopes(this.deps, principal, projectId);
    const { store } = this.deps.queue;
    const [waiting, dead] = await Promise.all([
      Promise.all(scopes.map((scope) => store.waiting(scope, LIST_LIMIT).then((rows) => rows.map(taskOf)))),
      Promise.all(
        scopes.map((scope) => store.deadLetters(scope, { limit: LIST_LIMIT }).then((rows) => rows.map(taskOf))),
      ),
    ]);
    return {
      waiting: waiting
        .flat()
        .sort((a, b) => (a.nextRunAt ?? '').localeCompare(b.nextRunAt ?? ''))
        .slice(0, LIST_LIMIT),
      dead: dead
        .flat()
        .sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? ''))
        .slice(0, LIST_LIMIT),
    };
  }

  /** Runs a dead task of the project's apps again, from its first attempt. */
  async retry(principal: Principal, projectId: string, taskId: string): Promise<{ id: string }> {
    const scopes = await projectScopes(this.deps, principal, projectId);
    const scope = await this.scopeOfTask(scopes, taskId);
    if (!scope) throw notFound(`This project's apps have no task ${taskId}.`, { id: taskId });
    return this.deps.queue.retry(scope, taskId);
  }

  private async scopeOfTask(scopes: readonly ProjectScope[], taskId: string): Promise<ProjectScope | undefined> {
    for (const scope of scopes) if (await this.deps.queue.store.task(scope, taskId)) return scope;
    return undefined;
  }
}

function taskOf(row: TaskRow): ProjectTaskDto {
  const dead = row.state === 'dead';
  return {
    id: row.id,
    environment: row.environment === 'production' ? 'production' : 'preview',
    queue: row.queue,
    method: row.method as TaskMethod,
    path: row.path,
    state: dead ? 'dead' : row.state === 'running' ? 'running' : 'pending',
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    createdAt: row.created_at,
    ...(dead ? { failedAt: row.finished_at ?? row.created_at } : { nextRunAt: row.next_run_at }),
    ...(row.last_error ? { lastError: row.last_error } : {}),
  };
}
