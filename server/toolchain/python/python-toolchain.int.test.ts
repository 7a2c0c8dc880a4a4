import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePythonInstanceLine, type PythonAccessEntry } from './python-instance-output';
import { descendantsOf, median, startApp, survivors, type RunningApp } from './python-test-kit';
import { PythonToolchain } from './python-toolchain';

const toolchain = new PythonToolchain();

afterAll(async () => {
  await toolchain.dispose();
});

/** Masters (pids inside the sandbox) that reported workers, per reload generation. */
function mastersByGeneration(app: RunningApp): Map<number, Set<number>> {
  const masters = new Map<number, Set<number>>();
  for (const line of app.lines) {
    const parsed = parsePythonInstanceLine(line);
    if (!line.startsWith('out: ') || parsed.kind !== 'worker-ready') continue;
    const set = masters.get(parsed.worker.generation) ?? new Set<number>();
    set.add(parsed.worker.master);
    masters.set(parsed.worker.generation, set);
  }
  return masters;
}

describe('python-hello', () => {
  let app: RunningApp;
  let appPath: string;
  let original: string;

  beforeAll(async () => {
    app = await startApp(toolchain, 'python-hello');
    appPath = path.join(app.layout.projectDir, 'app.py');
    original = await readFile(appPath, 'utf8');
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Saves app.py with a new heading, builds, reloads; returns the timings. */
  async function saveHeading(heading: string): Promise<{ buildMs: number; reloadMs: number }> {
    await writeFile(appPath, original.replace('<h1>{greeting}, {name}!</h1>', `<h1>${heading}</h1>`));
    const started = performance.now();
    const result = await app.build(['app.py']);
    const built = performance.now();
    expect(result).toEqual({ ok: true, diagnostics: [] });
    await toolchain.reload(app.instance, app.manifest);
    return { buildMs: built - started, reloadMs: performance.now() - built };
  }

  it('serves the page and its stylesheet', async () => {
    const page = await app.get('/?name=Ada');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Hello, Ada!</h1>');
    const css = await app.get('/static/style.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css');
    const cssRequests = (): PythonAccessEntry[] =>
      app.lines.flatMap((line) => {
        const parsed = parsePythonInstanceLine(line);
        return parsed.kind === 'access' && parsed.entry.path === '/static/style.css' ? [parsed.entry] : [];
      });
    await expect.poll(() => cssRequests().length).toBeGreaterThan(0);
    expect(cssRequests()[0]).toMatchObject({ method: 'GET', status: 200, bytes: css.text.length });
  });

  it('serves an edited heading after a reload, from the same gunicorn master', async () => {
    const builds: number[] = [];
    const reloads: number[] = [];
    for (let round = 1; round <= 10; round++) {
      const { buildMs, reloadMs } = await saveHeading(`Edition ${round}`);
      builds.push(buildMs);
      reloads.push(reloadMs);
      expect((await app.get('/')).text).toContain(`<h1>Edition ${round}</h1>`);
    }
    const masters = mastersByGeneration(app);
    expect(masters.get(10)?.size).toBe(1);
    expect([...(masters.get(10) ?? [])]).toEqual([...(masters.get(0) ?? [])]);
    expect(app.instance.exit).toBeUndefined();
    console.log(
      `[python] save → served: check+copy p50 ${median(builds).toFixed(1)} ms, reload p50 ${median(reloads).toFixed(1)} ms ` +
        `(max ${Math.max(...reloads).toFixed(1)} ms, ${reloads.length} rounds, 1 sync worker)`,
    );
  });

  it('reports a syntax error with its position and keeps serving the last good code', async () => {
    await saveHeading('Last good');
    const lineCount = original.split('\n').length;
    await writeFile(appPath, `${original.trimEnd()}\nprint("héllo", (x +)\n`);
    const result = await app.build(['app.py']);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ file: 'app.py', line: lineCount, column: 20, severity: 'error', source: 'python' }),
    ]);
    expect((await app.get('/')).text).toContain('<h1>Last good</h1>');
    // Even a reload (or a worker that restarts on its own) still gets the last good code.
    await toolchain.reload(app.instance, app.manifest);
    expect((await app.get('/')).text).toContain('<h1>Last good</h1>');
    // A later save of another file still reports the broken one and copies nothing.
    await writeFile(path.join(app.layout.projectDir, 'notes.py'), 'NOTE = 1\n');
    const again = await app.build(['notes.py']);
    expect(again.ok).toBe(false);
    expect(again.diagnostics.map((found) => found.file)).toEqual(['app.py']);
    await saveHeading('Fixed');
    expect((await app.get('/')).text).toContain('<h1>Fixed</h1>');
  });

  it('answers 500 when a request raises, logs the traceback and stays up', async () => {
    await writeFile(
      appPath,
      original.replace(
        'if path == "/":',
        'if path == "/boom":\n        raise RuntimeError("kaboom")\n    if path == "/":',
      ),
    );
    expect((await app.build(['app.py'])).ok).toBe(true);
    await toolchain.reload(app.instance, app.manifest);
    const answer = await app.get('/boom');
    expect(answer.status).toBe(500);
    expect(answer.text).not.toContain('kaboom');
    expect(app.lines.join('\n')).toMatch(/Traceback[\s\S]*RuntimeError: kaboom/);
    expect((await app.get('/')).status).toBe(200);
    expect(app.instance.exit).toBeUndefined();
  });

  it('keeps running when the app fails at import, and recovers on the next good save', async () => {
    await writeFile(appPath, `${original}\nraise ValueError("broken at import")\n`);
    expect((await app.build(['app.py'])).ok).toBe(true);
    await toolchain.reload(app.instance, app.manifest);
    const broken = await app.get('/');
    expect(broken.status).toBe(500);
    expect(broken.text).toContain('could not be loaded (ValueError)');
    expect(app.lines.join('\n')).toContain('ValueError: broken at import');
    await saveHeading('Recovered');
    expect((await app.get('/')).text).toContain('<h1>Recovered</h1>');
  });

  it('ends with the latest code when saves arrive during a reload', async () => {
    const reloads: Promise<void>[] = [];
    for (let round = 1; round <= 4; round++) {
      await writeFile(appPath, original.replace('<h1>{greeting}, {name}!</h1>', `<h1>Burst ${round}</h1>`));
      expect((await app.build(['app.py'])).ok).toBe(true);
      reloads.push(toolchain.reload(app.instance, app.manifest));
    }
    await Promise.all(reloads);
    expect((await app.get('/')).text).toContain('<h1>Burst 4</h1>');
  });

  it('supersedes a build whose signal aborts before its turn', async () => {
    const controller = new AbortController();
    const running = app.build(['app.py']);
    const superseded = toolchain.build({
      projectDir: app.layout.projectDir,
      outputDir: app.layout.outputDir,
      manifest: app.manifest,
      changedPaths: ['app.py'],
      signal: controller.signal,
      log: () => undefined,
    });
    controller.abort();
    await expect(superseded).rejects.toThrow(/abort/i);
    expect((await running).ok).toBe(true);
  });
});

