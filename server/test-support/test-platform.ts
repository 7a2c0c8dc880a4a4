import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../gateway/gateway-test-support';
import { readConfig, type PlatformConfig } from '../config';
import { createConsoleLogger } from '../core/logger';
import { startPlatform, type Platform } from '../main';
import type { SessionDto } from '../protocol/identity';
import { CSRF_HEADER } from '../protocol/problem';
import { createTestDatabase } from './test-databases';
import { PreviewTestToolchain } from '../preview/preview-test-toolchain';
import type { Toolchain } from '../toolchain/toolchain';

export const TEST_ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };
/** The repository's root folder. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A platform in a temporary data directory, driven in-process through its API. */
export interface TestPlatform {
  platform: Platform;
  dataDir: string;
  /** A client that is not signed in. */
  anonymous(): ApiTestClient;
  /** Signs in and returns a client carrying the cookie and CSRF token. */
  login(email: string, password: string): Promise<ApiTestClient>;
  close(): Promise<void>;
}

/** Starts a platform without the web UI; `listen` opens a loopback port for WebSocket tests. */
export async function startTestPlatform(
  options: {
    dialect?: 'sqlite' | 'postgres';
    listen?: boolean;
    configure?: (config: PlatformConfig) => void;
    /** Real Java/Python toolchains instead of the preview layer's test stand-in. */
    realToolchains?: boolean;
    /** Runs the app gateway (nginx) on a free loopback port; apps are `<app>.<tenant>.apps.localhost`. */
    gateway?: boolean;
  } = {},
): Promise<TestPlatform> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'slipway-test-'));
  const database = await createTestDatabase(options.dialect ?? 'sqlite', dataDir);
  const config = readConfig(
    ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir],
    { SLIPWAY_ADMIN_EMAIL: TEST_ADMIN.email, SLIPWAY_ADMIN_PASSWORD: TEST_ADMIN.password },
    REPO_ROOT,
  );
  config.publicUrl = new URL('http://slipway.test');
  if (database.location.kind === 'postgres') config.databaseUrl = database.location.url;
  if (options.gateway) {
    const port = await freePort();
    config.gateway = { ...config.gateway, port, appsUrl: new URL(`http://apps.localhost:${port}`) };
  }
  options.configure?.(config);
  const platform = await startPlatform(config, {
    web: false,
    listen: options.listen ?? false,
    passwordCost: { N: 1024, r: 8, p: 1 },
    log: createConsoleLogger({ quiet: true }),
    ...(options.realToolchains ? {} : { toolchains: testToolchains() }),
    gateway: options.gateway ?? false,
  });
  const client = (cookie?: string, csrf?: string) => new ApiTestClient(platform, cookie, csrf);
  return {
    platform,
    dataDir,
    anonymous: () => client(),
    async login(email, password) {
      const response = await client().post('/auth/login', { email, password });
      if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const session = (await response.json()) as SessionDto;
      return client(cookie, session.csrfToken);
    },
    async close() {
      await platform.dispose();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function testToolchains(): Record<'java' | 'python', Toolchain> {
  const toolchain = new PreviewTestToolchain();
  return { java: toolchain, python: toolchain };
}

/** Sends requests to `/api/v1` in-process, as a same-origin browser would. */
export class ApiTestClient {
  constructor(
    private readonly platform: Platform,
    readonly cookie?: string,
    readonly csrfToken?: string,
  ) {}

  request(
    method: string,
    apiPath: string,
    init: { body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { origin: 'http://slipway.test', ...init.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET') headers[CSRF_HEADER] = this.csrfToken;
    return Promise.resolve(
      this.platform.api.request(`http://slipway.test/api/v1${apiPath}`, {
        method,
        headers,
        ...(init.body ? { body: init.body } : {}),
      }),
    );
  }

  get(apiPath: string): Promise<Response> {
    return this.request('GET', apiPath);
  }

  post(apiPath: string, body?: unknown): Promise<Response> {
    return this.request('POST', apiPath, jsonInit(body));
  }

  put(apiPath: string, body: BodyInit, contentType = 'text/plain'): Promise<Response> {
    return this.request('PUT', apiPath, { body, headers: { 'content-type': contentType } });
  }

  delete(apiPath: string): Promise<Response> {
    return this.request('DELETE', apiPath);
  }

  async json<T>(method: 'GET' | 'POST', apiPath: string, body?: unknown): Promise<T> {
    const response = method === 'GET' ? await this.get(apiPath) : await this.post(apiPath, body);
    if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}

function jsonInit(body: unknown): { body?: string; headers?: Record<string, string> } {
  return body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}
