import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppRoute } from '../farm/routing';
import { newSecret } from '../identity/tokens';
import type { AppSessions } from './app-sessions';
import { cookiesOf, safeReturnPath, sendPage } from './control-http';
import { APP_SESSION_COOKIE } from './nginx-config';

/** The platform path that issues login codes for app hosts. */
export const AUTHORIZE_PATH = '/api/v1/gateway/authorize';
const STATE_COOKIE = 'slipway_app_state';
const SESSION_MAX_AGE_S = 12 * 3600;

/**
 * The app-host half of the login hop: `/_slipway/login` sends the browser to the platform,
 * `/_slipway/callback` trades the single-use code for a host-only session cookie, and
 * `/_slipway/logout` ends it. A state cookie ties the callback to the browser that started it.
 */
export class LoginHop {
  constructor(
    private readonly deps: {
      sessions: AppSessions;
      /** The platform's public URL (where users sign in). */
      publicUrl: URL;
      /** Cookies get `Secure` when apps are served over https. */
      secureCookies: boolean;
    },
  ) {}

  /** Starts the hop; `returnPath` is where the user comes back to on this host. */
  start(request: IncomingMessage, response: ServerResponse, route: AppRoute, returnPath: string): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      return void response.end('Sign in first: open this app in a browser.\n');
    }
    const state = newSecret();
    const target = new URL(AUTHORIZE_PATH, this.deps.publicUrl);
    target.searchParams.set('app', route.appId);
    target.searchParams.set('return', safeReturnPath(returnPath));
    target.searchParams.set('state', state);
    response.writeHead(302, {
      location: target.href,
      'cache-control': 'no-store',
      'set-cookie': this.cookie(STATE_COOKIE, state, 600, '/_slipway/'),
    });
    response.end();
  }

  async callback(request: IncomingMessage, response: ServerResponse, route: AppRoute, url: URL): Promise<void> {
    const cookies = cookiesOf(request);
    if (!sameSecret(cookies.get(STATE_COOKIE), url.searchParams.get('state'))) {
      return sendPage(
        response,
        400,
        'Sign-in did not finish',
        'This sign-in link was started in another browser or has expired. Open the app again to sign in.',
      );
    }
    const redeemed = await this.deps.sessions.redeemLoginCode(route.appId, url.searchParams.get('code') ?? '');
    if (!redeemed) {
      return sendPage(
        response,
        400,
        'Sign-in link expired',
        'Sign-in links work once and for a minute. Open the app again to sign in.',
      );
    }
    response.writeHead(303, {
      location: safeReturnPath(url.searchParams.get('return')),
      'cache-control': 'no-store',
      'set-cookie': [
        this.cookie(APP_SESSION_COOKIE, redeemed.sessionSecret, SESSION_MAX_AGE_S, '/'),
        this.cookie(STATE_COOKIE, '', 0, '/_slipway/'),
      ],
    });
    response.end();
  }

  async logout(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const secret = cookiesOf(request).get(APP_SESSION_COOKIE);
    if (secret) await this.deps.sessions.destroySession(secret);
    sendPage(response, 200, 'Signed out', 'You are signed out of this app. Open it again to sign in.', {
      'set-cookie': this.cookie(APP_SESSION_COOKIE, '', 0, '/'),
    });
  }

  private cookie(name: string, value: string, maxAgeSeconds: number, cookiePath: string): string {
    // Host-only (no Domain): the cookie belongs to this app's host and no other.
    const secure = this.deps.secureCookies ? '; Secure' : '';
    return `${name}=${value}; Path=${cookiePath}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
  }
}

function sameSecret(a: string | undefined, b: string | null): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
