import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { abortable } from '../core/abortable';
import type { Disposable } from '../core/disposable';
import type { Logger } from '../core/logger';
import type { InstanceEndpoint } from '../farm/driver';
import type { AppWaker } from '../farm/routing';
import { sendPage, withoutHopByHop } from './control-http';

/** How long a request is held while its app starts before the user sees a 503 page. */
const DEFAULT_WAKE_TIMEOUT_MS = 60_000;

/**
 * Holds requests for apps scaled to zero: asks the farm to wake the app, then proxies the held
 * request (and WebSocket upgrades) to the instance itself, while the farm's route update points
 * nginx straight at the instance for the requests after it.
 */
export class Activator implements Disposable {
  private readonly wakes = new Map<string, Promise<InstanceEndpoint>>();
  private readonly lifetime = new AbortController();

  constructor(private readonly deps: { waker: AppWaker; log: Logger; wakeTimeoutMs?: number }) {}

  async handle(request: IncomingMessage, response: ServerResponse, appId: string): Promise<void> {
    const endpoint = await this.wakeFor(appId, request);
    if (!endpoint)
      return sendPage(
        response,
        503,
        'The app could not start',
        'It did not become ready in time. Try again in a moment; if it keeps failing, its developers can see why in the Slipway console.',
        { 'retry-after': '5' },
      );
    const upstream = httpRequest(
      {
        ...connectOptions(endpoint),
        method: request.method,
        path: request.url,
        headers: withoutHopByHop(request.headers),
      },
      (answer) => {
        // nginx must not pool this connection: the app's slot points at the instance now, and
        // requests on a pooled connection to the activator would keep taking the slow path.
        response.writeHead(answer.statusCode ?? 502, { ...withoutHopByHop(answer.headers), connection: 'close' });
        answer.pipe(response);
        // The client went away: drain the answer rather than abort (aborting can strand sync workers).
        response.on('close', () => answer.resume());
      },
    );
    upstream.on('error', () => {
      if (!response.headersSent)
        sendPage(response, 502, 'The app is not answering', 'It started but did not answer. Try again in a moment.');
      else response.destroy();
    });
    request.pipe(upstream);
  }

  /** A WebSocket (or other upgrade) for an app scaled to zero: wake it, then tunnel bytes. */
  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, appId: string): Promise<void> {
    socket.on('error', () => undefined);
    const endpoint = await this.wakeFor(appId, request);
    if (!endpoint || socket.destroyed) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream: Socket = endpoint.kind === 'unix' ? connect(endpoint.path) : connect(endpoint.port, endpoint.host);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    upstream.once('connect', () => {
      upstream.write(rawRequestHead(request));
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
  }

  dispose(): void {
    this.lifetime.abort();
  }

  /** The woken app's endpoint, or undefined when it could not start (or the client left). */
  private async wakeFor(appId: string, request: IncomingMessage): Promise<InstanceEndpoint | undefined> {
    const left = new AbortController();
    const onClose = () => left.abort();
    request.socket.once('close', onClose);
    try {
      return await abortable(this.sharedWake(appId), left.signal);
    } catch (error) {
      if (!left.signal.aborted) this.deps.log.warn(`waking app ${appId} failed`, error);
      return undefined;
    } finally {
      request.socket.off('close', onClose);
    }
  }

  /** One wake per app at a time, however many requests are waiting for it. */
  private sharedWake(appId: string): Promise<InstanceEndpoint> {
    const running = this.wakes.get(appId);
    if (running) return running;
    const signal = AbortSignal.any([
      this.lifetime.signal,
      AbortSignal.timeout(this.deps.wakeTimeoutMs ?? DEFAULT_WAKE_TIMEOUT_MS),
    ]);
    const wake = abortable(this.deps.waker.wake(appId, signal), signal).finally(() => this.wakes.delete(appId));
    this.wakes.set(appId, wake);
    return wake;
  }
}

function connectOptions(endpoint: InstanceEndpoint): { socketPath: string } | { host: string; port: number } {
  return endpoint.kind === 'unix' ? { socketPath: endpoint.path } : { host: endpoint.host, port: endpoint.port };
}

function rawRequestHead(request: IncomingMessage): string {
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1`];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}
