import type { Browser, BrowserContext } from 'playwright-core';
import type { ApiSession } from './api-session';
import { judge, type BenchOutcome } from './figure';
import { newSignedInContext, openIde, waitForTerminalPrompt } from './ide-browser';
import { treeMemory, type MemoryUse, type TreeMemory } from './process-memory';
import { sum } from './stats';
import { formatMB, formatMBChange } from './units';

const SESSIONS = 5;
const TARGET_BYTES_PER_SESSION = 150e6;
/** Lets the server finish the work a page load started (terminal output, socket set-up) before sampling. */
const SETTLE_MS = 3000;
const SAMPLES = 5;
const SAMPLE_INTERVAL_MS = 400;
/** What each terminal adds to the tree: bubblewrap (outside and inside the sandbox) and the shell. */
const SANDBOX_COMMANDS = ['bwrap', 'bash'];

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** The platform tree's memory after settling: of a few samples, the one with the median RSS. */
async function settledMemory(platformPid: number): Promise<TreeMemory> {
  await sleep(SETTLE_MS);
  const samples: TreeMemory[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (i > 0) await sleep(SAMPLE_INTERVAL_MS);
    samples.push(treeMemory(platformPid));
  }
  samples.sort((a, b) => a.rss - b.rss);
  const middle = samples[Math.floor(samples.length / 2)];
  if (!middle) throw new Error('no memory sample');
  return middle;
}

/** One IDE session: its own context and project, the editor open and the terminal at its prompt. */
async function openSession(browser: Browser, session: ApiSession, projectId: string): Promise<BrowserContext> {
  const context = await newSignedInContext(browser, session);
  const page = await context.newPage();
  await openIde(page, session, projectId);
  // The IDE starts a terminal by itself when the project has none.
  await waitForTerminalPrompt(page);
  return context;
}

function describeByCommand(before: TreeMemory, after: TreeMemory): string {
  return [...after.byCommand]
    .map(([name, use]) => {
      const base = before.byCommand.get(name) ?? { rss: 0, pss: 0, count: 0 };
      return `${name} ×${use.count} (+${use.count - base.count}): RSS ${formatMBChange(use.rss - base.rss)}, PSS ${formatMBChange(use.pss - base.pss)}`;
    })
    .join('; ');
}

/** The change between two samples of the processes with one of these command names, per session. */
function perSessionOf(before: TreeMemory, after: TreeMemory, commands: string[]): MemoryUse {
  const total = (memory: TreeMemory, key: keyof MemoryUse): number =>
    sum(commands.map((command) => memory.byCommand.get(command)?.[key] ?? 0));
  return {
    rss: (total(after, 'rss') - total(before, 'rss')) / SESSIONS,
    pss: (total(after, 'pss') - total(before, 'pss')) / SESSIONS,
  };
}

/** Figure 5: server memory per open IDE session (editor + terminal), RSS and PSS of the platform's tree. */
export async function measureSessionMemory(
  browser: Browser,
  session: ApiSession,
  platformPid: number,
): Promise<BenchOutcome> {
  const projects: string[] = [];
  for (let i = 1; i <= SESSIONS; i++) projects.push(await session.createProject(`bench-memory-${i}`));
  const contexts: BrowserContext[] = [];
  try {
    const before = await settledMemory(platformPid);
    let afterOne: TreeMemory | undefined;
    for (const projectId of projects) {
      contexts.push(await openSession(browser, session, projectId));
      afterOne ??= await settledMemory(platformPid);
    }
    const after = await settledMemory(platformPid);
    if (!afterOne) throw new Error('no session was opened');
    const perSession = { rss: (after.rss - before.rss) / SESSIONS, pss: (after.pss - before.pss) / SESSIONS };
    const sandbox = perSessionOf(before, after, SANDBOX_COMMANDS);
    const node = perSessionOf(before, after, ['node']);
    return {
      figures: [
        {
          name: `Server memory per open IDE session, (after ${SESSIONS} − before) / ${SESSIONS}`,
          measured: `RSS ${formatMB(perSession.rss)} (PSS ${formatMB(perSession.pss)})`,
          target: `≤ ${TARGET_BYTES_PER_SESSION / 1e6} MB`,
          reference: '~550 MB (whole server, one window + terminal)',
          verdict: judge(perSession.rss, TARGET_BYTES_PER_SESSION),
        },
        {
          name: 'Platform process tree with one IDE session open (total)',
          measured: `RSS ${formatMB(afterOne.rss)} (PSS ${formatMB(afterOne.pss)})`,
          target: '—',
          reference: '~550 MB',
          verdict: 'no target',
        },
      ],
      notes: [
        `Memory: before any session the tree (${before.processes} processes) used RSS ${formatMB(before.rss)}, PSS ` +
          `${formatMB(before.pss)}; with one session ${formatMBChange(afterOne.rss - before.rss)} RSS; with ${SESSIONS} ` +
          `(${after.processes} processes) RSS ${formatMB(after.rss)}, PSS ${formatMB(after.pss)}. By command, ${SESSIONS} ` +
          `sessions vs none: ${describeByCommand(before, after)}. Per session, the terminal's sandbox (bwrap, bash) ` +
          `adds RSS ${formatMBChange(sandbox.rss)} (PSS ${formatMBChange(sandbox.pss)}) and the Node processes ` +
          `${formatMBChange(node.rss)} (PSS ${formatMBChange(node.pss)}); V8 grows and frees its heap on its own schedule, ` +
          'so the Node share varies between runs and can be negative. ' +
          "The tree includes tsx's launcher process, which only waits for the server; the baseline is taken after " +
          'the other benchmarks, so the IDE route is already warm.',
      ],
    };
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
    await Promise.all(projects.map((projectId) => session.closeProject(projectId)));
  }
}
