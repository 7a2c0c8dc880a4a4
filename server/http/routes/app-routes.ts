import { Hono } from 'hono';
import { z } from 'zod';
import { activateVersionBodySchema } from '../../protocol/apps';
import type { RegistryService } from '../../registry/registry-service';
import type { ApiEnv } from '../api-env';
import { parseWith, readJson } from '../request-body';
import { flagSchema, hasNoBody, NDJSON_CONTENT_TYPE } from './publish-routes';

/** What the app routes need. */
export interface AppRouteDeps {
  registry: RegistryService;
  maxJsonBytes: number;
}

const versionNumberSchema = z.coerce.number().int().min(1);
const rollbackBodySchema = z.strictObject({ version: z.int().min(1).optional() });

/** Published apps: list, open, delete; versions; rollback and promote; instances and logs. */
export function appRoutes(deps: AppRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const { registry } = deps;

  routes.get('/apps', async (c) => {
    const tenantId = parseWith(z.string().min(1, 'tenantId is required'), c.req.query('tenantId') ?? '');
    return c.json(await registry.listApps(c.get('principal'), tenantId));
  });

  routes.get('/apps/:appId', async (c) => c.json(await registry.getApp(c.get('principal'), c.req.param('appId'))));

  routes.delete('/apps/:appId', async (c) => {
    await registry.deleteApp(c.get('principal'), c.req.param('appId'));
    return c.body(null, 204);
  });

  routes.get('/projects/:projectId/app', async (c) =>
    c.json(await registry.appOfProject(c.get('principal'), c.req.param('projectId'))),
  );

  routes.get('/apps/:appId/versions', async (c) =>
    c.json(await registry.versions(c.get('principal'), c.req.param('appId'))),
  );

  routes.get('/apps/:appId/versions/:number', async (c) => {
    const number = parseWith(versionNumberSchema, c.req.param('number'));
    return c.json(await registry.version(c.get('principal'), c.req.param('appId'), number));
  });

  routes.delete('/apps/:appId/versions/:number', async (c) => {
    const number = parseWith(versionNumberSchema, c.req.param('number'));
    await registry.deleteVersion(c.get('principal'), c.req.param('appId'), number);
    return c.body(null, 204);
  });

  routes.post('/apps/:appId/rollback', async (c) => {
    const body = hasNoBody(c) ? {} : await readJson(c, rollbackBodySchema, deps.maxJsonBytes);
    return c.json(await registry.rollback(c.get('principal'), c.req.param('appId'), body.version));
  });

  routes.post('/apps/:appId/promote', async (c) => {
    const body = await readJson(c, activateVersionBodySchema, deps.maxJsonBytes);
    return c.json(await registry.promote(c.get('principal'), c.req.param('appId'), body.version));
  });

  routes.get('/apps/:appId/instances', async (c) =>
    c.json(await registry.instances(c.get('principal'), c.req.param('appId'))),
  );

  routes.get('/apps/:appId/logs', async (c) => {
    const follow = parseWith(flagSchema, c.req.query('follow'));
    const abort = new AbortController();
    c.req.raw.signal.addEventListener('abort', () => abort.abort(), { once: true });
    const lines = await registry.logs(c.get('principal'), c.req.param('appId'), { follow, signal: abort.signal });
    const encoder = new TextEncoder();
    const iterator = lines[Symbol.asyncIterator]();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
        } catch (error) {
          if (abort.signal.aborted) controller.close();
          else controller.error(error);
        }
      },
      cancel() {
        abort.abort();
      },
    });
    return c.body(stream, 200, { 'content-type': NDJSON_CONTENT_TYPE, 'cache-control': 'no-store' });
  });

  return routes;
}
