import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import sharp from 'sharp';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PLATFORM_SERVICES_BASE,
  platformRequests,
  platformResponses,
  SERVICES_SOCKET_NAME,
  type PlatformOperation,
} from '../protocol/platform-services';
import { memberOfNewTenant } from '../test-support/fixtures';
import { REPO_ROOT, startTestPlatform, type TestPlatform } from '../test-support/test-platform';
import { InstanceTokens } from './instance-tokens';
import type { ServiceEnvironment } from './service-scope';
import { postToServices, type ServicesAnswer } from '../test-support/services-socket-client';

// The services as an instance reaches them: HTTP on the services socket of a real platform,
// with tokens signed by the platform's key. The conformance cases are the SDKs' shared cases.

interface Exchange {
  call: string;
  request: { path: string; body: unknown };
  response: { status: number; body: unknown };
  varying?: string[];
}
interface Scenario {
  scenario: string;
  exchanges: Exchange[];
}

let env: TestPlatform;
let tenantId: string;
let otherTenantId: string;
let tokens: InstanceTokens;
let socketPath: string;
let apps = 0;

beforeAll(async () => {
  env = await startTestPlatform();
  tenantId = (await memberOfNewTenant(env, 'services-a', ['developer'])).tenant.id;
  otherTenantId = (await memberOfNewTenant(env, 'services-b', ['developer'])).tenant.id;
  tokens = new InstanceTokens(path.join(env.platform.config.dataDir, 'services', 'tokens.key'));
  socketPath = path.join(env.platform.config.dataDir, 'run', 'services', SERVICES_SOCKET_NAME);
}, 60_000);
afterAll(() => env.close());

async function tokenFor(
  tenant = tenantId,
  environment: ServiceEnvironment = 'preview',
  appId = `app-${++apps}`,
): Promise<string> {
  return tokens.issue({ scope: { tenantId: tenant, appId, environment }, instanceId: `i-${appId}` });
}

function call(token: string | undefined, urlPath: string, body: unknown): Promise<ServicesAnswer> {
  return postToServices(socketPath, token, urlPath, body);
}

/** `value` with every `varying` path replaced by its JSON type, so generated values compare by type. */
function normalized(value: unknown, varying: readonly string[]): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  for (const dotted of varying) {
    const parts = dotted.split('.');
    let holder = copy as Record<string, unknown> | undefined;
    for (const part of parts.slice(0, -1)) holder = holder?.[part] as Record<string, unknown> | undefined;
    const last = parts.at(-1)!;
    if (holder && last in holder) holder[last] = `<${typeof holder[last]}>`;
  }
  return copy;
}

const conformanceDir = path.join(REPO_ROOT, 'sdk', 'conformance');
const scenarioFiles = (await readdir(conformanceDir)).filter((name) => name.endsWith('.json')).sort();
const scenarios: Scenario[] = [];
for (const file of scenarioFiles) {
  scenarios.push(...(JSON.parse(await readFile(path.join(conformanceDir, file), 'utf8')) as Scenario[]));
}

const operationOf = (exchange: Exchange) =>
  exchange.request.path.slice(PLATFORM_SERVICES_BASE.length + 1) as PlatformOperation;

describe('the shared conformance cases against the real services', () => {
  it.each(scenarios.map((scenario) => [scenario.scenario, scenario] as const))('%s', async (_name, scenario) => {
    const token = await tokenFor();
    for (const exchange of scenario.exchanges) {
      const operation = operationOf(exchange);
      // The cases must match the protocol's schemas, which the OpenAPI document is built from.
      expect(platformRequests[operation], `${exchange.call}: no such operation`).toBeDefined();
      // Cases of bad input are meant to break the schema; the others must match it.
      const valid = platformRequests[operation].safeParse(exchange.request.body).success;
      if (exchange.response.status === 200) expect(valid, exchange.call).toBe(true);
      const answer = await call(token, exchange.request.path, exchange.request.body);
      expect(answer.status, `${exchange.call}: ${JSON.stringify(answer.body)}`).toBe(exchange.response.status);
      const varying = exchange.varying ?? [];
      // The server may add members (a problem's `path`, a commit's `deleted`); the case's must all match.
      expect(normalized(answer.body, varying), exchange.call).toMatchObject(
        normalized(exchange.response.body, varying) as Record<string, unknown>,
      );
      if (answer.status === 200) expect(platformResponses[operation].safeParse(answer.body).success).toBe(true);
      else expect(answer.type).toContain('application/problem+json');
    }
  });

  it('describes every operation the cases use in its OpenAPI document', async () => {
    const document = await new Promise<{ paths: Record<string, unknown> }>((resolve, reject) => {
      request(
        { socketPath, path: `${PLATFORM_SERVICES_BASE}/openapi.json`, headers: { host: 'platform' } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          response.on('end', () => resolve(JSON.parse(text) as { paths: Record<string, unknown> }));
        },
      )
        .on('error', reject)
        .end();
    });
    for (const scenario of scenarios) {
      for (const exchange of scenario.exchanges) expect(Object.keys(document.paths)).toContain(exchange.request.path);
    }
  });
});

