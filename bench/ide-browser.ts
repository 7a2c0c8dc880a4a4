import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/chromium';
import type { ApiSession } from './api-session';

/** The IDE sets `__slipwayEditorReady` (components/editor/editor-ready.ts) when the first file is editable. */
type IdeWindow = Window & { __slipwayEditorReady?: number };

const IDE_TIMEOUT_MS = 60_000;

/** Debian's Chromium, headless, without the background traffic that would pollute measurements. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    // run.ts closes the browser and stops the platform itself on Ctrl+C; Playwright's own
    // handlers would exit the process before the platform is stopped.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [...CHROMIUM_ARGS],
  });
}

/** A fresh browser context (empty HTTP cache and storage) signed in with the session's cookie. */
export async function newSignedInContext(browser: Browser, session: ApiSession): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies([{ ...session.cookie, url: session.baseUrl }]);
  // tsx compiles this benchmark with esbuild's keepNames, which wraps named functions inside
  // page.evaluate() callbacks in __name(...) calls; give the page a no-op of that helper.
  await context.addInitScript('globalThis.__name = (target) => target;');
  return context;
}

export function ideUrl(session: ApiSession, projectId: string): string {
  return `${session.baseUrl}/ide/${projectId}`;
}

/**
 * Navigates to the IDE and waits until its editor is editable. Returns `__slipwayEditorReady`:
 * performance.now() of the new document, i.e. milliseconds since its navigation started.
 */
export async function openIde(page: Page, session: ApiSession, projectId: string): Promise<number> {
  await page.goto(ideUrl(session, projectId));
  const ready = await page.waitForFunction(() => (window as IdeWindow).__slipwayEditorReady, undefined, {
    timeout: IDE_TIMEOUT_MS,
    polling: 50,
  });
  return (await ready.jsonValue()) ?? Number.NaN;
}

/**
 * Waits until a terminal of the IDE shows a shell prompt. The IDE starts (or reattaches) a
 * terminal by itself and focuses it when it appears, so wait for that before typing elsewhere.
 */
export async function waitForTerminalPrompt(page: Page): Promise<void> {
  await page.waitForFunction(
    () => [...document.querySelectorAll('.xterm-rows')].some((rows) => /[$#]\s*$/.test(rows.textContent ?? '')),
    undefined,
    { timeout: IDE_TIMEOUT_MS },
  );
}

/** Puts the cursor at the end of the open file, with the keyboard focus in the editor. */
export async function focusEditorAtEnd(page: Page): Promise<void> {
  await page.locator('[data-testid="editor"] .view-lines').click();
  await page.keyboard.press('Control+End');
  const focused = await page.evaluate(() => {
    const element = document.activeElement;
    return element !== null && element.closest('[data-testid="editor"]') !== null;
  });
  if (!focused) throw new Error('the editor did not take the keyboard focus');
}
