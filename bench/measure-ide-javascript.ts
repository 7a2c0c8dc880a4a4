import type { Browser } from 'playwright-core';
import type { ApiSession } from './api-session';
import { judge, type BenchOutcome } from './figure';
import { newSignedInContext, openIde } from './ide-browser';
import { ScriptTransferRecorder, type ScriptTransfer } from './script-transfer-recorder';
import { sum } from './stats';
import { formatKB, formatMB, formatSeconds } from './units';

const TARGET_WIRE_BYTES = 2e6;
/** How long after ready lazily loaded scripts are still counted. */
const LAZY_WINDOW_MS = 3000;

function sizes(transfers: ScriptTransfer[]): string {
  const wire = sum(transfers.map((t) => t.wireBytes));
  const decoded = sum(transfers.map((t) => t.decodedBytes));
  return `${formatMB(wire)} compressed / ${formatMB(decoded)} raw (${transfers.length} files)`;
}

function describeLargest(transfers: ScriptTransfer[], count: number): string {
  return [...transfers]
    .sort((a, b) => b.wireBytes - a.wireBytes)
    .slice(0, count)
    .map((t) => `${fileName(t.url)} ${formatKB(t.wireBytes)} (${formatKB(t.decodedBytes)} raw)`)
    .join(', ');
}

function fileName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** Counts per content-encoding, naming the scripts sent without one. */
function describeEncodings(transfers: ScriptTransfer[]): string {
  const counts = new Map<string, number>();
  for (const t of transfers) {
    const encoding = t.contentEncoding ?? 'none';
    counts.set(encoding, (counts.get(encoding) ?? 0) + 1);
  }
  const plain = transfers
    .filter((t) => t.contentEncoding === null)
    .map((t) => `${fileName(t.url)} ${formatKB(t.decodedBytes)}`);
  const summary = [...counts].map(([encoding, n]) => `${n} ${encoding}`).join(', ');
  return plain.length > 0 ? `${summary} (sent uncompressed: ${plain.join(', ')})` : summary;
}

/** Figure 4: JavaScript received on a cold load before the editor is editable, and lazily after. */
export async function measureIdeJavaScript(
  browser: Browser,
  session: ApiSession,
  projectId: string,
): Promise<BenchOutcome> {
  const context = await newSignedInContext(browser, session);
  try {
    const page = await context.newPage();
    const recorder = await ScriptTransferRecorder.attach(context, page);
    const ready = await openIde(page, session, projectId);
    await page.waitForTimeout(LAZY_WINDOW_MS);
    const transfers = await recorder.transfers(page);
    await recorder.detach();
    const beforeReady = transfers.filter((t) => t.finishedMs <= ready);
    const lazy = transfers.filter((t) => t.finishedMs > ready && t.finishedMs <= ready + LAZY_WINDOW_MS);
    const wireBeforeReady = sum(beforeReady.map((t) => t.wireBytes));
    const fromWorkers = transfers.filter((t) => t.source !== 'page');
    return {
      figures: [
        {
          name: 'JavaScript received before the editor is editable (cold load)',
          measured: sizes(beforeReady),
          target: `≤ ${TARGET_WIRE_BYTES / 1e6} MB compressed`,
          reference: '3.3 MB / 12 MB raw',
          verdict: judge(wireBeforeReady, TARGET_WIRE_BYTES),
        },
        {
          name: `JavaScript loaded lazily in the ${LAZY_WINDOW_MS / 1000} s after ready`,
          measured: sizes(lazy),
          target: '—',
          reference: '—',
          verdict: 'no target',
        },
      ],
      notes: [
        `JavaScript: that load became editable at ${formatSeconds(ready)}. "Compressed" is bytes on the wire ` +
          `(CDP encodedDataLength: headers plus the body as sent); content-encoding of the scripts before ready: ` +
          `${describeEncodings(beforeReady)}. Largest before ready: ${describeLargest(beforeReady, 3)}. ` +
          `Of all scripts, ${fromWorkers.length} were fetched by workers (${sizes(fromWorkers)}), ` +
          `${fromWorkers.filter((t) => t.finishedMs <= ready).length} of them before ready.`,
      ],
    };
  } finally {
    await context.close();
  }
}
