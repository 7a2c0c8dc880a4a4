import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DomainError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ServiceScope } from '../service-scope';
import type { UrlFetchRequest } from './fetch-request';
import { closedPort, domainFailure, echo, FetchTestBench } from './test-servers';

const scope: ServiceScope = { tenantId: 't-1', appId: 'app-1', environment: 'preview' };
const bench = new FetchTestBench();
const server = bench.server.bind(bench);
const fetcher = bench.fetcher.bind(bench);
const failure = domainFailure;

beforeAll(() => bench.setUp());
afterAll(() => bench.tearDown());

describe('UrlFetcher: limits and failures', () => {
  it('refuses a response whose Content-Length exceeds the limit', async () => {
    const target = await server((_request, response) => {
      response.writeHead(200, { 'content-length': '5000' });
      response.write(Buffer.alloc(100));
    });
    const { urlFetcher, log } = fetcher();
    const error = await failure(urlFetcher.fetch(scope, { url: target.origin, maxResponseBytes: 1000 }, {}));
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(/declares 5000 bytes; the limit is 1000 bytes/);
    expect(log.entries[0]).toMatchObject({ outcome: 'failed', status: 200, bytesIn: 0 });
  });

  it('cuts off a chunked response as soon as it passes the limit', async () => {
    let stopped = false;
    const target = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      bench.repeat(1, () => {
        if (response.destroyed) {
          stopped = true;
          return false;
        }
        response.write(Buffer.alloc(1024, 1));
        return true;
      });
    });
    const { urlFetcher, log } = fetcher();
    const error = await failure(urlFetcher.fetch(scope, { url: target.origin, maxResponseBytes: 10_000 }, {}));
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(/sent more than 10000 bytes/);
    expect(log.entries[0]).toMatchObject({ outcome: 'failed', status: 200, reason: error.message });
    expect(log.entries[0]?.bytesIn).toBeGreaterThan(10_000);
    await vi.waitFor(() => expect(stopped).toBe(true));
  });

  it('cuts off a server that trickles its body at the deadline', async () => {
    let closed = false;
    const target = await server((_request, response) => {
      response.writeHead(200, { 'content-length': '100000' });
      response.on('close', () => (closed = true));
      bench.repeat(20, () => {
        if (response.destroyed) return false;
        response.write('x');
        return true;
      });
    });
    const { urlFetcher, log } = fetcher();
    const error = await failure(urlFetcher.fetch(scope, { url: target.origin, timeoutMs: 300 }, {}));
    expect(error.code).toBe('failed-dependency');
    expect(error.message).toBe('timed out after 300 ms');
    expect(log.entries[0]).toMatchObject({ outcome: 'failed', status: 200, reason: 'timed out after 300 ms' });
    await vi.waitFor(() => expect(closed).toBe(true));
  });

  it('gives up on a server that never answers', async () => {
    const target = await server(() => undefined);
    const { urlFetcher, log } = fetcher();
    const error = await failure(urlFetcher.fetch(scope, { url: target.origin, timeoutMs: 200 }, {}));
    expect(error).toMatchObject({ code: 'failed-dependency', message: 'timed out after 200 ms' });
    expect(log.entries[0]).toMatchObject({ outcome: 'failed' });
  });

  it('gives up on DNS that never answers', async () => {
    const { urlFetcher } = fetcher({ resolve: () => new Promise(() => undefined) });
    const error = await failure(urlFetcher.fetch(scope, { url: 'http://slow.test/', timeoutMs: 100 }, {}));
    expect(error).toMatchObject({ code: 'failed-dependency', message: 'timed out after 100 ms' });
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    bench.allowPort(port);
    const { urlFetcher, log } = fetcher();
    const error = await failure(urlFetcher.fetch(scope, { url: `http://127.0.0.1:${port}/` }, {}));
    expect(error.code).toBe('failed-dependency');
    expect(error.message).toBe(`could not fetch from 127.0.0.1:${port}: connection refused`);
    expect(log.entries[0]).toMatchObject({ outcome: 'failed', bytesIn: 0 });
  });

  it('reports a DNS failure', async () => {
    const { urlFetcher, log } = fetcher();
    const error = await failure(urlFetcher.fetch(scope, { url: 'http://nowhere.test/' }, {}));
    expect(error).toMatchObject({
      code: 'failed-dependency',
      message: 'could not resolve nowhere.test (no such host)',
    });
    expect(log.entries[0]).toMatchObject({ outcome: 'failed', finalUrl: 'http://nowhere.test/' });
  });

  it('reports a connection reset before the response', async () => {
    const target = await server((request, response) => response.socket?.destroy());
    const { urlFetcher } = fetcher();
    const error = await failure(urlFetcher.fetch(scope, { url: target.origin }, {}));
    expect(error.code).toBe('failed-dependency');
    expect(error.message).toMatch(/could not fetch from 127\.0\.0\.1:\d+/);
  });

  it.each<[string, Partial<UrlFetchRequest>, DomainError['code'], RegExp]>([
    ['an unknown method', { method: 'TRACE' as 'GET' }, 'invalid-input', /method must be one of/],
    ['a body on GET', { body: 'x' }, 'invalid-input', /GET request cannot have a body/],
    ['a bad header name', { headers: { 'bad name': 'x' } }, 'invalid-input', /not a valid HTTP token/],
    ['a header with CRLF', { headers: { 'x-a': 'one\r\nx-b: two' } }, 'invalid-input', /not allowed in HTTP/],
    ['a timeout over 30 s', { timeoutMs: 30_001 }, 'invalid-input', /timeoutMs must be a whole number from 1 to 30000/],
    ['a response limit over 32 MiB', { maxResponseBytes: 32 * 1024 * 1024 + 1 }, 'invalid-input', /maxResponseBytes/],
    ['a body over 10 MiB', { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1) }, 'too-large', /request body/],
  ])('refuses %s before sending anything', async (_what, request, code, message) => {
    const target = await server(echo);
    const { urlFetcher, log } = fetcher();
    const error = await failure(urlFetcher.fetch(scope, { url: target.origin, ...request }, {}));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(target.connections).toBe(0);
    expect(log.entries[0]).toMatchObject({ outcome: 'refused', bytesOut: 0 });
  });

  it('refuses an invalid policy', async () => {
    const { urlFetcher } = fetcher();
    const error = await failure(urlFetcher.fetch(scope, { url: 'http://loop.test/' }, { allow: ['bad/pattern'] }));
    expect(error.code).toBe('invalid-input');
  });
});

