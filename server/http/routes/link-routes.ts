import { Hono } from 'hono';
import type { UrlLinks } from '../../services/urlfetch/url-links';
import type { ApiEnv } from '../api-env';

/**
 * `GET /links/:token`: a URL Link an app handed out. Public (the app's users may not hold a
 * platform session): the token is signed; the tenant's policy is checked and the visit logged.
 */
export function linkRoutes(deps: { links: Pick<UrlLinks, 'follow'> }): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  routes.get('/links/:token', async (c) => {
    const location = await deps.links.follow(c.req.param('token'));
    return c.body(null, 302, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  });
  return routes;
}
