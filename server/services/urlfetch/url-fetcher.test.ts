import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceScope } from '../service-scope';
import type { FetchLogEntry } from './fetch-log';
import { domainFailure, echo, FetchTestBench } from './test-servers';

const scope: ServiceScope = { tenantId: 't-1', appId: 'app-1', environment: 'preview' };
const bench = new FetchTestBench();
const server = bench.server.bind(bench);
const fetcher = bench.fetcher.bind(bench);
const failure = domainFailure;

beforeAll(() => bench.setUp());
afterAll(() => bench.tearDown());

describe('UrlFetcher: allowed fetches', () => {
  it('GETs with the app headers, its own User-Agent and Host, and without hop-by-hop headers', async () => {
    const target = await server(echo);
    const { urlFetcher, log } = fetcher();
    const response = await urlFetcher.fetch(
      scope,
      {
        url: `${target.origin}/path?q=1#fragment`,
        headers: {
          Accept: 'application/json',
          'X-Custom': 'yes',
          Host: 'evil.example',
          'Proxy-Authorization': 'Basic secret',
          TE: 'trailers',
          Upgrade: 'websocket',
          'Transfer-Encoding': 'chunked',
          'Keep-Alive': 'timeout=5',
        },
      },
      {},
    );
    expect(response.status).toBe(200);
    const seen = JSON.parse(response.body.toString()) as {
      method: string;
      url: string;
      headers: Record<string, string>;
    };
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/path?q=1');
    expect(seen.headers).toMatchObject({
      accept: 'application/json',
      'x-custom': 'yes',
      host: `127.0.0.1:${target.port}`,
      'user-agent': 'Slipway-URLFetch/1 (app app-1)',
      // One connection per exchange: no pooled socket outlives its check.
      connection: 'close',
    });
    for (const stripped of ['proxy-authorization', 'te', 'upgrade', 'transfer-encoding', 'keep-alive']) {
      expect(seen.headers).not.toHaveProperty(stripped);
    }
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(response.headers).not.toHaveProperty('connection');
    expect(response.finalUrl).toBe(`${target.origin}/path?q=1#fragment`);
    expect(response.redirects).toEqual([]);
    expect(log.entries).toEqual([
      {
        at: expect.any(String) as string,
        tenantId: 't-1',
        appId: 'app-1',
        environment: 'preview',
        method: 'GET',
        url: `${target.origin}/path?q=1#fragment`,
        finalUrl: `${target.origin}/path?q=1#fragment`,
        status: 200,
        address: '127.0.0.1',
        bytesOut: 0,
        bytesIn: response.body.length,
        ms: expect.any(Number) as number,
        outcome: 'ok',
      } satisfies FetchLogEntry,
    ]);
  });

  it('POSTs a body with a recomputed Content-Length and keeps an app User-Agent', async () => {
    const target = await server(echo);
    const { urlFetcher, log } = fetcher();
    const response = await urlFetcher.fetch(
      scope,
      {
        url: `${target.origin}/submit`,
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', 'Content-Length': '1', 'User-Agent': 'my-app/2' },
        body: 'hello wörld',
      },
      {},
    );
    const seen = JSON.parse(response.body.toString()) as {
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    expect(seen).toMatchObject({ method: 'POST', body: 'hello wörld' });
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength('hello wörld')));
    expect(seen.headers['user-agent']).toBe('my-app/2');
    expect(log.entries[0]).toMatchObject({ outcome: 'ok', method: 'POST', bytesOut: 12, status: 200 });
  });

  it('sends PUT, PATCH and DELETE, and a Buffer body', async () => {
    const target = await server(echo);
    const { urlFetcher } = fetcher();
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const response = await urlFetcher.fetch(scope, { url: target.origin, method, body: Buffer.from([1, 2]) }, {});
      expect(JSON.parse(response.body.toString())).toMatchObject({ method, body: '\u0001\u0002' });
    }
  });

  it('fetches through a host name resolved once, connecting to the checked address', async () => {
    const target = await server(echo);
    const { urlFetcher, resolve, log } = fetcher();
    const response = await urlFetcher.fetch(scope, { url: `http://LOOP.test.:${target.port}/` }, {});
    const seen = JSON.parse(response.body.toString()) as { headers: Record<string, string> };
    expect(seen.headers.host).toBe(`loop.test:${target.port}`);
    expect(resolve.calls).toEqual(['loop.test']);
    expect(log.entries[0]).toMatchObject({ address: '127.0.0.1', outcome: 'ok' });
  });

  it('answers HEAD without a body, whatever Content-Length says', async () => {
    const target = await server((_request, response) => {
      response.writeHead(200, { 'content-length': String(50 * 1024 * 1024) }).end();
    });
    const { urlFetcher, log } = fetcher();
    const response = await urlFetcher.fetch(scope, { url: target.origin, method: 'HEAD', maxResponseBytes: 10 }, {});
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(0);
    expect(response.headers['content-length']).toBe(String(50 * 1024 * 1024));
    expect(log.entries[0]).toMatchObject({ method: 'HEAD', outcome: 'ok', bytesIn: 0 });
  });

  it('returns error statuses as responses', async () => {
    const target = await server((_request, response) => response.writeHead(503).end('down'));
    const { urlFetcher, log } = fetcher();
    const response = await urlFetcher.fetch(scope, { url: target.origin }, {});
    expect(response.status).toBe(503);
    expect(response.body.toString()).toBe('down');
    expect(log.entries[0]).toMatchObject({ outcome: 'ok', status: 503 });
  });
});

