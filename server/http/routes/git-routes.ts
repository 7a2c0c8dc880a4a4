import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { commitBodySchema, revertBodySchema } from '../../protocol/git';
import { ProjectGit } from '../../workspace/git-service';
import type { ProjectService } from '../../workspace/project-service';
import type { ApiEnv } from '../api-env';
import { parseWith, readJson } from '../request-body';

/** What the git routes need. */
export interface GitRouteDeps {
  projects: ProjectService;
  maxJsonBytes: number;
}

const limitQuery = z.coerce.number().int().min(1).max(500).default(50);

/** Source control of a project: status, diff, commit, history, revert. */
export function gitRoutes(deps: GitRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const gitOf = async (c: Context<ApiEnv>) =>
    new ProjectGit((await deps.projects.open(c.get('principal'), c.req.param('projectId') ?? '')).dir);

  routes.get('/projects/:projectId/git/status', async (c) => c.json(await (await gitOf(c)).status()));

  routes.get('/projects/:projectId/git/diff', async (c) => {
    const path = parseWith(z.string().min(1).max(1024), c.req.query('path'));
    return c.json(await (await gitOf(c)).diff(path));
  });

  routes.post('/projects/:projectId/git/commit', async (c) => {
    const body = await readJson(c, commitBodySchema, deps.maxJsonBytes);
    const principal = c.get('principal');
    const hash = await (
      await gitOf(c)
    ).commit({
      message: body.message,
      ...(body.paths ? { paths: body.paths } : {}),
      author: { name: principal.name, email: principal.email },
    });
    return c.json({ hash }, 201);
  });

  routes.get('/projects/:projectId/git/log', async (c) => {
    const limit = parseWith(limitQuery, c.req.query('limit'));
    const path = c.req.query('path');
    return c.json(await (await gitOf(c)).log({ limit, ...(path ? { path } : {}) }));
  });

  routes.post('/projects/:projectId/git/revert', async (c) => {
    const body = await readJson(c, revertBodySchema, deps.maxJsonBytes);
    await (await gitOf(c)).revertFile(body.path);
    return c.body(null, 204);
  });

  return routes;
}