describe('UrlFetcher: the log sink', () => {
  it('records one entry per fetch', async () => {
    const target = await server(echo);
    const { urlFetcher, log } = fetcher();
    await urlFetcher.fetch(scope, { url: target.origin }, {});
    await failure(urlFetcher.fetch(scope, { url: 'http://10.0.0.1/' }, {}));
    await failure(urlFetcher.fetch(scope, { url: 'http://nowhere.test/' }, {}));
    expect(log.entries.map((entry) => entry.outcome)).toEqual(['ok', 'refused', 'failed']);
  });

  it('keeps fetching when the sink fails, and says so on the logger', async () => {
    const target = await server(echo);
    const warn = vi.fn();
    const logger: Logger = { info: vi.fn(), warn, error: vi.fn() };
    const { urlFetcher } = fetcher({ log: { record: () => Promise.reject(new Error('db down')) }, logger });
    const response = await urlFetcher.fetch(scope, { url: target.origin }, {});
    expect(response.status).toBe(200);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/sink failed/), expect.any(Error));
  });
});

describe('the test network guard', () => {
  it('blocks connections to non-loopback addresses', () => {
    const socket = new net.Socket();
    expect(() => socket.connect({ host: '10.0.0.1', port: 80 })).toThrow(/test guard/);
    socket.destroy();
  });
});
