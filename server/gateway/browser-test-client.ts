import type { Platform } from '../main';
import { gatewayRequest } from './gateway-test-support';

/** One step of a navigation: the URL asked for and the status it answered. */
export interface NavigationStep {
  url: string;
  status: number;
}

/** Where a navigation ended. */
export interface NavigationResult {
  steps: NavigationStep[];
  status: number;
  body: string;
  url: string;
}

/**
 * A browser stand-in for tests: a cookie jar per host and redirect following, with the platform
 * reached in-process (its public URL) and app hosts through the gateway's real port.
 */
export class BrowserTestClient {
  private readonly jar = new Map<string, Map<string, string>>();

  constructor(
    private readonly platform: Platform,
    private readonly gatewayPort: number,
  ) {}

  setCookie(host: string, name: string, value: string): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(host, cookies);
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  /** GETs `url` and follows redirects (at most 10). */
  async navigate(url: string, headers: Record<string, string> = {}): Promise<NavigationResult> {
    const steps: NavigationStep[] = [];
    let current = new URL(url);
    for (let hop = 0; hop < 10; hop++) {
      const { status, location, setCookies, body } = await this.fetch(current, headers);
      steps.push({ url: current.href, status });
      for (const line of setCookies) this.store(current.host, line);
      if (status < 300 || status >= 400 || !location) return { steps, status, body, url: current.href };
      current = new URL(location, current);
    }
    throw new Error(`too many redirects: ${steps.map((step) => step.url).join(' → ')}`);
  }

  private async fetch(
    url: URL,
    headers: Record<string, string>,
  ): Promise<{ status: number; location: string | undefined; setCookies: string[]; body: string }> {
    const cookie = [...(this.jar.get(url.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    const withCookie = cookie ? { ...headers, cookie } : headers;
    if (url.origin === this.platform.config.publicUrl.origin) {
      const response = await this.platform.api.request(url.href, { headers: withCookie, redirect: 'manual' });
      return {
        status: response.status,
        location: response.headers.get('location') ?? undefined,
        setCookies: response.headers.getSetCookie(),
        body: await response.text(),
      };
    }
    if (url.port !== String(this.gatewayPort)) throw new Error(`the test browser does not reach ${url.href}`);
    const response = await gatewayRequest(this.gatewayPort, url.host, url.pathname + url.search, {
      headers: withCookie,
    });
    const setCookie = response.headers['set-cookie'] ?? [];
    const location = response.headers.location;
    return { status: response.status, location, setCookies: setCookie, body: response.body };
  }

  private store(host: string, line: string): void {
    const [pair = '', ...attributes] = line.split(';');
    const index = pair.indexOf('=');
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    if (expired || !value) cookies.delete(name);
    else cookies.set(name, value);
    this.jar.set(host, cookies);
  }
}
