import { request, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UrlFetcher } from '../server/services/urlfetch/url-fetcher';
import type { BenchOutcome } from './figure';
import { percentile } from './stats';

const REQUESTS = 400;
const BODY = Buffer.alloc(2048, 'x');

/**
 * Issue 5: URL Fetch's own cost versus a direct request to the same server, in one process:
 * the policy and address checks, the pinned connection, the size and time limits, the audit
 * record (to a no-op sink here; the platform writes it to the database). The server is on
 * loopback, which only the fetcher's test-only allowance admits; nothing leaves the machine.
 */
export async function measureUrlFetchOverhead(): Promise<BenchOutcome> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
    res.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fetcher = new UrlFetcher({
    log: { record: () => undefined },
    resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    testOnlyAllowAddresses: (address, allowedPort) => address === '127.0.0.1' && allowedPort === port,
  });
  const scope = { tenantId: 'bench', appId: 'bench', environment: 'production' as const };
  const url = `http://bench.example:${port}/data`;
  try {
    const direct: number[] = [];
    const fetched: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      let started = performance.now();
      await directGet(port);
      direct.push(performance.now() - started);
      started = performance.now();
      const answer = await fetcher.fetch(scope, { url }, {});
      if (answer.status !== 200) throw new Error(`URL fetch answered ${answer.status}`);
      fetched.push(performance.now() - started);
    }
    const p50Direct = percentile(direct, 50);
    const p50Fetched = percentile(fetched, 50);
    return {
      figures: [
        {
          name: 'URL fetch overhead over a direct request (2 KB GET, new connection each, p50)',
          measured: `${(p50Fetched - p50Direct).toFixed(2)} ms (URL fetch ${p50Fetched.toFixed(2)} ms, direct ${p50Direct.toFixed(2)} ms; p95 ${percentile(fetched, 95).toFixed(2)} / ${percentile(direct, 95).toFixed(2)} ms)`,
          target: '—',
          reference: 'direct Node http request',
          verdict: 'no target',
        },
      ],
      notes: [
        `URL fetch: ${REQUESTS} alternating requests in the bench process to a loopback server; both sides open a ` +
          'new connection per request. An app also pays one services-socket round trip per fetch (the same hop ' +
          'as every datastore call above).',
      ],
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function directGet(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path: '/data', agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve());
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