describe('python-expense-reports, two workers', () => {
  // Two workers: a reload must wait until both serve the new code.
  const twoWorkers = new PythonToolchain({ workers: 2 });
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(twoWorkers, 'python-expense-reports');
  });
  afterAll(async () => {
    await app.stop();
    await twoWorkers.dispose();
  });

  it('serves its pages; without the platform services (none here) the list says why it is empty', async () => {
    const list = await app.get('/');
    expect(list.status).toBe(200);
    expect(list.text).toContain('<h1>Expenses</h1>');
    expect(list.text).toContain('which it can only reach when it runs on Slipway');
    expect((await app.get('/expenses/new')).text).toContain('<h1>New expense</h1>');
    expect((await app.get('/static/style.css')).status).toBe(200);
  });

  it('reloads an edit to a module the entry imports', async () => {
    const pagesPath = path.join(app.layout.projectDir, 'pages.py');
    await writeFile(
      pagesPath,
      (await readFile(pagesPath, 'utf8')).replace('<h1>Expenses</h1>', '<h1>My expenses</h1>'),
    );
    expect((await app.build(['pages.py'])).ok).toBe(true);
    await twoWorkers.reload(app.instance, app.manifest);
    for (let round = 0; round < 4; round++) expect((await app.get('/')).text).toContain('<h1>My expenses</h1>');
  });
});

describe('type checks (pyright)', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(toolchain, 'python-hello');
  });
  afterAll(async () => {
    await app.stop();
  });

  it('finds an undefined name with its file and line, without blocking the build', async () => {
    await writeFile(
      path.join(app.layout.projectDir, 'helpers.py'),
      'import html\n\n\ndef shout(text):\n    return undefined_name + text\n',
    );
    expect((await app.build(['helpers.py'])).ok).toBe(true);
    const started = performance.now();
    const diagnostics = await toolchain.checkTypes({
      projectDir: app.layout.projectDir,
      signal: new AbortController().signal,
    });
    console.log(`[python] pyright over python-hello: ${(performance.now() - started).toFixed(0)} ms`);
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        file: 'helpers.py',
        line: 5,
        column: 12,
        severity: 'error',
        source: 'pyright',
        code: 'reportUndefinedVariable',
        message: '"undefined_name" is not defined',
      }),
    );
  });

  it('sees the Slipway SDK as instances do: `import slipway` resolves, a wrong call is caught', async () => {
    await writeFile(
      path.join(app.layout.projectDir, 'store.py'),
      'import slipway\nfrom slipway.datastore import Key\n\n\ndef load():\n    return slipway.datastore.get(Key("Task", "a"), 1, 2, 3)\n',
    );
    const diagnostics = await toolchain.checkTypes({
      projectDir: app.layout.projectDir,
      signal: new AbortController().signal,
    });
    const inStore = diagnostics.filter((diagnostic) => diagnostic.file === 'store.py');
    expect(inStore.filter((diagnostic) => diagnostic.code === 'reportMissingImports')).toEqual([]);
    expect(inStore).toContainEqual(expect.objectContaining({ line: 6, code: 'reportCallIssue' }));
  });

  it('stops a check when it is aborted, leaving no process', async () => {
    const before = new Set(await descendantsOf(process.pid));
    const controller = new AbortController();
    const check = toolchain.checkTypes({ projectDir: app.layout.projectDir, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = (await descendantsOf(process.pid)).filter((pid) => !before.has(pid));
    expect(started.length).toBeGreaterThan(0);
    controller.abort();
    await expect(check).rejects.toThrow(/abort/i);
    expect(await survivors(started)).toEqual([]);
  });
});

it('leaves no process behind once the toolchain and instances are disposed', async () => {
  const app = await startApp(toolchain, 'python-hello');
  const processes = await descendantsOf(process.pid);
  expect(processes.length).toBeGreaterThan(2); // bwrap, gunicorn master and workers, the checker
  await app.stop();
  await toolchain.dispose();
  await toolchain.dispose(); // idempotent
  expect(await survivors(processes)).toEqual([]);
});
