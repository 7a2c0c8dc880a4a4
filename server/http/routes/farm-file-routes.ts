import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { packGrantedPath, type FileGrants } from '../../farm/file-grants';
import type { ApiEnv } from '../api-env';

/** What the farm's download route needs. */
export interface FarmFileRouteDeps {
  grants: FileGrants;
}

/**
 * `GET /farm/files/:token`: the files a kubernetes pod's init container downloads, as a
 * tar.gz. Public (a pod has no session): the token is a signed, short-lived grant of one host
 * path (farm/file-grants.ts), so nothing but what the farm handed out can be read.
 */
export function farmFileRoutes(deps: FarmFileRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  routes.get('/farm/files/:token', async (c) => {
    const grant = await deps.grants.verify(c.req.param('token'));
    const archive = await packGrantedPath(grant.hostPath);
    return c.body(Readable.toWeb(archive) as ReadableStream, 200, {
      'content-type': 'application/gzip',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  });

  return routes;
}
