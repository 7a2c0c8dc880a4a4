import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createConsoleLogger } from '../../core/logger';
import { openDatabase } from '../../db/database';
import type { Database } from '../../db/schema';
import { createTestDatabase } from '../../test-support/test-databases';
import type { TaskSigner } from './task-signature';
import type { TaskScope } from './task-store';
import type { TaskEndpoint, TaskTargets } from './task-targets';

const cleanups: (() => Promise<unknown>)[] = [];

/** Disposes what the test opened, newest first; call from afterEach. */
export async function disposeTaskTests(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** Runs `release` when the test ends (newest first). */
export function onTestEnd(release: () => Promise<unknown>): void {
  cleanups.push(release);
}

/** A fresh migrated database of `dialect`, and a way to open a second connection pool on it. */
export async function openTaskDatabase(
  dialect: 'sqlite' | 'postgres',
): Promise<{ db: Kysely<Database>; openAnother: () => Promise<Kysely<Database>>; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-tasks-'));
  const database = await createTestDatabase(dialect, dir);
  cleanups.push(
    () => rm(dir, { recursive: true, force: true }),
    () => database.drop(),
  );
  const open = async () => {
    const db = await openDatabase(database.location);
    cleanups.push(() => db.destroy());
    return db;
  };
  return { db: await open(), openAnother: open, dir };
}

export const production: TaskScope = { tenantId: 'tenant-a', appId: 'app-1', environment: 'production' };
export const preview: TaskScope = { tenantId: 'tenant-a', appId: 'project-1', environment: 'preview' };

/** An Ed25519 key like the gateway's, signing as the platform does. */
export function testSigner(): { sign: TaskSigner; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    sign: (text) => sign(null, Buffer.from(text), privateKey).toString('base64url'),
    publicKeyBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/** A request the stand-in instance received. */
export interface ReceivedCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP server on a Unix socket standing in for an app instance; `answer` decides each reply. */
export class StandInInstance {
  readonly calls: ReceivedCall[] = [];
  answer: (call: ReceivedCall) => { status: number; body?: string; headers?: Record<string, string> } | 'hang' =
    () => ({
      status: 200,
    });

  private constructor(
    private readonly server: Server,
    readonly socketPath: string,
  ) {}

  static async start(dir: string, name = 'app.sock'): Promise<StandInInstance> {
    const socketPath = path.join(dir, name);
    const server = createServer();
    const instance = new StandInInstance(server, socketPath);
    server.on('request', (request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const call = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
        instance.calls.push(call);
        const reply = instance.answer(call);
        if (reply === 'hang') return;
        response.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return instance;
  }

  /** A TaskTargets answering this instance for the scopes in `reachable` (previews wait otherwise). */
  targets(reachable: TaskScope[] = [production]): TaskTargets & { reachable: TaskScope[] } {
    const endpoint: TaskEndpoint = {
      endpoint: { kind: 'unix', path: this.socketPath },
      origin: 'https://app.example.test',
    };
    const same = (a: TaskScope, b: TaskScope) =>
      a.tenantId === b.tenantId && a.appId === b.appId && a.environment === b.environment;
    const targets = {
      reachable,
      runningPreviews: () => targets.reachable.filter((s) => s.environment === 'preview').map((s) => s.appId),
      endpointFor: (scope: TaskScope) =>
        Promise.resolve(targets.reachable.some((s) => same(s, scope)) ? endpoint : undefined),
    };
    return targets;
  }
}

/** A logger that keeps quiet but errors (tests). */
export const quietLog = createConsoleLogger({ quiet: true });

/** Polls `check` until it holds, or fails after `timeoutMs` (no timed assertions: generous). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
