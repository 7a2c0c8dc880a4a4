import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { DomainError, forbidden } from '../core/errors';
import type { Principal } from '../identity/principal';
import type { SessionService } from '../identity/session-service';
import { CSRF_HEADER, SESSION_COOKIE } from '../protocol/problem';
import type { ApiEnv } from './api-env';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Finds who sent a request: a bearer API token, else the session cookie. */
export async function resolvePrincipal(
  sessions: SessionService,
  authorization: string | undefined,
  sessionSecret: string | undefined,
): Promise<Principal | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (bearer) return sessions.resolveApiToken(bearer);
  if (sessionSecret) return sessions.resolveSession(sessionSecret);
  return null;
}

/**
 * A browser request is same-origin when its Origin (or, lacking that, Sec-Fetch-Site) says so.
 * Requests without either come from scripts, not browsers, and cannot ride a user's cookie.
 */
export function isSameOrigin(headers: Headers, requestOrigin: string, publicOrigin: string): boolean {
  const origin = headers.get('origin');
  if (origin) return origin === requestOrigin || origin === publicOrigin;
  const site = headers.get('sec-fetch-site');
  return site === null || site === 'same-origin' || site === 'none';
}

/** The origin the client addressed, from the Host header and the scheme it arrived on. */
export function requestOriginOf(c: Context, publicUrl: URL): string {
  const host = c.req.header('host') ?? publicUrl.host;
  return `${new URL(c.req.url).protocol}//${host}`;
}

/** Requires a signed-in principal; checks CSRF for state changes made with the cookie. */
export function requireAuth(sessions: SessionService, publicUrl: URL): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const principal = await resolvePrincipal(sessions, c.req.header('authorization'), getCookie(c, SESSION_COOKIE));
    if (!principal) throw new DomainError('unauthenticated', 'Sign in first (session cookie or API token).');
    if (principal.via === 'session' && !SAFE_METHODS.has(c.req.method)) {
      if (!isSameOrigin(c.req.raw.headers, requestOriginOf(c, publicUrl), publicUrl.origin)) {
        throw forbidden('Cross-origin requests are refused.');
      }
      if (c.req.header(CSRF_HEADER) !== principal.csrfToken) {
        throw forbidden(`Missing or wrong ${CSRF_HEADER} header; read it from GET /api/v1/session.`);
      }
    }
    c.set('principal', principal);
    await next();
  };
}
