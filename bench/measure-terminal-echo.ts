import type { Browser, ElementHandle, Page } from 'playwright-core';
import type { ApiSession } from './api-session';
import { judge, type BenchOutcome } from './figure';
import { newSignedInContext, openIde, waitForTerminalPrompt } from './ide-browser';
import { max, median, percentile } from './stats';
import { formatMs } from './units';

const KEYSTROKES = 100;
/** Keystrokes per command line; each run is then erased with Ctrl+U so the line never wraps. */
const RUN_LENGTH = 20;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const P95_TARGET_MS = 20;
const ECHO_TIMEOUT_MS = 5000;

/**
 * Runs before the IDE's scripts: every WebSocket message calls window.__benchOnSocketMessage
 * (if set), so the probe can split the echo time into network and rendering.
 */
const SOCKET_HOOK = `(() => {
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => window.__benchOnSocketMessage?.());
    }
  };
})();`;

/** One echoed keystroke, in milliseconds from its keydown. */
interface EchoTiming {
  /** Until the echoed character was in xterm's rows (the figure). */
  visibleMs: number;
  /** Until the first WebSocket message after the keydown arrived (the server round trip). */
  messageMs: number;
  /** Until the first animation frame requested when that message arrived. */
  frameMs: number;
}

/** In-page state of the echo probe, on window.__benchEcho. */
interface EchoProbe {
  /** Text of the terminal's last non-empty row (xterm's DOM renderer: one div per row). */
  lastRow(): string;
  /** What the last row must end with once the pending keystroke is echoed; null when idle. */
  expected: string | null;
  keydownAt: number;
  messageAt: number;
  frameAt: number;
  echoed: Promise<EchoTiming>;
  resolve: (timing: EchoTiming) => void;
}

declare global {
  interface Window {
    __benchEcho?: EchoProbe;
    __benchOnSocketMessage?: () => void;
  }
}

/**
 * Installs the probe: a capture-phase keydown listener on window (it runs before xterm's own)
 * notes the time; a MutationObserver on `.xterm-rows` resolves once the awaited text is in the
 * DOM, i.e. after xterm rendered it, not merely when the WebSocket delivered it.
 */
async function installEchoProbe(rows: ElementHandle<Element>): Promise<void> {
  await rows.evaluate((rowsElement) => {
    const probe: EchoProbe = {
      lastRow: () =>
        [...rowsElement.children]
          .map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd())
          .filter((line) => line.length > 0)
          .at(-1) ?? '',
      expected: null,
      keydownAt: 0,
      messageAt: 0,
      frameAt: 0,
      echoed: new Promise(() => undefined),
      resolve: () => undefined,
    };
    window.__benchEcho = probe;
    window.addEventListener(
      'keydown',
      () => {
        if (probe.expected !== null && probe.keydownAt === 0) probe.keydownAt = performance.now();
      },
      true,
    );
    window.__benchOnSocketMessage = () => {
      if (probe.expected === null || probe.keydownAt === 0 || probe.messageAt !== 0) return;
      probe.messageAt = performance.now();
      requestAnimationFrame(() => (probe.frameAt = performance.now()));
    };
    new MutationObserver(() => {
      if (probe.expected === null || probe.keydownAt === 0 || !probe.lastRow().endsWith(probe.expected)) return;
      probe.expected = null;
      const now = performance.now();
      const since = (t: number): number => (t > 0 ? t - probe.keydownAt : Number.NaN);
      probe.resolve({
        visibleMs: now - probe.keydownAt,
        messageMs: since(probe.messageAt),
        frameMs: since(probe.frameAt),
      });
    }).observe(rowsElement, { childList: true, subtree: true, characterData: true });
  });
}

