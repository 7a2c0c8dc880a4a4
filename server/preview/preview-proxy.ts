import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../core/logger';
import type { IdentityHeaderValues, VerifiedIdentity } from '../gateway/identity-signer';
import type { PreviewPersona } from '../protocol/preview';
import type { PreviewAccess, PreviewVisitor } from './preview-access';
import { identityAs } from './preview-personas';
import { PREVIEW_CLIENT_SCRIPT } from './preview-client-script';

const SCRIPT_PATH = '/__slipway/preview.js';
/**
 * The bridge script's URL carries a hash of its content, so browsers may cache it for good:
 * a parser-blocking script that had to be revalidated on every reload cost a round trip per save.
 */
export const PREVIEW_SCRIPT_URL = `${SCRIPT_PATH}?v=${createHash('sha256').update(PREVIEW_CLIENT_SCRIPT).digest('hex').slice(0, 12)}`;
import type { PreviewService } from './preview-service';

/** What the preview proxy needs. */
export interface PreviewProxyDeps {
  access: PreviewAccess;
  previews: PreviewService;
  /** True while the user may still open the project (membership can be revoked any time). */
  mayOpen: (userId: string, projectId: string) => Promise<boolean>;
  /**
   * Signed identity headers for the visitor, as the gateway gives published apps. Looked up
   * with the access check (cached as long) and signed afresh for every request.
   */
  identity?: {
    of: (visitor: PreviewVisitor) => Promise<VerifiedIdentity | undefined>;
    /** Who the developer chose to be shown as (checked per request: a change applies at once). */
    personaOf: (visitor: PreviewVisitor) => PreviewPersona;
    sign: (identity: VerifiedIdentity) => IdentityHeaderValues;
  };
  /** The IDE's origin: the only window the injected script talks to. */
  ideOrigin: string;
  /** Host suffix of preview origins, e.g. `preview.localhost` → `<projectId>.preview.localhost`. */
  previewDomain: string;
  log: Logger;
}

const FRAME_COOKIE = 'slipway_preview';
// Top-level visits over plain http (a phone on the LAN) cannot use Secure cookies; frames need
// SameSite=None, which needs Secure (allowed on http://*.localhost). So one cookie for each.
const TOP_LEVEL_COOKIE = 'slipway_preview_top';
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];
const MAX_INJECT_BYTES = 8 * 1024 * 1024;
const ACCESS_CACHE_MS = 10_000;
const MAX_ADMITTED = 1000;

/** A visitor whose access was checked, with the identity the app receives. */
interface AdmittedVisitor extends PreviewVisitor {
  identity: VerifiedIdentity | undefined;
}

/**
 * Serves preview origins (`<projectId>.<previewDomain>`): trades single-use links for a preview
 * cookie, then proxies to the project's preview instance over its Unix socket, stripping the
 * platform's credentials and adding the IDE bridge script to HTML pages.
 */
export class PreviewProxy {
  private readonly admitted = new Map<string, { until: number; visitor: AdmittedVisitor }>();

  constructor(private readonly deps: PreviewProxyDeps) {}

  /** The project id when the Host header names a preview origin. */
  projectIdOf(host: string | undefined): string | null {
    const name = (host ?? '').replace(/:\d+$/, '').toLowerCase();
    const suffix = `.${this.deps.previewDomain}`;
    if (!name.endsWith(suffix)) return null;
    const id = name.slice(0, -suffix.length);
    return /^[0-9a-f-]{36}$/.test(id) ? id : null;
  }

