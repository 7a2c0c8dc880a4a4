// Relative, not '@/…': this value import must also resolve under vitest, which has no path alias.
import {
  publishStages,
  type AppDto,
  type AppVersionDto,
  type PublishEvent,
  type PublishStage,
} from '../../server/protocol/apps';

/** Where one stage of a publish stands, as the progress view shows it. */
export type StageState = 'pending' | 'running' | 'done' | 'failed';

/** Everything the progress view shows, folded from the stream of PublishEvents. */
export interface PublishProgress {
  status: 'running' | 'done' | 'failed';
  stages: Readonly<Record<PublishStage, StageState>>;
  /** Stage details the server gave (e.g. "commit 1a2b3c4"), by stage. */
  details: Readonly<Partial<Record<PublishStage, string>>>;
  log: readonly string[];
  result: { app: AppDto; version: AppVersionDto } | null;
  /** The stage that failed (null when the request itself failed before any stage) and why. */
  failure: { stage: PublishStage | null; reason: string } | null;
}

/** Longer logs keep their tail: the end of a build log is where its errors are. */
export const MAX_LOG_LINES = 2000;

/** The progress before the first event. */
export function initialProgress(): PublishProgress {
  const stages = Object.fromEntries(publishStages.map((s) => [s, 'pending'])) as Record<PublishStage, StageState>;
  return { status: 'running', stages, details: {}, log: [], result: null, failure: null };
}

/** Folds one event into the progress (pure; React state updates call it). */
export function applyPublishEvent(progress: PublishProgress, event: PublishEvent): PublishProgress {
  switch (event.type) {
    case 'stage': {
      const state: StageState = event.state === 'started' ? 'running' : event.state;
      const details = event.detail ? { ...progress.details, [event.stage]: event.detail } : progress.details;
      return { ...progress, stages: { ...progress.stages, [event.stage]: state }, details };
    }
    case 'log':
      return { ...progress, log: [...progress.log, ...event.line.split('\n')].slice(-MAX_LOG_LINES) };
    case 'done':
      return {
        ...progress,
        status: 'done',
        stages: Object.fromEntries(publishStages.map((s) => [s, 'done'])) as Record<PublishStage, StageState>,
        result: { app: event.app, version: event.version },
      };
    case 'failed':
      return {
        ...progress,
        status: 'failed',
        stages: { ...progress.stages, [event.stage]: 'failed' },
        failure: { stage: event.stage, reason: event.detail },
      };
  }
}

/** The request failed or the stream broke: the running stage (if any) is the one that failed. */
export function failProgress(progress: PublishProgress, reason: string): PublishProgress {
  if (progress.status !== 'running') return progress;
  const stage = publishStages.find((s) => progress.stages[s] === 'running') ?? null;
  const stages = stage ? { ...progress.stages, [stage]: 'failed' as const } : progress.stages;
  return { ...progress, status: 'failed', stages, failure: { stage, reason } };
}
