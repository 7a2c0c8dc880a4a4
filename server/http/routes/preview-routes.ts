import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { PreviewAccess } from '../../preview/preview-access';
import type { PreviewPersonas } from '../../preview/preview-personas';
import type { PreviewService } from '../../preview/preview-service';
import {
  previewClientMessageSchema,
  previewLinkBodySchema,
  previewPersonaBodySchema,
  type PreviewLinkDto,
  type PreviewPersonaDto,
  type PreviewServerMessage,
} from '../../protocol/preview';
import type { ProjectService } from '../../workspace/project-service';
import type { ApiEnv } from '../api-env';
import { parseWith, readJson } from '../request-body';
import type { WebSocketRouter } from '../websocket-router';

/** What the preview routes need. */
export interface PreviewRouteDeps {
  projects: ProjectService;
  previews: PreviewService;
  access: PreviewAccess;
  personas: PreviewPersonas;
  originOf: (projectId: string) => string;
  maxJsonBytes: number;
}

/** Run, stop, status, logs, preview links and the persona of a project's live preview. */
export function previewRoutes(deps: PreviewRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const projectOf = (c: Context<ApiEnv>) => deps.projects.open(c.get('principal'), c.req.param('projectId') ?? '');

  routes.get('/projects/:projectId/preview', async (c) =>
    c.json(deps.previews.status((await projectOf(c)).project.id)),
  );

  routes.post('/projects/:projectId/preview/start', async (c) => c.json(await deps.previews.start(await projectOf(c))));

  routes.post('/projects/:projectId/preview/stop', async (c) => {
    await deps.previews.stop((await projectOf(c)).project.id);
    return c.body(null, 204);
  });

  routes.get('/projects/:projectId/preview/logs', async (c) => {
    const { project } = await projectOf(c);
    const after = parseWith(z.coerce.number().int().min(0).default(0), c.req.query('after'));
    return c.json(deps.previews.session(project.id)?.logs.since(after) ?? []);
  });

  routes.post('/projects/:projectId/preview/link', async (c) => {
    const body = await readJson(c, previewLinkBodySchema, deps.maxJsonBytes);
    const { project } = await projectOf(c);
    const link = await deps.access.createLink(project.id, c.get('principal').userId, body.path, body.purpose);
    const url = new URL('/__slipway/enter', deps.originOf(project.id));
    url.searchParams.set('token', link.token);
    const dto: PreviewLinkDto = { url: url.href, expiresAt: link.expiresAt.toISOString() };
    return c.json(dto, 201);
  });

  routes.get('/projects/:projectId/preview/persona', async (c) => {
    const { project } = await projectOf(c);
    const dto: PreviewPersonaDto = { persona: deps.personas.of(c.get('principal').userId, project.id) };
    return c.json(dto);
  });

  routes.put('/projects/:projectId/preview/persona', async (c) => {
    const body = await readJson(c, previewPersonaBodySchema, deps.maxJsonBytes);
    const { project } = await projectOf(c);
    deps.personas.set(c.get('principal').userId, project.id, body.persona);
    const dto: PreviewPersonaDto = { persona: body.persona };
    return c.json(dto);
  });

  return routes;
}

/** `/ws/projects/:projectId/preview`: the IDE hears builds, reloads and logs; it sends page console lines. */
export function registerPreviewSocket(
  router: WebSocketRouter,
  deps: { projects: ProjectService; previews: PreviewService },
): void {
  router.add('/ws/projects/:projectId/preview', async ({ params, principal, accept }) => {
    const session = deps.previews.sessionFor(await deps.projects.open(principal, params.projectId ?? ''));
    const socket = await accept();
    const send = (message: PreviewServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    send({ type: 'status', status: session.status() });
    const subscription = session.onDidEmit(send);
    // ws reports protocol violations (e.g. an oversized frame) as errors after closing the socket.
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return socket.close(1008, 'binary frames are not used');
      const parsed = previewClientMessageSchema.safeParse(safeJson(Buffer.from(data as Buffer).toString('utf8')));
      if (!parsed.success) return socket.close(1008, 'invalid message');
      session.recordConsole(parsed.data.level, parsed.data.text);
    });
    socket.on('close', () => void subscription.dispose());
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