  async handle(request: IncomingMessage, response: ServerResponse, projectId: string): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://preview');
      if (url.pathname === '/__slipway/enter') return await this.enter(url, request, response, projectId);
      if (url.pathname === SCRIPT_PATH) return sendScript(response, url.pathname + url.search === PREVIEW_SCRIPT_URL);
      const visitor = await this.visitorOf(request, projectId);
      if (!visitor)
        return page(
          response,
          401,
          'Open this preview from the Slipway IDE',
          'The preview link expired or was used already. Use Reload preview, Open in new tab or the QR code in the IDE for a fresh one.',
        );
      const socketPath = this.deps.previews.session(projectId)?.socketPath;
      if (!socketPath)
        return page(response, 503, 'The preview is not running', 'Press Run in the IDE to build and start the app.');
      this.forward(request, response, socketPath, this.identityFor(visitor));
    } catch (error) {
      this.deps.log.error('preview proxy failed', error);
      if (!response.headersSent) page(response, 502, 'The preview failed', 'See the Output panel in the IDE.');
      else response.destroy();
    }
  }

  private async enter(url: URL, request: IncomingMessage, response: ServerResponse, projectId: string): Promise<void> {
    const redeemed = await this.deps.access.redeemLink(projectId, url.searchParams.get('token') ?? '');
    if (!redeemed || !(await this.deps.mayOpen(redeemed.userId, projectId))) {
      return page(
        response,
        401,
        'This preview link is no longer valid',
        'Links work once and expire quickly; get a new one from the IDE.',
      );
    }
    const secure = isSecureRequest(request);
    response.writeHead(303, {
      location: redeemed.path,
      'cache-control': 'no-store',
      'set-cookie': [
        `${FRAME_COOKIE}=${redeemed.sessionSecret}; Path=/; HttpOnly; SameSite=None; Secure; Partitioned`,
        `${TOP_LEVEL_COOKIE}=${redeemed.sessionSecret}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
      ],
    });
    response.end();
  }

  private async visitorOf(request: IncomingMessage, projectId: string): Promise<AdmittedVisitor | null> {
    const cookies = parseCookies(request.headers.cookie);
    const secret = cookies.get(FRAME_COOKIE) ?? cookies.get(TOP_LEVEL_COOKIE);
    if (!secret) return null;
    const visitor = await this.deps.access.resolveSession(projectId, secret);
    if (!visitor) return null;
    const key = `${visitor.userId}:${projectId}`;
    const cached = this.admitted.get(key);
    if (cached && cached.until > Date.now()) return cached.visitor;
    if (!(await this.deps.mayOpen(visitor.userId, projectId))) return null;
    const admitted: AdmittedVisitor = { ...visitor, identity: await this.deps.identity?.of(visitor) };
    if (this.admitted.size >= MAX_ADMITTED) this.forgetExpired();
    this.admitted.set(key, { until: Date.now() + ACCESS_CACHE_MS, visitor: admitted });
    return admitted;
  }

  private identityFor(visitor: AdmittedVisitor): VerifiedIdentity | undefined {
    if (!visitor.identity || !this.deps.identity) return undefined;
    return identityAs(visitor.identity, this.deps.identity.personaOf(visitor));
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [key, entry] of this.admitted) if (entry.until <= now) this.admitted.delete(key);
  }

  private forward(
    request: IncomingMessage,
    response: ServerResponse,
    socketPath: string,
    identity: VerifiedIdentity | undefined,
  ): void {
    const headers = this.upstreamHeaders(request);
    if (identity && this.deps.identity) {
      const signed = Object.entries(this.deps.identity.sign(identity)) as [string, string][];
      for (const [name, value] of signed) headers[name.toLowerCase()] = value;
    }
    const upstream = httpRequest({ socketPath, method: request.method, path: request.url, headers }, (answer) => {
      const headers = withoutHopByHop(answer.headers);
      if (/^text\/html\b/i.test(String(answer.headers['content-type'] ?? '')) && request.method !== 'HEAD') {
        return void this.injectAndSend(answer, response, headers);
      }
      response.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(response);
    });
    upstream.on('error', () => {
      if (!response.headersSent)
        page(response, 502, 'The app did not answer', 'It may be restarting; see the Output panel.');
      else response.destroy();
    });
    request.pipe(upstream);
  }

  private upstreamHeaders(request: IncomingMessage): IncomingHttpHeaders {
    const headers = withoutHopByHop(request.headers);
    for (const name of Object.keys(headers)) {
      if (name.startsWith('x-slipway-') || name === 'authorization' || name.startsWith('x-forwarded-'))
        delete headers[name];
    }
    // The IDE's URLs (project ids, paths) are none of the app's business.
    if (String(headers.referer ?? '').startsWith(this.deps.ideOrigin)) delete headers.referer;
    const cookies = [...parseCookies(request.headers.cookie)].filter(([name]) => !name.startsWith('slipway_'));
    if (cookies.length > 0) headers.cookie = cookies.map(([name, value]) => `${name}=${value}`).join('; ');
    else delete headers.cookie;
    // The bridge script is added to HTML, which needs an uncompressed body.
    headers['accept-encoding'] = 'identity';
    headers['x-forwarded-host'] = request.headers.host ?? '';
    headers['x-forwarded-proto'] = isSecureRequest(request) ? 'https' : 'http';
    headers['x-forwarded-for'] = request.socket.remoteAddress ?? '';
    return headers;
  }

  private injectAndSend(answer: IncomingMessage, response: ServerResponse, headers: IncomingHttpHeaders): void {
    const chunks: Buffer[] = [];
    let size = 0;
    answer.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_INJECT_BYTES) chunks.push(chunk);
    });
    answer.on('end', () => {
      const body =
        size <= MAX_INJECT_BYTES ? injectBridge(Buffer.concat(chunks).toString('utf8'), this.deps.ideOrigin) : '';
      delete headers['content-length'];
      delete headers['content-encoding'];
      response.writeHead(answer.statusCode ?? 200, { ...headers, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
  }
}

/** Adds the bridge script as early as possible so it sees the page's first errors. */
export function injectBridge(html: string, ideOrigin: string): string {
  const tag = `<script src="${PREVIEW_SCRIPT_URL}" data-ide-origin="${ideOrigin.replace(/"/g, '')}"></script>`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length);
  return tag + html;
}

function sendScript(response: ServerResponse, current: boolean): void {
  const caching = current ? 'public, max-age=31536000, immutable' : 'no-cache';
  response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': caching });
  response.end(PREVIEW_CLIENT_SCRIPT);
}

function page(response: ServerResponse, status: number, title: string, detail: string): void {
  const body = `<!doctype html><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><body style="font:16px system-ui;margin:2rem;color:#333"><h1 style="font-size:1.2rem">${title}</h1><p>${detail}</p></body>`;
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(body);
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy: IncomingHttpHeaders = { ...headers };
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  for (const name of [...HOP_BY_HOP, ...listed]) delete copy[name];
  return copy;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies.set(part.slice(0, index).trim(), part.slice(index + 1).trim());
  }
  return cookies;
}

function isSecureRequest(request: IncomingMessage): boolean {
  return 'encrypted' in request.socket && request.socket.encrypted === true;
}
