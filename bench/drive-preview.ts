import type { Browser, Page } from 'playwright-core';
import type { ApiSession } from './api-session';
import { newSignedInContext, openIde, waitForTerminalPrompt } from './ide-browser';
import { settledPreviewMemory, type PreviewMemory } from './preview-instance';
import {
  addPreviewProbe,
  probeEventsSince,
  probeMark,
  waitForPaintOf,
  type FramePaint,
  type ProbeEvent,
} from './preview-probe';
import type { LogEntryDto } from '../server/protocol/preview';

/** A template as the benchmark uses it: the page it watches and the file it edits. */
export interface PreviewTemplate {
  label: 'Python' | 'Java';
  templateId: string;
  /** The source the IDE opens by default, which holds the watched page's `<h1>`. */
  file: string;
  /** Text of the page the frame shows after the first Run (the app's `/`). */
  firstPageText: string;
  /** The page the edits are watched on, if not `/`, and a text of it. */
  editedPage?: { path: string; text: string };
}

export const PYTHON_HELLO: PreviewTemplate = {
  label: 'Python',
  templateId: 'python-hello',
  file: 'app.py',
  firstPageText: 'Hello, world!',
};

export const JAVA_HELLO: PreviewTemplate = {
  label: 'Java',
  templateId: 'java-hello',
  file: 'HelloServlet.java',
  // `/` is the static index.html; the servlet is at /hello.
  firstPageText: 'This page is a static file',
  editedPage: { path: '/hello', text: 'This page was rendered by' },
};

export const EDITS = 20;
/** A person reads the result before the next save; also lets the previous reload's stragglers finish. */
const PAUSE_AFTER_PAINT_MS = 300;
const FIRST_RUN_TIMEOUT_MS = 120_000;
const EDIT_TIMEOUT_MS = 30_000;
/** Each edit writes a new four-digit number before the page's `</h1>`: digits never trigger completions. */
const FIRST_MARKER = 7301;

/** Milestones of one save, in ms since Ctrl+S (NaN when the browser did not report one). */
export interface EditTiming {
  /** The figure: Ctrl+S → first contentful paint of the new document. */
  visibleMs: number;
  putAnsweredMs: number;
  buildFinishedMs: number;
  reloadedMs: number;
  frameNavigationMs: number;
  frameResponseMs: number;
  /** Server-side build + swap (`build-finished` durationMs). */
  serverBuildMs: number;
  /** Paint report delivery, frame → IDE window (checks the two processes' clocks agree). */
  deliveryMs: number;
  /** Preview documents that painted after this save, before the next one (1 = one reload). */
  paints: number;
}

/** Milestones of the first Run, in ms since the click. */
export interface FirstRunTiming {
  visibleMs: number;
  runningMs: number;
  linkAnsweredMs: number;
  frameNavigationMs: number;
  frameResponseMs: number;
  /** Server-side first build + instance start (`build-finished` durationMs). */
  serverBuildMs: number;
  /** When the server started that build (its clock, epoch ms), to place the log's lines in it. */
  serverBuildStartedAt: number;
  deliveryMs: number;
}

export interface PreviewScenario {
  template: PreviewTemplate;
  projectId: string;
  firstRun: FirstRunTiming;
  edits: EditTiming[];
  logs: LogEntryDto[];
  memory: PreviewMemory;
}

/** Resource Timing of the IDE page's API requests, on the probe's clock. */
interface ApiRequest {
  name: string;
  startAt: number;
  endAt: number;
}

function apiRequests(page: Page): Promise<ApiRequest[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((entry) => entry.name.includes('/api/v1/'))
      .map((entry) => {
        const timing = entry as PerformanceResourceTiming;
        return {
          name: timing.name,
          startAt: performance.timeOrigin + timing.startTime,
          endAt: performance.timeOrigin + timing.responseEnd,
        };
      }),
  );
}

