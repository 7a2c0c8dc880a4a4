/**
 * Test-only drivers that build and run app templates the way the platform will: javac and
 * embedded Tomcat for servlets, wsgiref and gunicorn for WSGI, an RFC 3875 environment for CGI.
 * Used by templates.int.test.ts; nothing here ships.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';
import type { AppManifest } from '../protocol/app-manifest';
import { SDK_SOURCES } from '../toolchain/java/launcher-cache';
import { PYTHON_SDK_DIR } from '../toolchain/python/gunicorn-launch';
import {
  filesUnder,
  firstLineMatching,
  run,
  startProcess,
  stderrOf,
  stopProcess,
  waitFor,
} from './template-test-processes';

export { filesUnder, run, stopStartedProcesses } from './template-test-processes';

// Real toolchains, as on the platform's nodes (see shared/TOOLCHAIN-NOTES.md).
const jdkBin = '/usr/lib/jvm/java-17-openjdk-amd64/bin';
const javaLibDir = '/usr/share/java';
const servletApiJar = join(javaLibDir, 'tomcat10-embed-core.jar'); // contains jakarta.servlet 6.0
// Tomcat embed needs jakarta.annotation at start-up; without Jasper it logs a failed "jsp" servlet.
const tomcatClassPath = [
  'tomcat10-embed-core.jar',
  'tomcat10-embed-el.jar',
  'tomcat10-embed-jasper.jar',
  'jakarta-annotation-api.jar',
].map((jar) => join(javaLibDir, jar));
/** Debian's interpreter, which apps run on (the `python3` on PATH may be a pyenv shim). */
export const python = '/usr/bin/python3';
const gunicorn = '/usr/bin/gunicorn';

/** One HTTP exchange with an app, whatever runs it. */
export interface AppResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

/** What a scenario sends; a GET without a body unless it says otherwise. */
export interface AppRequest {
  method?: string;
  body?: Buffer | string;
  contentType?: string;
}

