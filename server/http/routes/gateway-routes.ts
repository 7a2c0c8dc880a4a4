import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import { notFound } from '../../core/errors';
import type { AppLoginIssuer } from '../../gateway/app-login-issuer';
import type { SessionService } from '../../identity/session-service';
import { SESSION_COOKIE } from '../../protocol/problem';
import type { ApiEnv } from '../api-env';
import { resolvePrincipal } from '../auth-middleware';
import { parseWith } from '../request-body';

/** What the gateway's platform routes need. */
export interface GatewayRouteDeps {
  sessions: SessionService;
  issuer: AppLoginIssuer;
}

const authorizeQuerySchema = z.object({
  app: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an app id'),
  return: z.string().max(2048).default('/'),
  state: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be the state the app host sent'),
});

/**
 * `GET /gateway/authorize?app=&return=&state=`: the platform half of an app's login hop. A
 * browser signed in here gets a single-use code on the app's own host; one that is not goes
 * to the login page first and comes back. Public: it runs before the API's auth middleware.
 */
export function gatewayRoutes(deps: GatewayRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  routes.get('/gateway/authorize', async (c) => {
    const query = parseWith(authorizeQuerySchema, c.req.query());
    // Only the browser's session cookie counts: this is a navigation, never a script with a token.
    const principal = await resolvePrincipal(deps.sessions, undefined, getCookie(c, SESSION_COOKIE));
    if (!principal) {
      const again = new URLSearchParams({ app: query.app, return: query.return, state: query.state });
      return c.redirect(`/login?next=${encodeURIComponent(`/api/v1/gateway/authorize?${again.toString()}`)}`, 302);
    }
    const callback = await deps.issuer.authorize(principal.userId, query.app, query.return, query.state);
    if (!callback) throw notFound('No such app.');
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    return c.redirect(callback, 302);
  });
  return routes;
}
