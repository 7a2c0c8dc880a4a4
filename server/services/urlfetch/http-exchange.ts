import { type IncomingMessage, type ClientRequest, request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { DomainError, forbidden, tooLarge } from '../../core/errors';
import { canonicalAddress } from './address-policy';
import type { CheckedTarget, ResolvedAddress } from './target-guard';

/** One request over a connection to a checked address. */
export interface ExchangeRequest {
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  maxResponseBytes: number;
  /** False for a status whose body is not wanted (a redirect to follow): it is not read. */
  readBody: (status: number, headers: IncomingMessage['headers']) => boolean;
  /** Told the status and the connected address as soon as the response head arrives. */
  onHead?: (status: number, address: string) => void;
  /** Told the size of every body chunk received, also one that breaks the limit. */
  onBodyBytes?: (bytes: number) => void;
  /** Aborts the exchange; its reason is what the exchange rejects with. */
  signal: AbortSignal;
}

/** What came back from one exchange. */
export interface ExchangeResult {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The address the socket was connected to. */
  address: string;
}

const TLS_ERROR = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/;

/**
 * Sends one HTTP request to `target`, connecting only to its checked addresses: the `lookup`
 * given to Node answers with them, so nothing resolves the name a second time (DNS rebinding).
 */
export function exchange(target: CheckedTarget, request: ExchangeRequest): Promise<ExchangeResult> {
  const { signal } = request;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  const allowed = new Set(target.addresses.map(({ address }) => canonicalAddress(address)));
  const https = target.url.protocol === 'https:';
  const options: RequestOptions & { servername?: string } = {
    host: target.host,
    port: target.port,
    path: `${target.url.pathname}${target.url.search}`,
    method: request.method,
    headers: { ...request.headers, host: hostHeader(target), ...contentLength(request) },
    setHost: false,
    // A fresh agent per exchange: no pooled socket from another check is ever reused.
    agent: false,
  };
  if (!target.literal) {
    options.lookup = pinnedLookup(target.host, target.addresses);
    // SNI and the certificate check use the host name, not the address connected to.
    if (https) options.servername = target.host;
  }

  return new Promise<ExchangeResult>((resolve, reject) => {
    let response: IncomingMessage | undefined;
    let settled = false;
    const settle = (error: Error | undefined, result?: ExchangeResult): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error) {
        response?.destroy();
        outgoing.destroy();
        reject(error);
      } else if (result) {
        resolve(result);
      }
    };
    const onAbort = (): void => settle(signal.reason as Error);
    const outgoing: ClientRequest = (https ? httpsRequest : httpRequest)(options);
    signal.addEventListener('abort', onAbort, { once: true });

    outgoing.on('socket', (socket: Socket) => {
      // Belt and braces behind the pinned lookup: never talk to an address that was not checked.
      socket.once('connect', () => {
        const address = socket.remoteAddress ?? '';
        if (!allowed.has(canonicalAddress(address))) {
          settle(forbidden(`refused: the connection to ${target.host} went to unchecked address ${address}`));
        }
      });
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => settle(connectionError(target, error)));
    outgoing.on('response', (incoming: IncomingMessage) => {
      response = incoming;
      incoming.on('error', (error: NodeJS.ErrnoException) => settle(connectionError(target, error)));
      const address = incoming.socket?.remoteAddress ?? '';
      const status = incoming.statusCode ?? 0;
      request.onHead?.(status, address);
      const done = (body: Buffer): void => settle(undefined, { status, headers: incoming.headers, body, address });
      if (!request.readBody(status, incoming.headers)) {
        done(Buffer.alloc(0));
        incoming.destroy();
        return;
      }
      // A HEAD response's Content-Length describes the body a GET would get: nothing comes.
      const declared = request.method === 'HEAD' ? 0 : Number(incoming.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxResponseBytes) {
        settle(responseTooLarge(target, request.maxResponseBytes, `declares ${declared} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      incoming.on('data', (chunk: Buffer) => {
        received += chunk.length;
        request.onBodyBytes?.(chunk.length);
        if (received > request.maxResponseBytes) {
          settle(
            responseTooLarge(target, request.maxResponseBytes, `sent more than ${request.maxResponseBytes} bytes`),
          );
          return;
        }
        chunks.push(chunk);
      });
      incoming.on('end', () => done(Buffer.concat(chunks, received)));
      incoming.on('aborted', () => settle(connectionError(target, { code: 'ECONNRESET' } as NodeJS.ErrnoException)));
    });
    outgoing.end(request.body);
  });
}

/** A `dns.lookup` stand-in that answers only for `host`, and only with the checked addresses. */
export function pinnedLookup(host: string, addresses: ResolvedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const wanted =
      options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    const usable = addresses.filter(({ family }) => wanted === 0 || family === wanted);
    const first = usable[0];
    if (hostname !== host || !first) {
      const error: NodeJS.ErrnoException = new Error(`no checked address for ${hostname}`);
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
      return;
    }
    if (options.all) callback(null, usable);
    else callback(null, first.address, first.family);
  };
}

/**
 * The body's length, always stated: Node would otherwise send POST/PUT/PATCH chunked, and a
 * DELETE body without any framing at all.
 */
function contentLength(request: ExchangeRequest): { 'content-length'?: string } {
  if (request.body) return { 'content-length': String(request.body.length) };
  return ['POST', 'PUT', 'PATCH'].includes(request.method) ? { 'content-length': '0' } : {};
}

function hostHeader(target: CheckedTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return target.url.port === '' ? host : `${host}:${target.url.port}`;
}

function responseTooLarge(target: CheckedTarget, limit: number, what: string): DomainError {
  return tooLarge(`response from ${target.host} is too large: it ${what}; the limit is ${limit} bytes`, { limit });
}

function connectionError(target: CheckedTarget, error: NodeJS.ErrnoException): DomainError {
  const code = error.code ?? 'error';
  const where = `${target.host}:${target.port}`;
  if (TLS_ERROR.test(code)) {
    return new DomainError('failed-dependency', `TLS with ${where} failed: ${error.message} (${code})`, { code });
  }
  const why =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ECONNRESET'
        ? 'connection reset'
        : code === 'ENOTFOUND'
          ? 'no usable address'
          : (error.message ?? code);
  return new DomainError('failed-dependency', `could not fetch from ${where}: ${why}`, { code });
}