/** A running copy of a template, driven the same way whatever its kind. */
export interface AppUnderTest {
  readonly dataDir: string;
  request(path: string, init?: AppRequest): Promise<AppResponse>;
  /** Stops and starts the app again on the same data folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Java: javac, then a throwaway embedded-Tomcat launcher (the platform has its own).

const tomcatLauncherSource = `
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/** Test-only: serves one exploded web app on a loopback port the OS picks, and prints it. */
public final class TemplateLauncher {
    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(args[1]);
        tomcat.setHostname("127.0.0.1");
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getConnector().setPort(0);
        Context context = tomcat.addWebapp("", args[0]);
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
        tomcat.start();
        System.out.println("LISTENING " + tomcat.getConnector().getLocalPort());
        tomcat.getServer().await();
    }
}
`;

const launcherDirs = new Map<string, Promise<string>>();

/** Compiles the launcher once per work folder. */
function compileLauncher(workDir: string): Promise<string> {
  let compiled = launcherDirs.get(workDir);
  if (!compiled) {
    compiled = (async () => {
      const dir = join(workDir, 'tomcat-launcher');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'TemplateLauncher.java'), tomcatLauncherSource);
      await run(join(jdkBin, 'javac'), [
        '--release',
        '17',
        '-cp',
        tomcatClassPath.join(':'),
        '-d',
        dir,
        join(dir, 'TemplateLauncher.java'),
      ]);
      return dir;
    })();
    launcherDirs.set(workDir, compiled);
  }
  return compiled;
}

let sdkClassesDir: Promise<string> | undefined;

/** The Java SDK's classes, compiled once: on every Java app's compile and run classpath, as on Slipway. */
function sdkClasses(): Promise<string> {
  sdkClassesDir ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-sdk-classes-'));
    const sources = filesUnder(SDK_SOURCES).filter((path) => path.endsWith('.java'));
    await run(join(jdkBin, 'javac'), [
      '--release',
      '17',
      '-encoding',
      'UTF-8',
      '-cp',
      servletApiJar,
      '-d',
      dir,
      ...sources,
    ]);
    return dir;
  })();
  return sdkClassesDir;
}

/** Compiles the app's Java sources into its WEB-INF/classes, treating every lint warning as an error. */
export async function compileJava(appDir: string, manifest: AppManifest): Promise<void> {
  const sources = filesUnder(join(appDir, 'src/main/java')).filter((path) => path.endsWith('.java'));
  expect(sources.length).toBeGreaterThan(0);
  const classesDir = join(appDir, manifest.entry, 'WEB-INF/classes');
  await run(join(jdkBin, 'javac'), [
    '--release',
    '17',
    '-Xlint:all',
    '-Werror',
    '-encoding',
    'UTF-8',
    '-cp',
    `${servletApiJar}:${await sdkClasses()}`,
    '-d',
    classesDir,
    ...sources,
  ]);
}

/** Starts a compiled servlet app on embedded Tomcat, on a loopback port. */
export async function startTomcat(
  appDir: string,
  dataDir: string,
  manifest: AppManifest,
  workDir: string,
): Promise<AppUnderTest> {
  const classPath = [await compileLauncher(workDir), ...tomcatClassPath, await sdkClasses()].join(':');
  const webappDir = join(appDir, manifest.entry);
  expect(existsSync(join(webappDir, 'WEB-INF/classes')), 'compile before starting').toBe(true);
  let server: ChildProcess | undefined;
  let port = 0;
  const start = async (): Promise<void> => {
    const baseDir = await mkdtemp(join(workDir, 'tomcat-base-'));
    server = startProcess(
      join(jdkBin, 'java'),
      ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', classPath, 'TemplateLauncher', webappDir, baseDir],
      {
        env: { ...manifest.env, SLIPWAY_APP_DATA_DIR: dataDir },
      },
    );
    port = Number((await firstLineMatching(server, /^LISTENING (\d+)$/, 30_000))[1]);
  };
  const stop = async (): Promise<void> => {
    if (server) await stopProcess(server);
    server = undefined;
  };
  await start();
  return {
    dataDir,
    request: (path, init) => fetchFrom(`http://127.0.0.1:${port}${path}`, init),
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}

async function fetchFrom(url: string, init: AppRequest = {}): Promise<AppResponse> {
  const headers: Record<string, string> = init.contentType ? { 'content-type': init.contentType } : {};
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body),
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: Object.fromEntries(response.headers), body, text: body.toString('utf8') };
}

// ---------------------------------------------------------------------------------------------
// Python WSGI: requests go through wsgiref.validate in one long-lived interpreter; warnings fail.

const wsgiHarnessSource = `
"""Test-only: answers WSGI requests read as JSON lines on stdin, one JSON line each on stdout."""
import base64, importlib, io, json, sys, traceback
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

protocol, sys.stdout = sys.stdout, sys.stderr  # the app's own prints must not garble the replies
app_dir, entry = sys.argv[1], sys.argv[2]
sys.path.insert(0, app_dir)
module_name, attribute = entry.split(":")
app = validator(getattr(importlib.import_module(module_name), attribute))

for line in sys.stdin:
    request = json.loads(line)
    body = base64.b64decode(request["body"])
    path, _, query = request["path"].partition("?")
    environ = {"REQUEST_METHOD": request["method"], "PATH_INFO": path, "QUERY_STRING": query,
               "SCRIPT_NAME": "", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    if request["contentType"]:
        environ["CONTENT_TYPE"] = request["contentType"]
    setup_testing_defaults(environ)
    reply = {}
    def start_response(status, headers, exc_info=None):
        reply["status"], reply["headers"] = status, headers
        return lambda data: None
    try:
        result = app(environ, start_response)
        try:
            reply["body"] = base64.b64encode(b"".join(result)).decode("ascii")
        finally:
            result.close()
    except Exception:
        reply = {"error": traceback.format_exc()}
    protocol.write(json.dumps(reply) + "\\n")
    protocol.flush()
`;

