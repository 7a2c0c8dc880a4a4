import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAppManifest, type AppManifest } from '../../protocol/app-manifest';
import { InstanceProcess } from '../../runtime/instance-process';
import type { InstanceLayout } from '../toolchain';
import { JavaToolchain } from './java-toolchain';
import {
  HELLO_SERVLET,
  classesSnapshot,
  get,
  heavySources,
  isAlive,
  median,
  replaceInFile,
  timed,
} from './java-test-support';

// The launcher cache survives between runs (it is keyed by a hash of the sources, the JDK and
// Tomcat), so only the first run pays for javac + jar + the class-data archive (~5–15 s).
const cacheDir = path.join(tmpdir(), 'slipway-java-toolchain-test-cache');
const repositoryRoot = path.resolve(import.meta.dirname, '../../..');

let root: string;
let toolchain: JavaToolchain;
const instances: InstanceProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-java-toolchain-'));
  toolchain = await JavaToolchain.create({ cacheDir, log: (line) => console.log(line) });
}, 120_000);

afterAll(async () => {
  for (const instance of instances) await instance.dispose();
  await toolchain?.dispose();
  await rm(root, { recursive: true, force: true });
});

interface TestProject {
  layout: InstanceLayout;
  manifest: AppManifest;
  log: string[];
  build(options?: { instance?: InstanceProcess; signal?: AbortSignal }): ReturnType<JavaToolchain['build']>;
}

async function project(template: string): Promise<TestProject> {
  const base = await mkdtemp(path.join(root, `${template}-`));
  const layout: InstanceLayout = {
    projectDir: path.join(base, 'project'),
    outputDir: path.join(base, 'build'),
    socketDir: path.join(base, 'sockets'),
    dataDir: path.join(base, 'data'),
  };
  await cp(path.join(repositoryRoot, 'templates', template), layout.projectDir, { recursive: true });
  for (const dir of [layout.outputDir, layout.socketDir, layout.dataDir]) await mkdir(dir, { recursive: true });
  const manifest = parseAppManifest(await readFile(path.join(layout.projectDir, 'slipway.json'), 'utf8'));
  const log: string[] = [];
  return {
    layout,
    manifest,
    log,
    build: (options = {}) =>
      toolchain.build({
        projectDir: layout.projectDir,
        outputDir: layout.outputDir,
        manifest,
        signal: options.signal ?? new AbortController().signal,
        log: (line) => log.push(line),
        ...(options.instance ? { instance: options.instance } : {}),
      }),
  };
}

async function launch(app: TestProject, purpose: 'preview' | 'production'): Promise<InstanceProcess> {
  const instance = new InstanceProcess(app.layout, toolchain.launchSpec(app.layout, app.manifest, purpose));
  instances.push(instance);
  instance.onDidOutput((line) => app.log.push(`[${line.stream}] ${line.text}`));
  await instance.waitUntilReady(30_000);
  return instance;
}

