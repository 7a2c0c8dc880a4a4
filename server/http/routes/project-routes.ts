import { Hono } from 'hono';
import { createProjectBodySchema, importProjectBodySchema } from '../../protocol/projects';
import type { ProjectService } from '../../workspace/project-service';
import type { TemplateCatalog } from '../../workspace/template-catalog';
import type { ApiEnv } from '../api-env';
import { readJson } from '../request-body';

/** What the project routes need. */
export interface ProjectRouteDeps {
  projects: ProjectService;
  templates: TemplateCatalog;
  maxJsonBytes: number;
  /** Ends the user's terminals of a project when they close it. */
  onDidCloseProject: (projectId: string, userId: string) => void;
  /** Ends everything that ran for a deleted project (terminals, its preview). */
  onDidDeleteProject: (projectId: string) => void;
}

/** Templates, and creating, importing, listing, opening, closing and deleting projects. */
export function projectRoutes(deps: ProjectRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const { projects } = deps;

  routes.get('/templates', async (c) => c.json(await deps.templates.list()));

  routes.get('/tenants/:tenantId/projects', async (c) =>
    c.json(await projects.list(c.get('principal'), c.req.param('tenantId'))),
  );

  routes.post('/tenants/:tenantId/projects', async (c) => {
    const body = await readJson(c, createProjectBodySchema, deps.maxJsonBytes);
    return c.json(await projects.create(c.get('principal'), c.req.param('tenantId'), body), 201);
  });

  routes.post('/tenants/:tenantId/projects/import', async (c) => {
    const body = await readJson(c, importProjectBodySchema, deps.maxJsonBytes);
    return c.json(await projects.importFromGit(c.get('principal'), c.req.param('tenantId'), body), 201);
  });

  routes.get('/projects/:projectId', async (c) => {
    const { project } = await projects.open(c.get('principal'), c.req.param('projectId'));
    return c.json(project);
  });

  routes.delete('/projects/:projectId', async (c) => {
    const principal = c.get('principal');
    const projectId = c.req.param('projectId');
    await projects.delete(principal, projectId);
    deps.onDidDeleteProject(projectId);
    return c.body(null, 204);
  });

  routes.post('/projects/:projectId/close', async (c) => {
    const principal = c.get('principal');
    const { project } = await projects.open(principal, c.req.param('projectId'));
    deps.onDidCloseProject(project.id, principal.userId);
    return c.body(null, 204);
  });

  return routes;
}