describe('services socket: tokens, scopes and contracts', () => {
  const put = (token: string | undefined, name: string) =>
    call(token, `${PLATFORM_SERVICES_BASE}/datastore/put`, {
      entities: [{ key: { kind: 'Note', name }, properties: { text: { stringValue: name } } }],
    });
  const get = (token: string, name: string) =>
    call(token, `${PLATFORM_SERVICES_BASE}/datastore/get`, { keys: [{ kind: 'Note', name }] });

  it('refuses calls without a token, or with one this installation did not sign', async () => {
    const missing = await put(undefined, 'x');
    expect(missing.status).toBe(401);
    expect(missing.type).toContain('application/problem+json');
    const forged = await put('s1.eyJ0IjoieCJ9.AAAA', 'x');
    expect(forged.status).toBe(401);
  });

  it('keeps tenants, apps and environments apart: the token decides, never the request', async () => {
    const appId = `shared-${++apps}`;
    const previewToken = await tokenFor(tenantId, 'preview', appId);
    expect((await put(previewToken, 'memo')).status).toBe(200);
    expect(((await get(previewToken, 'memo')).body as { found: unknown[] }).found).toHaveLength(1);
    for (const other of [
      await tokenFor(tenantId, 'production', appId),
      await tokenFor(tenantId, 'preview', `other-${appId}`),
      await tokenFor(otherTenantId, 'preview', appId),
    ]) {
      expect(((await get(other, 'memo')).body as { missing: unknown[] }).missing).toHaveLength(1);
    }
  });

  it('answers a service outside the tenant contract with a 403 naming it', async () => {
    const contracted = (await memberOfNewTenant(env, 'services-c', ['developer'])).tenant.id;
    await env.platform.services.contracts.setContract(contracted, { services: ['images'] });
    const answer = await put(await tokenFor(contracted), 'x');
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'forbidden', service: 'datastore' });
    expect((answer.body as { detail: string }).detail).toContain('"datastore" service is not part of');
  });

  it('says which operations exist when a path is unknown', async () => {
    const answer = await call(await tokenFor(), `${PLATFORM_SERVICES_BASE}/datastore/nope`, {});
    expect(answer.status).toBe(404);
    expect((answer.body as { detail: string }).detail).toContain('openapi.json');
  });

  it('transforms an image sent as the raw body, with the spec in a header', async () => {
    const png = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#204080' } })
      .png()
      .toBuffer();
    const token = await tokenFor();
    const answer = await new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
      (resolve, reject) => {
        const outgoing = request(
          {
            socketPath,
            path: `${PLATFORM_SERVICES_BASE}/images/transform`,
            method: 'POST',
            headers: {
              host: 'platform',
              authorization: `Bearer ${token}`,
              'content-type': 'application/octet-stream',
              'slipway-image-spec': JSON.stringify({
                operations: [{ op: 'thumbnail', size: 16 }],
                output: { format: 'webp' },
              }),
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
            );
          },
        );
        outgoing.on('error', reject);
        outgoing.end(png);
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('image/webp');
    expect(answer.headers['slipway-image-width']).toBe('16');
    expect(await sharp(answer.body).metadata()).toMatchObject({ format: 'webp', width: 16, height: 16 });
  });
});
