import { describe, expect, it } from 'vitest';
import type { AppDto, AppVersionDto, PublishEvent, PublishOperationDto } from '@/server/protocol/apps';
import {
  applyPublishEvent,
  failProgress,
  initialProgress,
  MAX_LOG_LINES,
  type PublishProgress,
} from './publish-progress';

const fold = (events: PublishEvent[]): PublishProgress => events.reduce(applyPublishEvent, initialProgress());
const operation = { id: 'op' } as PublishOperationDto;

describe('publish progress', () => {
  it('starts with every stage pending', () => {
    expect(Object.values(initialProgress().stages)).toEqual(Array(7).fill('pending'));
  });

  it('follows stages, keeps details and the log', () => {
    const progress = fold([
      { type: 'stage', stage: 'commit', state: 'started' },
      { type: 'stage', stage: 'commit', state: 'done', detail: 'commit 1a2b3c4' },
      { type: 'stage', stage: 'build', state: 'started' },
      { type: 'log', line: 'javac: 3 files\nok' },
    ]);
    expect(progress.stages).toMatchObject({ commit: 'done', build: 'running', package: 'pending' });
    expect(progress.details.commit).toBe('commit 1a2b3c4');
    expect(progress.log).toEqual(['javac: 3 files', 'ok']);
    expect(progress.status).toBe('running');
  });

  it('ends done with the app and version, every stage done', () => {
    const app = { url: 'http://a.t.apps.localhost:8080' } as AppDto;
    const version = { number: 2 } as AppVersionDto;
    const progress = fold([{ type: 'done', operation, app, version }]);
    expect(progress.status).toBe('done');
    expect(progress.result).toEqual({ app, version });
    expect(new Set(Object.values(progress.stages))).toEqual(new Set(['done']));
  });

  it('ends failed at the stage the server names, with its reason', () => {
    const progress = fold([
      { type: 'stage', stage: 'build', state: 'started' },
      { type: 'failed', operation, stage: 'build', detail: 'app.py:3: SyntaxError' },
    ]);
    expect(progress).toMatchObject({ status: 'failed', failure: { stage: 'build', reason: 'app.py:3: SyntaxError' } });
    expect(progress.stages.build).toBe('failed');
  });

  it('blames the running stage when the stream breaks, and nothing once finished', () => {
    const running = fold([{ type: 'stage', stage: 'health', state: 'started' }]);
    expect(failProgress(running, 'network error')).toMatchObject({ failure: { stage: 'health' }, status: 'failed' });
    expect(failProgress(initialProgress(), 'HTTP 403')).toMatchObject({ failure: { stage: null, reason: 'HTTP 403' } });
    const done = fold([{ type: 'done', operation, app: {} as AppDto, version: {} as AppVersionDto }]);
    expect(failProgress(done, 'late')).toBe(done);
  });

  it('keeps the tail of a long log', () => {
    const events: PublishEvent[] = Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => ({
      type: 'log',
      line: `l${i}`,
    }));
    const { log } = fold(events);
    expect(log).toHaveLength(MAX_LOG_LINES);
    expect(log.at(-1)).toBe(`l${MAX_LOG_LINES + 4}`);
  });
});