describe('JavaToolchain (real JVM in bwrap)', () => {
  it('java-hello preview: builds warm, reloads edits in the same JVM, survives errors and crashes', async () => {
    const app = await project('java-hello');
    const instance = await launch(app, 'preview');
    const pid = instance.pid;

    // First build inside the preview JVM (its output started empty), then serve it.
    expect(await app.build({ instance })).toEqual({ ok: true, diagnostics: [] });
    await toolchain.reload(instance, app.manifest);
    const home = await get(instance.hostSocketPath, '/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('<h1>Hello, Servlet</h1>');
    expect((await get(instance.hostSocketPath, '/hello?name=Ada')).body).toContain('<h1>Hello, Ada!</h1>');
    expect((await get(instance.hostSocketPath, '/status')).body).toContain('"status":"ok"');
    // Tomcat logs the request after the response has gone out.
    await expect.poll(() => app.log.some((line) => line.includes('@slipway access GET /status 200'))).toBe(true);

    // Save → build → reload → visible, repeatedly, without a new JVM.
    const servlet = path.join(app.layout.projectDir, HELLO_SERVLET);
    const rounds: number[] = [];
    for (let round = 1; round <= 8; round++) {
      await replaceInFile(servlet, /This page was rendered by[^<]*</, `This page was rendered by v${round} <`);
      const [result, ms] = await timed(async () => {
        const built = await app.build({ instance });
        await toolchain.reload(instance, app.manifest);
        return built;
      });
      expect(result.ok).toBe(true);
      rounds.push(ms);
      expect((await get(instance.hostSocketPath, '/hello')).body).toContain(`rendered by v${round} <`);
    }
    const compiles = app.log
      .filter((line) => line.startsWith('javac (warm, incremental)'))
      .slice(-rounds.length)
      .map((line) => Number(/in ([\d.]+) ms$/.exec(line)?.[1]));
    console.log(
      `warm save → build → reload → GET: p50 ${median(rounds)} ms (${rounds.join(', ')}); ` +
        `in-JVM build p50 ${median(compiles)} ms (${compiles.join(', ')})`,
    );
    expect(instance.pid).toBe(pid);
    expect(isAlive(pid)).toBe(true);

    // A compile error: the old classes keep serving, the diagnostic points at the mistake.
    await replaceInFile(servlet, 'String greeting = ', 'int broken = "text"; String greeting = ');
    const broken = await app.build({ instance });
    expect(broken.ok).toBe(false);
    const text = await readFile(servlet, 'utf8');
    const lineIndex = text.split('\n').findIndex((line) => line.includes('int broken'));
    const column = text.split('\n')[lineIndex]!.indexOf('"text"') + 1;
    expect(broken.diagnostics).toContainEqual(
      expect.objectContaining({
        file: HELLO_SERVLET,
        line: lineIndex + 1,
        column,
        severity: 'error',
        source: 'javac',
        code: 'compiler.err.prob.found.req',
      }),
    );
    expect((await get(instance.hostSocketPath, '/hello')).body).toContain('rendered by v8 <');

    // Fixed again: back to normal.
    await replaceInFile(servlet, 'int broken = "text"; ', '');
    await replaceInFile(servlet, 'rendered by v8 <', 'rendered by the fixed servlet <');
    expect(await app.build({ instance })).toEqual({ ok: true, diagnostics: [] });
    await toolchain.reload(instance, app.manifest);
    expect((await get(instance.hostSocketPath, '/hello')).body).toContain('rendered by the fixed servlet <');

    // A servlet that throws: a 500 and a logged stack trace, not a dead instance.
    await writeFile(
      path.join(path.dirname(servlet), 'CrashServlet.java'),
      `package com.example.hello;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

@WebServlet("/crash")
public class CrashServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        throw new IllegalStateException("boom from the crash servlet");
    }
}
`,
    );
    expect((await app.build({ instance })).ok).toBe(true);
    await toolchain.reload(instance, app.manifest);
    expect((await get(instance.hostSocketPath, '/crash')).status).toBe(500);
    await expect.poll(() => app.log.some((line) => line.includes('boom from the crash servlet'))).toBe(true);
    expect((await get(instance.hostSocketPath, '/')).status).toBe(200);

    // A static file change shows without restarting the app.
    await replaceInFile(
      path.join(app.layout.projectDir, 'src/main/webapp/index.html'),
      '<h1>Hello, Servlet',
      '<h1>Hi, Servlet',
    );
    expect((await app.build({ instance })).ok).toBe(true);
    await toolchain.reload(instance, app.manifest);
    expect((await get(instance.hostSocketPath, '/')).body).toContain('<h1>Hi, Servlet</h1>');

    // A JSP is refused, never served as source.
    await writeFile(path.join(app.layout.projectDir, 'src/main/webapp/secret.jsp'), '<% String password = "x"; %>');
    expect((await app.build({ instance })).ok).toBe(true);
    const jsp = await get(instance.hostSocketPath, '/secret.jsp');
    expect(jsp.status).toBe(501);
    expect(jsp.body).not.toContain('password');

    // An aborted build (a newer save supersedes it) leaves the previous classes untouched.
    const before = await classesSnapshot(app.layout.outputDir);
    await heavySources(path.join(app.layout.projectDir, 'src/main/java/com/example/heavy'));
    const controller = new AbortController();
    const aborted = app.build({ instance, signal: controller.signal });
    setTimeout(() => controller.abort(), 400);
    await expect(aborted).rejects.toThrow(/abort/i);
    expect(await classesSnapshot(app.layout.outputDir)).toEqual(before);
    await rm(path.join(app.layout.projectDir, 'src/main/java/com/example/heavy'), { recursive: true });
    expect((await app.build({ instance })).ok).toBe(true);
    expect(instance.pid).toBe(pid);

    await instance.dispose();
    expect(isAlive(pid)).toBe(false);
  }, 90_000);

  it('java-hello preview, as the preview layer runs it: cold build, launch, then each save warm', async () => {
    const app = await project('java-hello');
    // PreviewSession: the first build has no instance (cold), then the instance is launched.
    expect(await app.build()).toEqual({ ok: true, diagnostics: [] });
    const instance = await launch(app, 'preview');
    const servlet = path.join(app.layout.projectDir, HELLO_SERVLET);
    const home = (await get(instance.hostSocketPath, '/')).body;
    expect(home).toContain('<h1>Hello, Servlet</h1>');
    expect((await get(instance.hostSocketPath, '/hello')).body).toContain('<p>This page was rendered by <code>');

    // Saved at once, like the preview test does: the JVM's background warm-up compile may already
    // see this edit (then the build installs that full compile) or not (then it compiles one file).
    await replaceInFile(servlet, 'This page was rendered by', 'Edited in Slipway');
    expect(await app.build({ instance })).toEqual({ ok: true, diagnostics: [] });
    expect(app.log.filter((line) => line.startsWith('javac')).at(-1)).toMatch(/^javac \(warm, /);
    await toolchain.reload(instance, app.manifest);
    expect((await get(instance.hostSocketPath, '/hello')).body).toContain('<p>Edited in Slipway <code>');
    // `/` is the template's static index.html: a servlet edit leaves it as it was.
    expect((await get(instance.hostSocketPath, '/')).body).toBe(home);

    // The second save builds on the first: one file, and the reload serves it.
    await replaceInFile(servlet, 'Edited in Slipway', 'Edited again in Slipway');
    expect(await app.build({ instance })).toEqual({ ok: true, diagnostics: [] });
    expect(app.log.filter((line) => line.startsWith('javac')).at(-1)).toMatch(/^javac \(warm, incremental\): 1 of 2 /);
    await toolchain.reload(instance, app.manifest);
    expect((await get(instance.hostSocketPath, '/hello')).body).toContain('<p>Edited again in Slipway <code>');
    await instance.dispose();
  }, 60_000);

  it('java-purchase-requests: a cold build serves in a production instance, and a cold abort leaves nothing', async () => {
    const app = await project('java-purchase-requests');
    const [result, coldMs] = await timed(() => app.build());
    expect(result).toEqual({ ok: true, diagnostics: [] });
    console.log(`cold build (fresh sandboxed JVM) of java-purchase-requests: ${coldMs} ms`);
    expect(app.log.some((line) => line.includes('javac (cold, full): 11 of 11 source files'))).toBe(true);

    const instance = await launch(app, 'production');
    const page = await get(instance.hostSocketPath, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Purchase requests');
    expect((await get(instance.hostSocketPath, '/css/app.css')).status).toBe(200);

    // A production instance has no compiler: a build given it falls back to a cold one.
    const fallback = await app.build({ instance });
    expect(fallback.ok).toBe(true);
    expect(app.log.at(-1)).toMatch(/^javac \(cold, full\)/);

    // Abort a cold build mid-compile: rejected, classes untouched, no sandbox left running.
    const before = await classesSnapshot(app.layout.outputDir);
    await heavySources(path.join(app.layout.projectDir, 'src/main/java/com/example/heavy'));
    const controller = new AbortController();
    const aborted = app.build({ signal: controller.signal });
    setTimeout(() => controller.abort(), 700);
    await expect(aborted).rejects.toThrow(/abort/i);
    expect(await classesSnapshot(app.layout.outputDir)).toEqual(before);
    expect(childCommands().filter((command) => command.includes('--mode build'))).toEqual([]);
    await instance.dispose();
  }, 90_000);

  it('java-purchase-requests preview: compiles one file per body edit, and everything when an API changes', async () => {
    const app = await project('java-purchase-requests');
    // As the preview layer does it: a cold build first, then the instance. Its JVM compiles the
    // sources in the background, finds the same classes in the output and adopts them, so even
    // its first build is incremental.
    expect((await app.build()).ok).toBe(true);
    const instance = await launch(app, 'preview');
    const sources = path.join(app.layout.projectDir, 'src/main/java/com/example/purchases');
    const rebuild = async (): Promise<{ ok: boolean; summary: string; errorsIn: string[] }> => {
      const result = await app.build({ instance });
      if (result.ok) await toolchain.reload(instance, app.manifest);
      const errorsIn = result.diagnostics.filter((found) => found.severity === 'error').map((found) => found.file);
      return { ok: result.ok, summary: app.log.filter((line) => line.startsWith('javac')).at(-1) ?? '', errorsIn };
    };
    const unchanged = await rebuild();
    expect([unchanged.ok, unchanged.summary]).toEqual([
      true,
      expect.stringMatching(/incremental\): 0 of 11/) as string,
    ]);
    expect((await get(instance.hostSocketPath, '/')).body).toContain('0 requests, 0.00 in total');

    // A method body: one file.
    await replaceInFile(path.join(sources, 'RequestListServlet.java'), '%d %s, %s in total', '%d %s, %s altogether');
    const edited = await rebuild();
    expect([edited.ok, edited.summary]).toEqual([true, expect.stringMatching(/incremental\): 1 of 11/) as string]);
    expect((await get(instance.hostSocketPath, '/')).body).toContain('0 requests, 0.00 altogether');

    // A renamed method: the files calling it are compiled again, and fail.
    await replaceInFile(path.join(sources, 'Html.java'), /\bescape\(/g, 'escapeText(');
    const renamed = await rebuild();
    expect([renamed.ok, renamed.summary]).toEqual([false, expect.stringMatching(/full\): 11 of 11/) as string]);
    expect(renamed.errorsIn).toContain('src/main/java/com/example/purchases/RequestListServlet.java');
    await replaceInFile(path.join(sources, 'Html.java'), /\bescapeText\(/g, 'escape(');

    // A constant is copied into the classes that use it: changing it recompiles them too.
    await replaceInFile(
      path.join(sources, 'Html.java'),
      '    private Html() {}',
      '    static final String TOTAL = "in total";\n\n    private Html() {}',
    );
    await replaceInFile(
      path.join(sources, 'RequestListServlet.java'),
      '"%d %s, %s altogether"',
      '("%d %s, %s " + Html.TOTAL)',
    );
    expect((await rebuild()).ok).toBe(true);
    expect((await get(instance.hostSocketPath, '/')).body).toContain('0.00 in total');
    await replaceInFile(path.join(sources, 'Html.java'), '"in total"', '"summed up"');
    const constant = await rebuild();
    expect([constant.ok, constant.summary]).toEqual([true, expect.stringMatching(/full\)/) as string]);
    expect((await get(instance.hostSocketPath, '/')).body).toContain('0.00 summed up');

    // A deleted file: a full build, whose errors name the files that used it.
    await rm(path.join(sources, 'Html.java'));
    const deleted = await rebuild();
    expect(deleted.ok).toBe(false);
    expect(deleted.errorsIn).toContain('src/main/java/com/example/purchases/RequestListServlet.java');
    expect((await get(instance.hostSocketPath, '/')).body).toContain('0.00 summed up');
    await instance.dispose();
  }, 60_000);

  it('kills a preview JVM whose compile does not answer and builds cold instead', async () => {
    const impatient = await JavaToolchain.create({ cacheDir, timeouts: { warmCompileMs: 1 } });
    try {
      const app = await project('java-hello');
      const instance = await launch(app, 'preview');
      const exited = new Promise((resolve) => instance.onDidExit(resolve));
      const result = await impatient.build({
        projectDir: app.layout.projectDir,
        outputDir: app.layout.outputDir,
        manifest: app.manifest,
        signal: new AbortController().signal,
        log: (line) => app.log.push(line),
        instance,
      });
      expect(result.ok).toBe(true);
      await exited;
      expect(app.log).toContain('the preview JVM did not answer the compile; stopping it and building in a fresh JVM');
    } finally {
      await impatient.dispose();
    }
  }, 60_000);

  it('ends a running cold build when disposed', async () => {
    const separate = await JavaToolchain.create({ cacheDir });
    const app = await project('java-hello');
    await heavySources(path.join(app.layout.projectDir, 'src/main/java/com/example/heavy'));
    const building = separate.build({
      projectDir: app.layout.projectDir,
      outputDir: app.layout.outputDir,
      manifest: app.manifest,
      signal: new AbortController().signal,
      log: () => undefined,
    });
    await expect.poll(() => childCommands().some((command) => command.includes('--mode build'))).toBe(true);
    await separate.dispose();
    expect((await building).ok).toBe(false);
    expect(childCommands().filter((command) => command.includes('--mode build'))).toEqual([]);
    await expect(
      separate.build({
        ...app.layout,
        manifest: app.manifest,
        signal: new AbortController().signal,
        log: () => undefined,
      }),
    ).rejects.toThrow(/disposed/);
  }, 30_000);
});

/** Command lines of this test process's children (sandboxes it started). */
function childCommands(): string[] {
  try {
    return execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // ps exits 1 when there are none
  }
}
