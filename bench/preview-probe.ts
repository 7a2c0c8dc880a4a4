import type { BrowserContext, Page } from 'playwright-core';

/**
 * Timestamps of the preview's life as seen in the browser. Every time is `performance.timeOrigin +
 * performance.now()` of the document that took it: milliseconds since the epoch on Chromium's
 * monotonic clock, comparable between the IDE's renderer and the preview frame's (another process,
 * the frame is cross-site). `deliveryMs` of each paint report checks that: a message cannot
 * arrive before it was sent.
 */
export type ProbeEvent =
  /** Ctrl+S pressed (capture-phase keydown on the IDE's window, before the IDE's own handler). */
  | { kind: 'save'; at: number }
  /** The emulator's Run button clicked (capture-phase click on the IDE's window). */
  | { kind: 'run'; at: number }
  /** A message on the IDE's preview WebSocket arrived (before the IDE's handler ran). */
  | {
      kind: 'socket';
      at: number;
      type: string;
      state?: string;
      /** Of `build-finished`: the server's start time (ISO), duration (build + swap or start) and outcome. */
      startedAt?: string;
      durationMs?: number;
      outcome?: string;
    }
  /** The injected bridge of a new preview document said `navigated` (it does so on load). */
  | { kind: 'navigated'; at: number; url: string }
  /** A preview document's first contentful paint, reported by the document itself. */
  | ({ kind: 'paint'; receivedAt: number } & FramePaint);

/** What a preview document reports about itself once it has painted. */
export interface FramePaint {
  path: string;
  /** The document's text (`body.innerText`) when its first contentful paint was reported. */
  text: string;
  /** Its navigation start (the frame's `performance.timeOrigin`). */
  navigationStartAt: number;
  /** Navigation Timing of its main request, through the platform's preview proxy. */
  requestStartAt: number;
  responseEndAt: number;
  /** The `first-contentful-paint` entry: Chromium's presentation time of the first frame with content. */
  paintAt: number;
  /** When the report was posted to the IDE's window. */
  sentAt: number;
}

interface PreviewProbe {
  events: ProbeEvent[];
}

declare global {
  interface Window {
    __benchPreview?: PreviewProbe;
  }
}

/**
 * Runs before any script of every document of the context. In a preview document (a frame on
 * `*.<previewDomain>`): a PerformanceObserver posts its first contentful paint to the parent
 * window (the IDE) — Playwright cannot inject scripts into the cross-origin frame from the page,
 * but a context's init scripts run in every frame. In the IDE's window: records Ctrl+S, Run
 * clicks, preview socket messages, the bridge's `navigated` messages and those paint reports.
 */
function installProbe(previewDomain: string): void {
  const now = (): number => performance.timeOrigin + performance.now();
  if (location.hostname.endsWith(`.${previewDomain}`)) {
    if (window.parent === window) return;
    const observer = new PerformanceObserver((list) => {
      const paint = list.getEntries().find((entry) => entry.name === 'first-contentful-paint');
      if (!paint) return;
      observer.disconnect();
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const report: FramePaint & { source: string } = {
        source: 'slipway-bench',
        path: location.pathname,
        text: document.body ? document.body.innerText : '',
        navigationStartAt: performance.timeOrigin,
        requestStartAt: performance.timeOrigin + (navigation?.requestStart ?? Number.NaN),
        responseEndAt: performance.timeOrigin + (navigation?.responseEnd ?? Number.NaN),
        paintAt: performance.timeOrigin + paint.startTime,
        sentAt: now(),
      };
      // The IDE ignores messages that are not its bridge's; only the benchmark listens for these.
      window.parent.postMessage(report, '*');
    });
    observer.observe({ type: 'paint', buffered: true });
    return;
  }
  if (window.top !== window) return;
  const probe: PreviewProbe = { events: [] };
  window.__benchPreview = probe;
  // The IDE's own load fills most of the default 250 entries; the saves' PUTs must be recorded too.
  performance.setResourceTimingBufferSize(10_000);
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.ctrlKey && event.code === 'KeyS') probe.events.push({ kind: 'save', at: now() });
    },
    true,
  );
  window.addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest('button[aria-label="Run"]')) probe.events.push({ kind: 'run', at: now() });
    },
    true,
  );
  window.addEventListener('message', (event) => {
    const data = event.data as Record<string, unknown> | null;
    if (!data || typeof data !== 'object') return;
    if (data.source === 'slipway-bench') {
      probe.events.push({ kind: 'paint', receivedAt: now(), ...(data as unknown as FramePaint) });
    } else if (data.source === 'slipway-preview' && data.type === 'navigated') {
      probe.events.push({ kind: 'navigated', at: now(), url: String(data.url) });
    }
  });
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      if (!String(url).includes('/preview')) return;
      // Added before the IDE sets onmessage, so it runs first: the arrival time, not the handling's end.
      this.addEventListener('message', (event: MessageEvent<unknown>) => {
        const at = now();
        try {
          const message = JSON.parse(String(event.data)) as {
            type: string;
            status?: { state?: string };
            build?: { startedAt?: string; durationMs?: number; outcome?: string };
          };
          probe.events.push({
            kind: 'socket',
            at,
            type: message.type,
            ...(message.status?.state ? { state: message.status.state } : {}),
            ...(message.build
              ? {
                  startedAt: message.build.startedAt,
                  durationMs: message.build.durationMs,
                  outcome: message.build.outcome,
                }
              : {}),
          });
        } catch {
          // Not JSON: not a preview message.
        }
      });
    }
  };
}

/** Adds the probe to a context; it takes effect in documents loaded afterwards. */
export async function addPreviewProbe(context: BrowserContext, previewDomain: string): Promise<void> {
  await context.addInitScript(installProbe, previewDomain);
}

/** How many events the IDE page's probe holds: later events are those of the next action. */
export async function probeMark(page: Page): Promise<number> {
  return page.evaluate(() => window.__benchPreview?.events.length ?? 0);
}

/** The probe's events from `mark` on. */
export async function probeEventsSince(page: Page, mark: number): Promise<ProbeEvent[]> {
  return page.evaluate((from) => window.__benchPreview?.events.slice(from) ?? [], mark);
}

/**
 * Waits until a preview document whose text contains `text` has painted, then returns the
 * events since `mark`. The times come from the events themselves, so the 20 ms polling here
 * does not enter any figure.
 */
export async function waitForPaintOf(page: Page, mark: number, text: string, timeoutMs: number): Promise<ProbeEvent[]> {
  try {
    await page.waitForFunction(
      ({ from, wanted }) =>
        (window.__benchPreview?.events ?? [])
          .slice(from)
          .some((event) => event.kind === 'paint' && event.text.includes(wanted)),
      { from: mark, wanted: text },
      { timeout: timeoutMs, polling: 20 },
    );
  } catch (error) {
    const seen = (await probeEventsSince(page, mark)).map((event) =>
      event.kind === 'paint' ? `paint of ${event.path}: ${JSON.stringify(event.text.slice(0, 80))}` : event.kind,
    );
    throw new Error(
      `no preview document showing ${JSON.stringify(text)} painted within ${timeoutMs / 1000} s ` +
        `(events: ${seen.join('; ') || 'none'})`,
      { cause: error },
    );
  }
  return probeEventsSince(page, mark);
}
