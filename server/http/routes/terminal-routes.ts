import { Hono, type Context } from 'hono';
import { notFound } from '../../core/errors';
import type { Principal } from '../../identity/principal';
import { createTerminalBodySchema } from '../../protocol/terminal';
import type { ProjectService } from '../../workspace/project-service';
import type { TerminalService } from '../../workspace/terminal-service';
import type { TerminalSession } from '../../workspace/terminal-session';
import type { ApiEnv } from '../api-env';
import { readJson } from '../request-body';
import { bindTerminalSocket } from '../terminal-socket';
import type { WebSocketRouter } from '../websocket-router';

/** What the terminal routes need. */
export interface TerminalRouteDeps {
  projects: ProjectService;
  terminals: TerminalService;
  maxJsonBytes: number;
}

/** Creating, listing and ending a user's terminals in a project. */
export function terminalRoutes(deps: TerminalRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const projectOf = (c: Context<ApiEnv>) => deps.projects.open(c.get('principal'), c.req.param('projectId') ?? '');

  routes.get('/projects/:projectId/terminals', async (c) => {
    const { project } = await projectOf(c);
    const sessions = deps.terminals.list({ projectId: project.id, ownerUserId: c.get('principal').userId });
    return c.json(sessions.map((session) => session.info()));
  });

  routes.post('/projects/:projectId/terminals', async (c) => {
    const body = await readJson(c, createTerminalBodySchema, deps.maxJsonBytes);
    const principal = c.get('principal');
    const { project, dir } = await projectOf(c);
    const session = await deps.terminals.create({
      projectId: project.id,
      projectDir: dir,
      projectName: project.name,
      ownerUserId: principal.userId,
      ownerSessionId: principal.sessionKey,
      cols: body.cols,
      rows: body.rows,
    });
    return c.json(session.info(), 201);
  });

  routes.delete('/projects/:projectId/terminals/:terminalId', async (c) => {
    const { project } = await projectOf(c);
    const session = ownedTerminal(deps.terminals, c.req.param('terminalId'), c.get('principal'));
    if (session.projectId !== project.id) throw notFound('No such terminal.');
    await deps.terminals.kill(session.id);
    return c.body(null, 204);
  });

  return routes;
}

/** Registers `/ws/terminals/:terminalId`: only the terminal's owner, while they may open the project. */
export function registerTerminalSocket(
  router: WebSocketRouter,
  deps: { projects: ProjectService; terminals: TerminalService },
): void {
  router.add('/ws/terminals/:terminalId', async ({ params, principal, accept }) => {
    const session = ownedTerminal(deps.terminals, params.terminalId ?? '', principal);
    await deps.projects.open(principal, session.projectId);
    bindTerminalSocket(session, await accept());
  });
}

function ownedTerminal(terminals: TerminalService, terminalId: string, principal: Principal): TerminalSession {
  const session = terminals.get(terminalId);
  if (!session || session.ownerUserId !== principal.userId) throw notFound('No such terminal.');
  return session;
}
