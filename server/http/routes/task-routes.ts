import { Hono } from 'hono';
import type { ProjectTasksDto } from '../../protocol/tasks';
import type { ProjectTasks } from '../../services/tasks/project-tasks';
import type { ApiEnv } from '../api-env';

/** The IDE's Tasks view: a project's waiting tasks and dead letters, and retrying one. */
export function taskRoutes(deps: { tasks: ProjectTasks }): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  routes.get('/projects/:projectId/tasks', async (c) => {
    const tasks: ProjectTasksDto = await deps.tasks.list(c.get('principal'), c.req.param('projectId'));
    return c.json(tasks);
  });

  routes.post('/projects/:projectId/tasks/:taskId/retry', async (c) =>
    c.json(await deps.tasks.retry(c.get('principal'), c.req.param('projectId'), c.req.param('taskId'))),
  );

  return routes;
}
