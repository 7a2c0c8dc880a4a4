/**
 * Test-only helpers for the docker driver's integration tests: a tiny WSGI app that reports
 * what it sees from inside its container, its launch request, and HTTP over a Unix socket.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAppManifest } from '../../protocol/app-manifest';
import { DEFAULT_GUNICORN_OPTIONS, gunicornLaunchSpec } from '../../toolchain/python/gunicorn-launch';
import type { DriverStartRequest } from '../driver';

/** The Docker Engine API socket the tests use; unset = the suite is skipped. */
export const TEST_DOCKER_SOCKET = process.env.SLIPWAY_TEST_DOCKER_SOCKET;

/** Says why a docker suite does not run, so a skipped suite is never mistaken for a pass. */
export function warnWhenSkipped(suite: string): void {
  if (TEST_DOCKER_SOCKET) return;
  console.warn(`${suite} skipped: SLIPWAY_TEST_DOCKER_SOCKET is unset (scripts/test.sh starts Podman and sets it)`);
}

/** A WSGI app whose routes answer questions about its sandbox. */
const PROBE_APP = `
import json, os, socket

def app(environ, start_response):
    route = environ.get('PATH_INFO', '/')
    query = environ.get('QUERY_STRING', '')
    if route == '/env':
        body = os.environ.get('GREETING', '')
    elif route == '/whoami':
        body = '%d:%d' % (os.getuid(), os.getgid())
    elif route == '/connect':
        host, port = query.split(':')
        try:
            socket.create_connection((host, int(port)), timeout=5).close()
            body = 'connected'
        except OSError as error:
            body = 'failed: %s' % error
    elif route == '/services':
        import slipway
        body = json.dumps([user.name for user in slipway.users.list()])
    elif route == '/write':
        target = os.path.join(os.environ['SLIPWAY_APP_DATA_DIR'], 'written.txt')
        with open(target, 'w') as handle:
            handle.write('from the container')
        body = 'ok'
    elif route == '/write-root':
        try:
            open('/app/slipway-was-here', 'w').close()
            body = 'wrote'
        except OSError as error:
            body = 'failed: %s' % error
    elif route == '/fork':
        children = []
        for _ in range(int(query)):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                import time
                time.sleep(30)
                os._exit(0)
            children.append(pid)
        for pid in children:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        body = 'forked %d' % len(children)
    elif route == '/alloc':
        block = bytearray(int(query) * 1024 * 1024)
        for offset in range(0, len(block), 4096):
            block[offset] = 1
        body = 'allocated %s MB' % query
    elif route == '/say':
        print('said: %s' % query, flush=True)
        body = 'ok'
    else:
        body = 'hello'
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [body.encode()]
`;

const probeRoots: string[] = [];

/** Removes the temp folders of every probe app made so far (call after their containers stopped). */
export async function removeProbeApps(): Promise<void> {
  for (const root of probeRoots.splice(0)) await rm(root, { recursive: true, force: true });
}

/** Host folders of one probe app instance, under a fresh temp folder. */
export async function probeAppRequest(
  instanceId: string,
  env: Record<string, string> = {},
): Promise<DriverStartRequest> {
  const root = await mkdtemp(path.join(tmpdir(), 'slipway-docker-'));
  probeRoots.push(root);
  const layout = {
    projectDir: path.join(root, 'project'),
    outputDir: path.join(root, 'build'),
    socketDir: path.join(root, 'sockets'),
    dataDir: path.join(root, 'data'),
  };
  for (const dir of Object.values(layout)) await mkdir(dir, { recursive: true });
  await writeFile(path.join(layout.outputDir, 'app.py'), PROBE_APP);
  const manifest = parseAppManifest(
    JSON.stringify({ name: 'probe', runtime: 'python', kind: 'wsgi', entry: 'app:app', env }),
  );
  const spec = gunicornLaunchSpec(layout, manifest, { ...DEFAULT_GUNICORN_OPTIONS, workers: 1 });
  return {
    instanceId,
    appId: 'app-probe',
    versionId: 'version-1',
    tenantId: 'tenant-1',
    spec,
    layout,
    limits: { memoryMb: 96, pids: 64 },
  };
}

/** GET over a Unix socket; rejects when nothing answers. */
export function getOverSocket(socketPath: string, urlPath: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ socketPath, path: urlPath, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    outgoing.on('error', reject);
    outgoing.on('timeout', () => outgoing.destroy(new Error(`GET ${urlPath} timed out`)));
    outgoing.end();
  });
}

/** Polls until the socket answers any HTTP request (the instance is ready) or `attempts` run out. */
export async function waitUntilAnswers(socketPath: string, attempts = 200): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (
      await getOverSocket(socketPath, '/').then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing answered on ${socketPath}`);
}
