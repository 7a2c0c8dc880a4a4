import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { DomainError, forbidden } from '../../core/errors';
import type { IdentityService } from '../../identity/identity-service';
import type { LoginThrottle } from '../../identity/login-throttle';
import type { SessionService } from '../../identity/session-service';
import {
  acceptInvitationBodySchema,
  createApiTokenBodySchema,
  loginBodySchema,
  type SessionDto,
} from '../../protocol/identity';
import { SESSION_COOKIE } from '../../protocol/problem';
import type { ApiEnv } from '../api-env';
import { isSameOrigin, requestOriginOf } from '../auth-middleware';
import { readJson } from '../request-body';

/** What the auth routes need. */
export interface AuthRouteDeps {
  identity: IdentityService;
  sessions: SessionService;
  throttle: LoginThrottle;
  publicUrl: URL;
  maxJsonBytes: number;
  /** Ends what a session owned (its terminals) when it logs out. */
  onDidLogout: (sessionKey: string) => void;
  clientAddress: (c: Context) => string;
}

/** Routes that work without signing in: login and accepting an invitation. */
export function loginRoutes(deps: AuthRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const secureCookie = deps.publicUrl.protocol === 'https:';

  routes.post('/auth/login', async (c) => {
    if (!isSameOrigin(c.req.raw.headers, requestOriginOf(c, deps.publicUrl), deps.publicUrl.origin)) {
      throw forbidden('Cross-origin logins are refused.');
    }
    const body = await readJson(c, loginBodySchema, deps.maxJsonBytes);
    const address = deps.clientAddress(c);
    await deps.throttle.check(body.email, address);
    const user = await deps.identity.verifyCredentials(body.email, body.password);
    if (!user) {
      await deps.throttle.recordFailure(body.email, address);
      throw new DomainError('unauthenticated', 'The e-mail or password is wrong.');
    }
    await deps.throttle.recordSuccess(body.email);
    const session = await deps.sessions.createSession(user.id);
    setCookie(c, SESSION_COOKIE, session.secret, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: secureCookie,
      path: '/',
      expires: session.expiresAt,
    });
    const dto: SessionDto = {
      user,
      memberships: await deps.identity.memberships(user.id),
      csrfToken: session.csrfToken,
    };
    return c.json(dto);
  });

  routes.post('/invitations/:token/accept', async (c) => {
    const body = await readJson(c, acceptInvitationBodySchema, deps.maxJsonBytes);
    return c.json(await deps.identity.acceptInvitation(c.req.param('token'), body.password));
  });

  return routes;
}

/** Logout, the current session and API tokens; mounted behind `requireAuth`. */
export function sessionRoutes(deps: AuthRouteDeps): Hono<ApiEnv> {
  const authed = new Hono<ApiEnv>();
  const secureCookie = deps.publicUrl.protocol === 'https:';

  authed.post('/auth/logout', async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret) deps.onDidLogout(await deps.sessions.destroySession(secret));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookie });
    return c.body(null, 204);
  });

  authed.get('/session', async (c) => {
    const principal = c.get('principal');
    const dto: SessionDto = {
      user: { id: principal.userId, email: principal.email, name: principal.name, isOperator: principal.isOperator },
      memberships: await deps.identity.memberships(principal.userId),
      csrfToken: principal.csrfToken ?? '',
    };
    return c.json(dto);
  });

  authed.get('/tokens', async (c) => c.json(await deps.sessions.listApiTokens(c.get('principal').userId)));
  authed.post('/tokens', async (c) => {
    const body = await readJson(c, createApiTokenBodySchema, deps.maxJsonBytes);
    return c.json(await deps.sessions.createApiToken(c.get('principal').userId, body.name, body.expiresInDays), 201);
  });
  authed.delete('/tokens/:tokenId', async (c) => {
    await deps.sessions.revokeApiToken(c.get('principal').userId, c.req.param('tokenId'));
    return c.body(null, 204);
  });

  return authed;
}
