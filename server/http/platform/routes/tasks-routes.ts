import { Hono } from 'hono';
import { platformRequests } from '../../../protocol/platform-services';
import type { TaskQueue } from '../../../services/tasks/task-queue';
import type { ServiceScope } from '../../../services/service-scope';
import { readJson } from '../../request-body';
import type { PlatformEnv } from '../platform-env';

/** `tasks/*`: the app's push queues — enqueue a call of one of its paths, and its dead letters. */
export function tasksRoutes(deps: {
  tasks: Pick<TaskQueue, 'enqueue' | 'deadLetters' | 'retry'>;
  maxJsonBytes: number;
}): Hono<PlatformEnv> {
  const { tasks, maxJsonBytes } = deps;
  const routes = new Hono<PlatformEnv>();
  // Tasks belong to the app, not to the user whose request enqueued them.
  const appScope = ({ tenantId, appId, environment }: ServiceScope) => ({ tenantId, appId, environment });
  routes.post('/tasks/enqueue', async (c) => {
    const input = await readJson(c, platformRequests['tasks/enqueue'], maxJsonBytes);
    return c.json(await tasks.enqueue(appScope(c.get('scope')), input));
  });
  routes.post('/tasks/dead-letters', async (c) => {
    const options = await readJson(c, platformRequests['tasks/dead-letters'], maxJsonBytes);
    return c.json({ tasks: await tasks.deadLetters(appScope(c.get('scope')), options) });
  });
  routes.post('/tasks/retry', async (c) => {
    const { id } = await readJson(c, platformRequests['tasks/retry'], maxJsonBytes);
    return c.json(await tasks.retry(appScope(c.get('scope')), id));
  });
  return routes;
}
