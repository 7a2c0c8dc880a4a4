import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { ApiSession } from './api-session';
import type { BenchOutcome } from './figure';
import { launchChromium } from './ide-browser';
import { describeMachine, describeToolchains, loadAverage } from './machine-info';
import { measureEditorLoad } from './measure-editor-load';
import { measureFileSave } from './measure-file-save';
import { measureDatastoreThroughSdks } from './measure-datastore-sdk';
import { measureHosting } from './measure-hosting';
import { measurePushFanout } from './measure-push-fanout';
import { measureUrlFetchOverhead } from './measure-urlfetch';
import { measureIdeJavaScript } from './measure-ide-javascript';
import { measurePreview } from './measure-preview';
import { measureSessionMemory } from './measure-session-memory';
import { measureTerminalEcho } from './measure-terminal-echo';
import { startBenchPlatform, type BenchPlatform } from './platform';
import { renderSection, renderTable, type BenchReport } from './report';
import { writeSection } from './results-file';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_FILE = path.join(repoRoot, 'bench', 'RESULTS.md');

function step(message: string): void {
  process.stdout.write(`bench: ${message}\n`);
}

/** What a section's measurements get: the booted platform, the browser and the operator's session. */
interface SectionContext {
  platform: BenchPlatform;
  browser: Browser;
  session: ApiSession;
}

/** One issue's section of RESULTS.md: its measurements and how its table reads. */
interface BenchSection {
  issue: number;
  title: string;
  referenceColumn: string;
  conventions: string;
  software?: () => string;
  measure(context: SectionContext): Promise<BenchOutcome[]>;
}

const SECTIONS: BenchSection[] = [
  {
    issue: 2,
    title: 'Issue 2 — IDE core',
    referenceColumn: 'code-server 4.100',
    conventions: 'Units: MB = 10^6 bytes. Load verdicts use the max of the runs; echo uses p95. See bench/README.md.',
    /** Runs every measurement of the IDE core, in an order that keeps them apart. */
    async measure({ platform, browser, session }) {
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
    },
  },
  {
    issue: 3,
    title: 'Issue 3 — build, run, preview',
    referenceColumn: 'Floor outside the platform (TOOLCHAIN-NOTES)',
    conventions:
      'Units: MB = 10^6 bytes; times in ms from the Ctrl+S keydown (or the click on Run) to the first paint in the ' +
      'frame. Save verdicts use the p50 of 20 edits and p95 ÷ p50. See bench/README.md.',
    software: describeToolchains,
    measure: ({ platform, browser, session }) => measurePreview(browser, session, platform, step),
  },
  {
    issue: 4,
    title: 'Issue 4 — publish, farm, gateway',
    referenceColumn: 'Plain nginx (same run) or floor outside the platform (TOOLCHAIN-NOTES)',
    conventions:
      'Units: MB = 10^6 bytes; publish and cold-start verdicts use medians; gateway rows need both the rps ratio ' +
      'and the p99 ratio against plain nginx on the same instance. Load by autocannon in the bench process, on ' +
      'the same 2 cores as everything else. See bench/README.md.',
    measure: ({ platform, session }) => measureHosting(session, platform, step),
  },
  {
    issue: 5,
    title: 'Issue 5 — SDK and platform services',
    referenceColumn: 'Reference',
    conventions:
      'Datastore rates are sequential calls from one app thread inside a sealed production instance, timed there; ' +
      'medians of 3 rounds. URL fetch times are p50 of 400 requests in the bench process. Push fan-out is from ' +
      'the send call to the last of 1,000 WebSocket clients (in the bench process) receiving it. See bench/README.md.',
    async measure({ platform, session }) {
      const outcomes = [await measureDatastoreThroughSdks(session, platform, step)];
      step('URL fetch overhead');
      outcomes.push(await measureUrlFetchOverhead());
      step('push fan-out to 1,000 channels');
      outcomes.push(await measurePushFanout(platform, session));
      return outcomes;
    },
  },
];

/** `npm run bench` runs every section; `npm run bench -- --section 3` only issue 3's (repeatable). */
function selectedSections(): { sections: BenchSection[]; command: string } {
  const { values } = parseArgs({ options: { section: { type: 'string', multiple: true } } });
  const wanted = values.section ?? [];
  if (wanted.length === 0) return { sections: SECTIONS, command: 'npm run bench' };
  const sections = SECTIONS.filter((section) => wanted.includes(String(section.issue)));
  if (sections.length !== wanted.length) {
    throw new Error(`unknown section in ${wanted.join(', ')}; known: ${SECTIONS.map((s) => s.issue).join(', ')}`);
  }
  return { sections, command: `npm run bench -- ${wanted.map((issue) => `--section ${issue}`).join(' ')}` };
}

async function main(): Promise<void> {
  const started = Date.now();
  const { sections, command } = selectedSections();
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
    const machine = describeMachine(browser.version());
    const session = await ApiSession.logIn(platform.baseUrl, platform.admin.email, platform.admin.password);
    const tables: string[] = [];
    for (const section of sections) {
      step(`— ${section.title} —`);
      const sectionStarted = Date.now();
      const loadAtStart = loadAverage();
      const outcomes = await section.measure({ platform, browser, session });
      const report: BenchReport = {
        title: section.title,
        machine,
        date: new Date(sectionStarted),
        command,
        durationMs: Date.now() - sectionStarted,
        load: { start: loadAtStart, end: loadAverage() },
        referenceColumn: section.referenceColumn,
        conventions: section.conventions,
        ...(section.software ? { software: section.software() } : {}),
        outcomes,
      };
      // Written at once, so a later section's failure keeps this one's results.
      writeSection(RESULTS_FILE, section.title, renderSection(report));
      tables.push(
        `${section.title}\n\n${renderTable(
          outcomes.flatMap((o) => o.figures),
          section.referenceColumn,
        )}`,
      );
    }
    await cleanUp();
    process.stdout.write(`\n${tables.join('\n\n')}\n\n`);
    process.stdout.write(
      `Whole run ${((Date.now() - started) / 1000).toFixed(0)} s. Machine details and notes: bench/RESULTS.md\n`,
    );
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