describe('UrlFetcher: redirects', () => {
  it('follows redirects and lists the hops', async () => {
    const target = await server((request, response) => {
      if (request.url === '/one') response.writeHead(301, { location: '/two' }).end('moved');
      else if (request.url === '/two') response.writeHead(307, { location: `${target.origin}/three?x=1` }).end();
      else echo(request, response);
    });
    const { urlFetcher, log } = fetcher();
    const response = await urlFetcher.fetch(scope, { url: `${target.origin}/one` }, {});
    expect(response.status).toBe(200);
    expect(response.redirects).toEqual([`${target.origin}/two`, `${target.origin}/three?x=1`]);
    expect(response.finalUrl).toBe(`${target.origin}/three?x=1`);
    expect(target.requests.map((request) => request.url)).toEqual(['/one', '/two', '/three?x=1']);
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({
      url: `${target.origin}/one`,
      finalUrl: `${target.origin}/three?x=1`,
      status: 200,
      outcome: 'ok',
    });
  });

  it('turns POST into GET without body on 302 and 303, keeps it on 307 and 308', async () => {
    const target = await server((request, response) => {
      const code = Number(request.url.slice(1));
      if ([302, 303, 307, 308].includes(code)) response.writeHead(code, { location: '/done' }).end();
      else echo(request, response);
    });
    const { urlFetcher } = fetcher();
    const post = (code: number) =>
      urlFetcher.fetch(
        scope,
        { url: `${target.origin}/${code}`, method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } },
        {},
      );
    for (const code of [302, 303]) {
      const seen = JSON.parse((await post(code)).body.toString()) as { method: string; body: string; headers: object };
      expect(seen).toMatchObject({ method: 'GET', body: '' });
      expect(seen.headers).not.toHaveProperty('content-type');
      expect(seen.headers).not.toHaveProperty('content-length');
    }
    for (const code of [307, 308]) {
      const seen = JSON.parse((await post(code)).body.toString()) as { method: string; body: string };
      expect(seen).toMatchObject({ method: 'POST', body: 'payload' });
    }
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const other = await server(echo);
    const target = await server((_request, response) =>
      response.writeHead(302, { location: `${other.origin}/landing` }).end(),
    );
    const { urlFetcher } = fetcher();
    const response = await urlFetcher.fetch(
      scope,
      { url: target.origin, headers: { Authorization: 'Bearer secret', Cookie: 'sid=1', 'X-Keep': 'kept' } },
      {},
    );
    const seen = JSON.parse(response.body.toString()) as { headers: Record<string, string> };
    expect(seen.headers).not.toHaveProperty('authorization');
    expect(seen.headers).not.toHaveProperty('cookie');
    expect(seen.headers['x-keep']).toBe('kept');
    expect(target.requests[0]?.headers.authorization).toBe('Bearer secret');
  });

  it('stops after five redirects', async () => {
    const target = await server((request, response) => {
      const n = Number(request.url.slice(1)) || 0;
      response.writeHead(302, { location: `/${n + 1}` }).end();
    });
    const { urlFetcher, log } = fetcher();
    const error = await failure(urlFetcher.fetch(scope, { url: `${target.origin}/0` }, {}));
    expect(error.code).toBe('failed-dependency');
    expect(error.message).toBe('more than 5 redirects');
    expect(target.requests).toHaveLength(6);
    expect(log.entries[0]).toMatchObject({ outcome: 'failed', status: 302, finalUrl: `${target.origin}/5` });
  });

  it('returns a redirect status without Location as it is, body included', async () => {
    const target = await server((_request, response) => response.writeHead(302).end('nowhere to go'));
    const { urlFetcher } = fetcher();
    const response = await urlFetcher.fetch(scope, { url: target.origin }, {});
    expect(response).toMatchObject({ status: 302, redirects: [] });
    expect(response.body.toString()).toBe('nowhere to go');
  });

  it('returns the redirect itself when told not to follow', async () => {
    const target = await server((_request, response) => response.writeHead(302, { location: '/next' }).end('see'));
    const { urlFetcher } = fetcher();
    const response = await urlFetcher.fetch(scope, { url: target.origin, followRedirects: false }, {});
    expect(response).toMatchObject({ status: 302, redirects: [], finalUrl: `${target.origin}/` });
    expect(response.headers.location).toBe('/next');
    expect(response.body.toString()).toBe('see');
    expect(target.requests).toHaveLength(1);
  });
});
