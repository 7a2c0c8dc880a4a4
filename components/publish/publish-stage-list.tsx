import { publishStages } from '@/server/protocol/apps';
import type { PublishProgress, StageState } from './publish-progress';

const GLYPH: Record<StageState, string> = { pending: '○', running: '◐', done: '✓', failed: '✗' };
const STATE_TEXT: Record<StageState, string> = {
  pending: 'waiting',
  running: 'in progress',
  done: 'done',
  failed: 'failed',
};

/** The seven stages of a publish in order, each with its state icon and the server's detail. */
export function PublishStageList({ progress }: { progress: PublishProgress }) {
  return (
    <ol className="publish-stages" aria-label="Publish stages">
      {publishStages.map((stage) => {
        const state = progress.stages[stage];
        return (
          <li key={stage} className={`publish-stage publish-stage-${state}`} data-state={state}>
            <span className="publish-stage-icon" aria-hidden="true">
              {GLYPH[state]}
            </span>
            <span className="publish-stage-name">{stage}</span>
            <span className="visually-hidden">: {STATE_TEXT[state]}</span>
            {progress.details[stage] ? <span className="publish-stage-detail">{progress.details[stage]}</span> : null}
          </li>
        );
      })}
    </ol>
  );
}