/** Presses one key and returns the in-page timing until the last row ends with `expected`. */
async function measureKeystroke(page: Page, key: string, expected: string): Promise<EchoTiming> {
  await page.evaluate((text) => {
    const probe = window.__benchEcho;
    if (!probe) throw new Error('echo probe not installed');
    Object.assign(probe, { expected: text, keydownAt: 0, messageAt: 0, frameAt: 0 });
    probe.echoed = new Promise((resolve) => (probe.resolve = resolve));
  }, expected);
  await page.keyboard.press(key);
  return page.evaluate(
    (timeoutMs) =>
      Promise.race([
        window.__benchEcho?.echoed ?? Promise.reject(new Error('echo probe not installed')),
        new Promise<EchoTiming>((_, reject) => setTimeout(() => reject(new Error('no echo')), timeoutMs)),
      ]),
    ECHO_TIMEOUT_MS,
  );
}

/** Waits until the terminal's last row matches and returns it. */
async function waitForLastRow(page: Page, pattern: RegExp): Promise<string> {
  const row = await page.waitForFunction(
    (source) => {
      const text = window.__benchEcho?.lastRow() ?? '';
      return new RegExp(source).test(text) ? text : null;
    },
    pattern.source,
    { timeout: 30_000, polling: 'raf' },
  );
  return (await row.jsonValue()) ?? '';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Opens a new terminal in the IDE, waits for its prompt and returns the prompt line. */
async function openTerminal(page: Page): Promise<string> {
  const terminals = page.locator('.xterm');
  const before = await terminals.count();
  await page.getByRole('button', { name: 'New terminal' }).click();
  const terminal = terminals.nth(before);
  await terminal.waitFor();
  const rows = await terminal.locator('.xterm-rows').elementHandle();
  if (!rows) throw new Error('the new terminal has no .xterm-rows (is the DOM renderer in use?)');
  await installEchoProbe(rows);
  const prompt = await waitForLastRow(page, /[$#]$/);
  await terminal.click();
  return prompt;
}

/** Types `count` letters in runs of RUN_LENGTH, waiting for each echo; returns their timings. */
async function typeAndMeasure(page: Page, prompt: string, count: number): Promise<EchoTiming[]> {
  const timings: EchoTiming[] = [];
  let line = '';
  for (let i = 0; i < count; i++) {
    const letter = LETTERS[i % LETTERS.length] ?? 'a';
    line += letter;
    timings.push(await measureKeystroke(page, letter, line));
    if (line.length === RUN_LENGTH || i === count - 1) {
      await page.keyboard.press('Control+U');
      await waitForLastRow(page, new RegExp(`^${escapeRegExp(prompt)}$`));
      line = '';
    }
  }
  return timings;
}

function breakdown(timings: EchoTiming[]): string {
  const p50 = (pick: (t: EchoTiming) => number): string => formatMs(median(timings.map(pick)));
  return (
    `Echo, split at p50: keydown → echo message received ${p50((t) => t.messageMs)} (client, server, pty, bash); ` +
    `message → character in the DOM ${p50((t) => t.visibleMs - t.messageMs)}, while an animation frame requested ` +
    `when the message arrived fired ${p50((t) => t.frameMs - t.messageMs)} after it — xterm.js renders on the next ` +
    'animation frame, and that wait is most of the gap.'
  );
}

/** Figure 2: keydown → echoed character visible in xterm's rows, in the page. */
export async function measureTerminalEcho(
  browser: Browser,
  session: ApiSession,
  projectId: string,
): Promise<BenchOutcome> {
  const context = await newSignedInContext(browser, session);
  try {
    await context.addInitScript(SOCKET_HOOK);
    const page = await context.newPage();
    await openIde(page, session, projectId);
    // The IDE reattaches the project's terminal by itself; let it settle before adding one.
    await waitForTerminalPrompt(page);
    const prompt = await openTerminal(page);
    const timings = await typeAndMeasure(page, prompt, KEYSTROKES);
    const visible = timings.map((t) => t.visibleMs);
    const p95 = percentile(visible, 95);
    return {
      figures: [
        {
          name: `Terminal keystroke echo p50 / p95 / max (${KEYSTROKES} keys)`,
          measured: `${formatMs(median(visible))} / ${formatMs(p95)} / ${formatMs(max(visible))}`,
          target: `p95 ≤ ${P95_TARGET_MS} ms`,
          reference: '62 ms',
          verdict: judge(p95, P95_TARGET_MS),
        },
      ],
      notes: [breakdown(timings)],
    };
  } finally {
    await context.close();
  }
}
