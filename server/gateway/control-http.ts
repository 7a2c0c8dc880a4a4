import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { gatewayPage } from './gateway-pages';

/** Hop-by-hop headers (RFC 9110 §7.6.1) never pass a proxy. */
export const HOP_BY_HOP_HEADERS = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authenticate',
  'proxy-authorization',
];

/** A copy of the headers without hop-by-hop ones (and without those the Connection header names). */
export function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  const copy: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP_HEADERS.includes(name) && !named.includes(name)) copy[name] = value;
  }
  return copy;
}

/** Sends a small HTML page (app hosts show pages, not problem+json). */
export function sendPage(
  response: ServerResponse,
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string | string[]> = {},
): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(gatewayPage(title, detail));
}

/** Cookies of a request by name (first value wins). */
export function cookiesOf(request: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(index + 1).trim());
  }
  return cookies;
}

/** A path on the same host, or `/`: return addresses must never lead to another site. */
export function safeReturnPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 2048 || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  // Control characters (a header splitting attempt, a tab browsers strip to `//`) are refused whole.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return '/';
  return raw;
}
