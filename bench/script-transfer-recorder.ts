import type { BrowserContext, CDPSession, Page, Response } from 'playwright-core';

/** One JavaScript response received over the network (cache hits are not transfers). */
export interface ScriptTransfer {
  url: string;
  /** Bytes on the wire: response headers plus the body as sent (compressed when encoded). */
  wireBytes: number;
  /** Body bytes after decompression. */
  decodedBytes: number;
  contentEncoding: string | null;
  /** When loading finished, in milliseconds since the document's navigation started. */
  finishedMs: number;
  /** Who reported it: CDP for the page or a worker, or only Playwright (a worker's main script). */
  source: 'page' | 'worker' | 'playwright';
}

/** The few CDP Network event fields used here (playwright-core does not export its Protocol types). */
interface NetworkEvent {
  requestId: string;
  timestamp?: number;
  type?: string;
  dataLength?: number;
  encodedDataLength?: number;
  request?: { url: string };
  response?: {
    url: string;
    mimeType: string;
    headers: Record<string, string>;
    fromDiskCache?: boolean;
    fromPrefetchCache?: boolean;
  };
}

interface InFlight {
  url: string;
  isScript: boolean;
  fromCache: boolean;
  contentEncoding: string | null;
  decodedBytes: number;
}

const NETWORK_EVENTS = [
  'Network.requestWillBeSent',
  'Network.responseReceived',
  'Network.dataReceived',
  'Network.loadingFinished',
  'Network.requestServedFromCache',
] as const;

function isJavaScript(mimeType: string, url: string): boolean {
  return /javascript|ecmascript/i.test(mimeType) || /\.m?js$/.test(url);
}

function header(headers: Record<string, string>, name: string): string | null {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? null : (headers[key] ?? null);
}

function withoutFragment(url: string): string {
  return url.split('#')[0] ?? url;
}

/**
 * Records every JavaScript response a page and its workers receive, through CDP: the page's own
 * Network domain, plus each worker's through Target auto-attach (non-flat sessions, the only kind
 * a Playwright CDPSession can talk to). Workers start paused until their Network domain is on.
 * Chromium fetches a dedicated worker's main script before the worker's target exists, so CDP
 * never reports it; those few come from Playwright's own network events instead.
 */
export class ScriptTransferRecorder {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly cdpTransfers: (Omit<ScriptTransfer, 'finishedMs'> & { finishedAt: number })[] = [];
  private readonly playwrightScripts: Response[] = [];
  private documentRequestAt: number | undefined;
  private messageId = 0;

  private constructor(private readonly cdp: CDPSession) {}

  /** Starts recording; call before navigating. */
  static async attach(context: BrowserContext, page: Page): Promise<ScriptTransferRecorder> {
    const recorder = new ScriptTransferRecorder(await context.newCDPSession(page));
    for (const method of NETWORK_EVENTS) {
      recorder.cdp.on(method, (event: NetworkEvent) => recorder.onNetworkEvent('page', method, event));
    }
    recorder.cdp.on('Target.attachedToTarget', (event) => void recorder.onAttached(event.sessionId));
    recorder.cdp.on('Target.receivedMessageFromTarget', (event) =>
      recorder.onWorkerMessage(event.sessionId, event.message),
    );
    context.on('response', (response) => {
      if (isJavaScript(response.headers()['content-type'] ?? '', response.url()))
        recorder.playwrightScripts.push(response);
    });
    await recorder.cdp.send('Network.enable');
    await recorder.cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
    return recorder;
  }

  private sendToTarget(sessionId: string, method: string): Promise<unknown> {
    const message = JSON.stringify({ id: ++this.messageId, method });
    return this.cdp.send('Target.sendMessageToTarget', { sessionId, message });
  }

