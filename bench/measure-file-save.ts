import type { Browser, Page } from 'playwright-core';
import type { ApiSession } from './api-session';
import type { BenchOutcome } from './figure';
import { focusEditorAtEnd, newSignedInContext, openIde, waitForTerminalPrompt } from './ide-browser';
import { max, median, percentile } from './stats';
import { formatKB, formatMs } from './units';

const SAMPLES = 20;
const FILE = 'app.py';
const PUT_BODY_BYTES = 5000;
const SAVE_TIMEOUT_MS = 10_000;

/** One save as measured in the page: Ctrl+S → marker cleared, and the PUT's own fetch duration. */
interface SaveTiming {
  totalMs: number;
  fetchMs: number;
}

/** In-page state of the save probe, on window.__benchSave. */
interface SaveProbe {
  armed: boolean;
  keydownAt: number;
  /** Resolves with the Ctrl+S → marker-cleared time. */
  saved: Promise<number>;
  resolve: (totalMs: number) => void;
}

declare global {
  interface Window {
    __benchSave?: SaveProbe;
  }
}

/**
 * Installs the probe: Ctrl+S keydown (capture phase on window) starts the clock; a
 * MutationObserver on the tab strip stops it when no tab carries `data-dirty` any more, which
 * the IDE removes once the server has answered the PUT. The PUT's Resource Timing entry gives
 * the share of the network exchange.
 */
async function installSaveProbe(page: Page): Promise<void> {
  await page.locator('[role="tablist"][aria-label="Open editors"]').evaluate((tabList) => {
    const probe: SaveProbe = {
      armed: false,
      keydownAt: 0,
      saved: Promise.resolve(0),
      resolve: () => undefined,
    };
    window.__benchSave = probe;
    window.addEventListener(
      'keydown',
      (event) => {
        if (probe.armed && probe.keydownAt === 0 && event.ctrlKey && event.code === 'KeyS') {
          probe.keydownAt = performance.now();
        }
      },
      true,
    );
    new MutationObserver(() => {
      if (!probe.armed || probe.keydownAt === 0 || tabList.querySelector('[data-dirty]')) return;
      probe.armed = false;
      probe.resolve(performance.now() - probe.keydownAt);
    }).observe(tabList, { subtree: true, attributes: true, attributeFilter: ['data-dirty'] });
  });
}

/**
 * Makes the file dirty, presses Ctrl+S and returns the in-page timing. After a save the IDE
 * (EditorModels) does not mark the next edit dirty until the text has returned to the saved
 * version once, so each sample types, undoes and types again. The cursor move first makes
 * Monaco start a new undo group, so the undo goes back exactly to the saved text.
 */
async function measureSave(page: Page): Promise<SaveTiming> {
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('End');
  await page.keyboard.type('#');
  await page.keyboard.press('Control+Z');
  await page.keyboard.type('#');
  await page.locator('[role="tab"][data-dirty]').waitFor({ timeout: SAVE_TIMEOUT_MS });
  await page.evaluate(() => {
    const probe = window.__benchSave;
    if (!probe) throw new Error('save probe not installed');
    // A full Resource Timing buffer (250 entries) would stop recording the PUT.
    performance.clearResourceTimings();
    probe.armed = true;
    probe.keydownAt = 0;
    probe.saved = new Promise((resolve) => (probe.resolve = resolve));
  });
  await page.keyboard.press('Control+S');
  return page.evaluate(async (timeoutMs) => {
    const probe = window.__benchSave;
    if (!probe) throw new Error('save probe not installed');
    const totalMs = await Promise.race([
      probe.saved,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('the tab stayed dirty')), timeoutMs)),
    ]);
    // Resource Timing entries are queued after the response, not always before the marker clears.
    // The buffer was cleared when arming, so the last entry for the file is this save's PUT.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const put = performance
      .getEntriesByType('resource')
      .filter((entry) => entry.name.includes('/files/content'))
      .at(-1);
    return { totalMs, fetchMs: put?.duration ?? Number.NaN };
  }, SAVE_TIMEOUT_MS);
}

