import { Hono } from 'hono';
import { z } from 'zod';
import type { LauncherService } from '../../launcher/launcher-service';
import type { ApiEnv } from '../api-env';
import { parseWith } from '../request-body';

/** What the launcher routes need. */
export interface LauncherRouteDeps {
  launcher: Pick<LauncherService, 'view'>;
}

const launcherQuerySchema = z.object({ tenantId: z.string().min(1).max(100).optional() });

/** `GET /launcher?tenantId=`: the mobile launcher's apps and push token for the signed-in user. */
export function launcherRoutes(deps: LauncherRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  routes.get('/launcher', async (c) => {
    const { tenantId } = parseWith(launcherQuerySchema, c.req.query());
    // The answer holds a bearer token: never cached, by the browser or anything between.
    c.header('cache-control', 'no-store');
    return c.json(await deps.launcher.view(c.get('principal'), tenantId));
  });
  return routes;
}