/** What the platform gives every Python app: its data folder, and the Slipway SDK on the path (no services here). */
function pythonPlatformEnv(dataDir: string): Record<string, string> {
  return { SLIPWAY_APP_DATA_DIR: dataDir, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: PYTHON_SDK_DIR };
}

/** Loads a WSGI app in a Python process and sends each request through wsgiref.validate. */
export async function startWsgiHarness(
  appDir: string,
  dataDir: string,
  manifest: AppManifest,
  workDir: string,
): Promise<AppUnderTest> {
  const harnessPath = join(workDir, 'wsgi-harness.py');
  await writeFile(harnessPath, wsgiHarnessSource);
  let harness: ChildProcess | undefined;
  let replies: AsyncIterator<string> | undefined;
  const start = (): void => {
    harness = startProcess(python, ['-W', 'error', harnessPath, appDir, manifest.entry], {
      cwd: appDir,
      env: { ...manifest.env, ...pythonPlatformEnv(dataDir) },
    });
    replies = createInterface({ input: harness.stdout! })[Symbol.asyncIterator]();
  };
  const stop = async (): Promise<void> => {
    if (harness) await stopProcess(harness);
    harness = undefined;
  };
  start();
  return {
    dataDir,
    async request(path, init = {}) {
      const body = Buffer.from(init.body ?? '');
      const line = {
        method: init.method ?? 'GET',
        path,
        contentType: init.contentType ?? '',
        body: body.toString('base64'),
      };
      harness!.stdin!.write(`${JSON.stringify(line)}\n`);
      const next = await replies!.next();
      if (next.done) throw new Error(`the WSGI harness exited: ${stderrOf(harness!)}`);
      const reply = JSON.parse(next.value) as
        { status: string; headers: [string, string][]; body: string } | { error: string };
      if ('error' in reply) throw new Error(`${path} failed inside the app:\n${reply.error}`);
      const responseBody = Buffer.from(reply.body, 'base64');
      const headers = Object.fromEntries(reply.headers.map(([name, value]) => [name.toLowerCase(), value]));
      return {
        status: Number(reply.status.slice(0, 3)),
        headers,
        body: responseBody,
        text: responseBody.toString('utf8'),
      };
    },
    restart: async () => {
      await stop();
      start();
    },
    stop,
  };
}

/** Serves a WSGI app with gunicorn on a Unix socket, as the platform does, and GETs its main page. */
export async function getFromGunicorn(
  appDir: string,
  dataDir: string,
  manifest: AppManifest,
  workDir: string,
): Promise<AppResponse> {
  const socketPath = join(await mkdtemp(join(workDir, 'gunicorn-')), 'app.sock');
  const server = startProcess(
    gunicorn,
    ['--bind', `unix:${socketPath}`, '--workers', '1', '--chdir', appDir, manifest.entry],
    {
      env: { ...manifest.env, ...pythonPlatformEnv(dataDir) },
    },
  );
  try {
    await waitFor(
      () => existsSync(socketPath),
      15_000,
      () => `gunicorn did not listen: ${stderrOf(server)}`,
    );
    return await new Promise<AppResponse>((resolve, reject) => {
      const request = httpRequest({ socketPath, path: '/', headers: { host: 'app.test' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          const headers = Object.fromEntries(
            Object.entries(response.headers).map(([name, value]) => [name, String(value)]),
          );
          resolve({ status: response.statusCode ?? 0, headers, body, text: body.toString('utf8') });
        });
      });
      request.setTimeout(10_000, () => request.destroy(new Error(`gunicorn did not answer: ${stderrOf(server)}`)));
      request.on('error', reject);
      request.end();
    });
  } finally {
    await stopProcess(server);
  }
}