  /** Turns on the new worker's Network domain, then lets it run; it must run even if that failed. */
  private async onAttached(sessionId: string): Promise<void> {
    // A failure means the worker ended (or the page navigated) first: nothing to record then.
    await this.sendToTarget(sessionId, 'Network.enable').catch(() => undefined);
    await this.sendToTarget(sessionId, 'Runtime.runIfWaitingForDebugger').catch(() => undefined);
  }

  private onWorkerMessage(sessionId: string, raw: string): void {
    const message = JSON.parse(raw) as { method?: string; params?: NetworkEvent };
    if (!message.method?.startsWith('Network.') || !message.params) return;
    const event = message.params;
    this.onNetworkEvent('worker', message.method, { ...event, requestId: `${sessionId}/${event.requestId}` });
  }

  private onNetworkEvent(source: 'page' | 'worker', method: string, event: NetworkEvent): void {
    const entry = this.inFlight.get(event.requestId);
    switch (method) {
      case 'Network.requestWillBeSent':
        if (source === 'page' && event.type === 'Document') this.documentRequestAt = event.timestamp;
        break;
      case 'Network.responseReceived': {
        const response = event.response;
        if (!response) break;
        this.inFlight.set(event.requestId, {
          url: withoutFragment(response.url),
          isScript: isJavaScript(response.mimeType, response.url),
          fromCache:
            entry?.fromCache === true || response.fromDiskCache === true || response.fromPrefetchCache === true,
          contentEncoding: header(response.headers, 'content-encoding'),
          decodedBytes: 0,
        });
        break;
      }
      case 'Network.requestServedFromCache':
        this.inFlight.set(event.requestId, { ...(entry ?? emptyInFlight()), fromCache: true });
        break;
      case 'Network.dataReceived':
        if (entry) entry.decodedBytes += event.dataLength ?? 0;
        break;
      case 'Network.loadingFinished':
        if (entry?.isScript && !entry.fromCache && (event.encodedDataLength ?? 0) > 0) {
          this.cdpTransfers.push({
            url: entry.url,
            wireBytes: event.encodedDataLength ?? 0,
            decodedBytes: entry.decodedBytes,
            contentEncoding: entry.contentEncoding,
            finishedAt: event.timestamp ?? 0,
            source,
          });
        }
        this.inFlight.delete(event.requestId);
        break;
    }
  }

  /** Scripts Playwright saw that CDP did not (worker main scripts), with Playwright's sizes and timing. */
  private async workerMainScripts(page: Page, seen: Set<string>): Promise<ScriptTransfer[]> {
    const timeOrigin = await page.evaluate(() => performance.timeOrigin);
    const missing: ScriptTransfer[] = [];
    for (const response of this.playwrightScripts) {
      const url = withoutFragment(response.url());
      if (seen.has(url)) continue;
      const sizes = await response.request().sizes();
      if (sizes.responseBodySize === 0) continue; // served from the cache
      const timing = response.request().timing();
      missing.push({
        url,
        wireBytes: sizes.responseHeadersSize + sizes.responseBodySize,
        decodedBytes: (await response.body()).byteLength,
        contentEncoding: (await response.headerValue('content-encoding')) ?? null,
        finishedMs: timing.startTime + timing.responseEnd - timeOrigin,
        source: 'playwright',
      });
      seen.add(url);
    }
    return missing;
  }

  /** Every script transfer so far, timed from the navigation start of the page's document. */
  async transfers(page: Page): Promise<ScriptTransfer[]> {
    const start = this.documentRequestAt;
    if (start === undefined) throw new Error('no document request was recorded');
    const fromCdp = this.cdpTransfers.map(({ finishedAt, ...transfer }) => ({
      ...transfer,
      finishedMs: (finishedAt - start) * 1000,
    }));
    const seen = new Set(fromCdp.map((t) => t.url));
    return [...fromCdp, ...(await this.workerMainScripts(page, seen))];
  }

  async detach(): Promise<void> {
    await this.cdp.detach();
  }
}

function emptyInFlight(): InFlight {
  return { url: '', isScript: false, fromCache: true, contentEncoding: null, decodedBytes: 0 };
}