/** Whether one typed character after a save marks the tab dirty again (it should). */
async function editAfterSaveMarksDirty(page: Page): Promise<boolean> {
  await page.keyboard.type('#');
  try {
    await page.locator('[role="tab"][data-dirty]').waitFor({ timeout: 2000 });
    return true;
  } catch {
    return false;
  }
}

/** A Python file of exactly `bytes` bytes: comment lines, as a growing app would have. */
function pythonText(bytes: number): string {
  let text = '';
  for (let line = 1; text.length < bytes; line++) text += `# line ${line}: a comment that pads the benchmark file\n`;
  return text.slice(0, bytes - 1) + '\n';
}

function contentUrl(projectId: string): string {
  return `/api/v1/projects/${projectId}/files/content?path=${encodeURIComponent(FILE)}`;
}

/** The file's size on the server, read from the page. */
function fileSize(page: Page, projectId: string): Promise<number> {
  return page.evaluate(async (url) => (await (await fetch(url)).arrayBuffer()).byteLength, contentUrl(projectId));
}

/** The raw API: PUT …/files/content from the page with fetch, timed around the whole exchange. */
async function measureRawPuts(page: Page, session: ApiSession, projectId: string): Promise<number[]> {
  return page.evaluate(
    async ({ target, csrfToken, body, samples }) => {
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        const start = performance.now();
        const response = await fetch(target, {
          method: 'PUT',
          headers: { 'x-csrf-token': csrfToken, 'content-type': 'text/plain; charset=utf-8' },
          body,
        });
        await response.text();
        if (!response.ok) throw new Error(`PUT answered ${response.status}`);
        times.push(performance.now() - start);
      }
      return times;
    },
    { target: contentUrl(projectId), csrfToken: session.csrfToken, body: pythonText(PUT_BODY_BYTES), samples: SAMPLES },
  );
}

function summary(times: number[]): string {
  return `${formatMs(median(times))} / ${formatMs(percentile(times, 95))} / ${formatMs(max(times))}`;
}

/** Figure 3: Ctrl+S → dirty marker cleared, and the raw PUT round trip of a 5 kB file. */
export async function measureFileSave(browser: Browser, session: ApiSession, projectId: string): Promise<BenchOutcome> {
  const context = await newSignedInContext(browser, session);
  try {
    const page = await context.newPage();
    await openIde(page, session, projectId);
    await installSaveProbe(page);
    await waitForTerminalPrompt(page);
    await focusEditorAtEnd(page);
    const saves: SaveTiming[] = [];
    for (let i = 0; i < SAMPLES; i++) saves.push(await measureSave(page));
    const totals = saves.map((s) => s.totalMs);
    const fetches = saves.map((s) => s.fetchMs);
    const dirtyAfterSave = await editAfterSaveMarksDirty(page);
    const savedBytes = await fileSize(page, projectId);
    const puts = await measureRawPuts(page, session, projectId);
    const row = (name: string, times: number[]) => ({
      name,
      measured: summary(times),
      target: '—',
      reference: '—',
      verdict: 'no target' as const,
    });
    return {
      figures: [
        row(`Save in the editor, Ctrl+S → dirty marker cleared, p50 / p95 / max (${SAMPLES} saves)`, totals),
        row(`Raw API PUT of a ${PUT_BODY_BYTES / 1000} kB file from the page, p50 / p95 / max (${SAMPLES})`, puts),
      ],
      notes: [
        `Save: each editor save writes the whole ${FILE} (${formatKB(savedBytes)} at the end); the first took ` +
          `${formatMs(totals[0] ?? Number.NaN)}. ` +
          `Of a save, the PUT request itself (Resource Timing) took p50 ${formatMs(median(fetches))}, p95 ${formatMs(percentile(fetches, 95))}. ` +
          (dirtyAfterSave
            ? 'An edit after a save marks the tab dirty again, as it should.'
            : 'Bug: after a save, the next edit does not mark the tab dirty (components/editor/editor-models.ts keeps ' +
              'its own "was dirty" flag, which save() does not reset); hence each sample types, undoes and types again.'),
      ],
    };
  } finally {
    await context.close();
  }
}