/** The end of the first request to a URL containing `part` that started at or after `from`. */
function requestEnd(requests: ApiRequest[], part: string, from: number): number {
  return requests.find((request) => request.name.includes(part) && request.startAt >= from - 1)?.endAt ?? Number.NaN;
}

function firstSocket(events: ProbeEvent[], test: (event: ProbeEvent & { kind: 'socket' }) => boolean) {
  return events.find((event): event is ProbeEvent & { kind: 'socket' } => event.kind === 'socket' && test(event));
}

function paintShowing(events: ProbeEvent[], text: string): (FramePaint & { receivedAt: number }) | undefined {
  return events.find(
    (event): event is ProbeEvent & { kind: 'paint' } => event.kind === 'paint' && event.text.includes(text),
  );
}

function timeOf(events: ProbeEvent[], kind: 'save' | 'run'): number {
  const found = events.find((event) => event.kind === kind);
  if (!found || !('at' in found)) throw new Error(`the probe saw no ${kind}`);
  return found.at;
}

async function pause(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Presses the emulator's Run and times it until the app's first page has painted in the frame. */
async function firstRun(page: Page, template: PreviewTemplate): Promise<FirstRunTiming> {
  // Enabled once the IDE knows the preview is stopped.
  const run = page.locator('button[aria-label="Run"]:not([disabled])');
  await run.waitFor({ timeout: 60_000 });
  const mark = await probeMark(page);
  await run.click();
  const events = await waitForPaintOf(page, mark, template.firstPageText, FIRST_RUN_TIMEOUT_MS);
  const clickedAt = timeOf(events, 'run');
  const paint = paintShowing(events, template.firstPageText);
  if (!paint) throw new Error('no paint');
  const requests = await apiRequests(page);
  const since = (at: number | undefined): number => (at ?? Number.NaN) - clickedAt;
  const built = firstSocket(events, (e) => e.type === 'build-finished');
  return {
    visibleMs: paint.paintAt - clickedAt,
    runningMs: since(firstSocket(events, (e) => e.type === 'status' && e.state === 'running')?.at),
    linkAnsweredMs: since(requestEnd(requests, '/preview/link', clickedAt)),
    frameNavigationMs: since(paint.navigationStartAt),
    frameResponseMs: since(paint.responseEndAt),
    serverBuildMs: built?.durationMs ?? Number.NaN,
    serverBuildStartedAt: built?.startedAt ? Date.parse(built.startedAt) : Number.NaN,
    deliveryMs: paint.receivedAt - paint.sentAt,
  };
}

/** Goes to `path` with the emulator's address field (as a developer would) and waits for its paint. */
async function openInFrame(page: Page, path: string, text: string): Promise<void> {
  const mark = await probeMark(page);
  const address = page.getByRole('textbox', { name: 'Address' });
  await address.fill(path);
  await address.press('Enter');
  await waitForPaintOf(page, mark, text, EDIT_TIMEOUT_MS);
}

/**
 * Puts the cursor just before the `</h1>` of the open file, using Monaco's find widget: typing
 * in it selects the match, Escape closes it and leaves the selection, ArrowLeft collapses the
 * selection to its start.
 */
async function cursorBeforeHeadingEnd(page: Page, template: PreviewTemplate): Promise<void> {
  const tab = page.getByRole('tab', { name: new RegExp(template.file.replace('.', '\\.')) });
  if ((await tab.getAttribute('aria-selected')) !== 'true') {
    throw new Error(`the IDE did not open ${template.file} first; the benchmark edits that file`);
  }
  const editor = page.getByTestId('editor');
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+F');
  await editor.getByRole('textbox', { name: 'Find' }).fill('</h1>');
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowLeft');
}

/**
 * One edit: replaces the number before `</h1>` (or adds one), waits for the tab's dirty marker,
 * presses Ctrl+S and waits until a new preview document showing the number has painted.
 */
async function editAndSave(page: Page, index: number): Promise<EditTiming & { mark: number }> {
  const marker = String(FIRST_MARKER + index);
  if (index === 0) await page.keyboard.type(` ${marker}`);
  else {
    for (let i = 0; i < marker.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type(marker);
  }
  await page.locator('[role="tab"][data-dirty]').waitFor({ timeout: EDIT_TIMEOUT_MS });
  const mark = await probeMark(page);
  await page.keyboard.press('Control+S');
  // Both templates render "Hello, world!" in the <h1>; the number follows it.
  const wanted = `world! ${marker}`;
  const events = await waitForPaintOf(page, mark, wanted, EDIT_TIMEOUT_MS);
  const savedAt = timeOf(events, 'save');
  const paint = paintShowing(events, wanted);
  if (!paint) throw new Error('no paint');
  const since = (at: number | undefined): number => (at ?? Number.NaN) - savedAt;
  const built = firstSocket(events, (e) => e.type === 'build-finished' && e.outcome === 'succeeded');
  return {
    mark,
    visibleMs: paint.paintAt - savedAt,
    putAnsweredMs: Number.NaN, // filled from Resource Timing once all edits are done
    buildFinishedMs: since(built?.at),
    reloadedMs: since(firstSocket(events, (e) => e.type === 'reloaded')?.at),
    frameNavigationMs: since(paint.navigationStartAt),
    frameResponseMs: since(paint.responseEndAt),
    serverBuildMs: built?.durationMs ?? Number.NaN,
    deliveryMs: paint.receivedAt - paint.sentAt,
    paints: 0, // counted once the next edit's events are known
  };
}

/**
 * A new project from the template, opened in the IDE: Run (timed to the first paint), for Java
 * the servlet's page, then `EDITS` saves (each timed to the new document's first paint), then
 * the preview log and the idle instance's memory. Stops the preview and closes the project after.
 */
export async function drivePreview(
  browser: Browser,
  session: ApiSession,
  platform: { pid: number; previewDomain: string },
  template: PreviewTemplate,
): Promise<PreviewScenario> {
  const projectId = await session.createProject(`bench-preview-${template.templateId}`, template.templateId);
  const context = await newSignedInContext(browser, session);
  try {
    await addPreviewProbe(context, platform.previewDomain);
    const page = await context.newPage();
    await openIde(page, session, projectId);
    // The IDE starts a terminal by itself and focuses it when it appears: let that happen first.
    await waitForTerminalPrompt(page);
    const first = await firstRun(page, template);
    if (template.editedPage) await openInFrame(page, template.editedPage.path, template.editedPage.text);
    await pause(PAUSE_AFTER_PAINT_MS);
    await cursorBeforeHeadingEnd(page, template);
    const edits: (EditTiming & { mark: number })[] = [];
    for (let i = 0; i < EDITS; i++) {
      edits.push(await editAndSave(page, i));
      await pause(PAUSE_AFTER_PAINT_MS);
    }
    const endMark = await probeMark(page);
    const events = await probeEventsSince(page, 0);
    const requests = await apiRequests(page);
    edits.forEach((edit, i) => {
      const savedAt = timeOf(events.slice(edit.mark), 'save');
      edit.putAnsweredMs = requestEnd(requests, '/files/content', savedAt) - savedAt;
      const until = edits[i + 1]?.mark ?? endMark;
      edit.paints = events.slice(edit.mark, until).filter((event) => event.kind === 'paint').length;
    });
    const memory = await settledPreviewMemory(platform.pid, projectId);
    const logs = await session.previewLogs(projectId);
    return {
      template,
      projectId,
      firstRun: first,
      edits: edits.map(({ mark: _mark, ...timing }) => timing),
      logs,
      memory,
    };
  } finally {
    await context.close();
    await session.stopPreview(projectId).catch(() => undefined);
    await session.closeProject(projectId).catch(() => undefined);
  }
}
