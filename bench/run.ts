import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { ApiSession } from './api-session';
import type { BenchOutcome } from './figure';
import { launchChromium } from './ide-browser';
import { describeMachine, loadAverage } from './machine-info';
import { measureEditorLoad } from './measure-editor-load';
import { measureFileSave } from './measure-file-save';
import { measureIdeJavaScript } from './measure-ide-javascript';
import { measureSessionMemory } from './measure-session-memory';
import { measureTerminalEcho } from './measure-terminal-echo';
import { startBenchPlatform, type BenchPlatform } from './platform';
import { renderSection, renderTable } from './report';
import { writeSection } from './results-file';

const TITLE = 'Issue 2 — IDE core';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function step(message: string): void {
  process.stdout.write(`bench: ${message}\n`);
}

/** Runs every measurement against a booted platform and browser, in an order that keeps them apart. */
async function measureAll(platform: BenchPlatform, browser: Browser): Promise<BenchOutcome[]> {
  const session = await ApiSession.logIn(platform.baseUrl, platform.admin.email, platform.admin.password);
  const projectId = await session.createProject('bench-ide');
  step('editor load, cold and warm');
  const outcomes = [await measureEditorLoad(browser, session, projectId)];
  step('JavaScript sent before the editor is usable');
  outcomes.push(await measureIdeJavaScript(browser, session, projectId));
  step('terminal keystroke echo');
  outcomes.push(await measureTerminalEcho(browser, session, projectId));
  step('file save round trip');
  outcomes.push(await measureFileSave(browser, session, projectId));
  // End this project's terminals so the memory baseline holds no session.
  await session.closeProject(projectId);
  step('server memory per IDE session');
  outcomes.push(await measureSessionMemory(browser, session, platform.pid));
  return outcomes;
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadAverage();
  let platform: BenchPlatform | undefined;
  let browser: Browser | undefined;
  const cleanUp = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await platform?.stop();
  };
  let interrupted = false;
  // Stays registered: tsx's launcher forwards the signal again, and a second one must not exit
  // before the platform has stopped.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    step(`${signal}: stopping the platform and the browser`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    step('starting the platform');
    platform = await startBenchPlatform(repoRoot);
    browser = await launchChromium();
    const chromiumVersion = browser.version();
    const outcomes = await measureAll(platform, browser);
    const loadAtEnd = loadAverage();
    await cleanUp();
    const report = {
      title: TITLE,
      machine: describeMachine(chromiumVersion),
      date: new Date(started),
      command: 'npm run bench',
      durationMs: Date.now() - started,
      load: { start: loadAtStart, end: loadAtEnd },
      outcomes,
    };
    writeSection(path.join(repoRoot, 'bench', 'RESULTS.md'), TITLE, renderSection(report));
    process.stdout.write(`\n${TITLE}\n\n${renderTable(outcomes.flatMap((o) => o.figures))}\n\n`);
    process.stdout.write('Machine details and notes: bench/RESULTS.md\n');
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
