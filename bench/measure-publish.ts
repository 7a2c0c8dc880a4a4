import { publishStages } from '../server/protocol/apps';
import { HELLO_TEMPLATES, publishAndWait, type BenchApp, type BenchAppContext, type TimedPublish } from './bench-app';
import { judge, type BenchOutcome } from './figure';
import { stageDurations } from './hosting-api';
import { median } from './stats';
import { formatMs, formatSeconds } from './units';

/** Publishes per template: the first (which creates the app) and republishes after an edit. */
export const PUBLISHES = 4;
const TARGET_MS = { python: 2000, java: 4000 } as const;

/**
 * Click → serving for one template's app: {@link PUBLISHES} publishes, each after a new GREETING,
 * timed from the publish request's start to the first 200 through the gateway with the new text.
 */
export async function measurePublish(context: BenchAppContext, bench: BenchApp): Promise<BenchOutcome> {
  const runs: TimedPublish[] = [];
  for (let i = 0; i < PUBLISHES; i++) runs.push(await publishAndWait(context, bench));
  const label = HELLO_TEMPLATES[bench.runtime].label;
  const serving = runs.map((run) => run.servingMs);
  const typical = median(serving);
  const limit = TARGET_MS[bench.runtime];
  const stages = publishStages
    .map((stage) => {
      const times = runs.map((run) => stageDurations(run.run).get(stage)).filter((t) => t !== undefined);
      return times.length > 0 ? `${stage} ${median(times).toFixed(0)}` : undefined;
    })
    .filter((text) => text !== undefined);
  return {
    figures: [
      {
        name: `Publish, click → serving (${label}, ${bench.page}), median of ${PUBLISHES}`,
        measured: `${formatSeconds(typical)} (runs: ${serving.map((ms) => formatSeconds(ms)).join(', ')})`,
        target: `≤ ${formatSeconds(limit)}`,
        reference: '—',
        verdict: judge(typical, limit),
      },
    ],
    notes: [
      `Publish ${label}: stages from the NDJSON stream, median ms: ${stages.join(', ')}; the \`done\` line ` +
        `arrived at ${formatMs(median(runs.map((run) => run.run.doneMs)))} (median); the first run created ` +
        `the app (${formatSeconds(serving[0] ?? 0)}), the others republished it after a GREETING edit.`,
    ],
  };
}
