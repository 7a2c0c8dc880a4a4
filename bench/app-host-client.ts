import { request } from 'node:http';
import type { ApiSession } from './api-session';

/** An answer from an app host, read whole. */
export interface HostResponse {
  status: number;
  location: string | undefined;
  setCookies: string[];
  body: string;
}

/** The gateway on its loopback port, addressed by app host name (`<app>.<tenant>.apps.localhost`). */
export class AppHostClient {
  constructor(readonly gatewayPort: number) {}

  /** One GET on a fresh connection to 127.0.0.1:<gateway port> with `Host: host`. */
  get(host: string, path: string, headers: Record<string, string> = {}): Promise<HostResponse> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { host: '127.0.0.1', port: this.gatewayPort, path, headers: { ...headers, host }, agent: false },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              location: response.headers.location,
              setCookies: response.headers['set-cookie'] ?? [],
              body,
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  /**
   * Polls `path` until an answer is 200 with `marker` in its body; resolves with
   * `performance.now()` of that answer's arrival. Throws after `timeoutMs`.
   */
  async waitForMarker(
    host: string,
    path: string,
    marker: string,
    options: { timeoutMs: number; intervalMs: number; headers?: Record<string, string> },
  ): Promise<number> {
    const deadline = performance.now() + options.timeoutMs;
    let last = 'no answer';
    while (performance.now() < deadline) {
      try {
        const answer = await this.get(host, path, options.headers);
        if (answer.status === 200 && answer.body.includes(marker)) return performance.now();
        last = `${answer.status}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
    throw new Error(`${host}${path} did not serve "${marker}" within ${options.timeoutMs} ms (last: ${last})`);
  }

  /**
   * The login hop a browser takes for a tenant-only app (server/gateway/login-hop.ts):
   * `/_slipway/login` on the app host → the platform's `/api/v1/gateway/authorize` with the
   * operator's session cookie → `/_slipway/callback` on the app host, which sets the app session
   * cookie. Returns that cookie as a `Cookie` header value.
   */
  async signIn(host: string, session: ApiSession): Promise<string> {
    const start = await this.get(host, '/_slipway/login?return=/');
    const state = cookieFrom(start.setCookies, 'slipway_app_state');
    if (start.status !== 302 || !start.location || !state) {
      throw new Error(`/_slipway/login answered ${start.status} without a redirect and state cookie`);
    }
    const authorize = await fetch(start.location, {
      headers: { cookie: `${session.cookie.name}=${session.cookie.value}` },
      redirect: 'manual',
    });
    const callback = authorize.headers.get('location');
    if (authorize.status !== 302 || !callback) throw new Error(`authorize answered ${authorize.status}`);
    const callbackUrl = new URL(callback);
    if (callbackUrl.hostname !== host || !callbackUrl.pathname.startsWith('/_slipway/callback')) {
      throw new Error(`authorize sent the browser to ${callbackUrl.origin}${callbackUrl.pathname}`);
    }
    const done = await this.get(host, callbackUrl.pathname + callbackUrl.search, {
      cookie: `slipway_app_state=${state}`,
    });
    const appSession = cookieFrom(done.setCookies, 'slipway_app');
    if (done.status !== 303 || !appSession) throw new Error(`the callback answered ${done.status} without a session`);
    return `slipway_app=${appSession}`;
  }
}

function cookieFrom(setCookies: string[], name: string): string | undefined {
  for (const line of setCookies) {
    const [pair = ''] = line.split(';');
    const index = pair.indexOf('=');
    if (pair.slice(0, index).trim() === name) return pair.slice(index + 1).trim() || undefined;
  }
  return undefined;
}
