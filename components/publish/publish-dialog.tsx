'use client';

import { useEffect, useRef } from 'react';
import { QrCode } from '@/components/ui/qr-code';
import { ModalDialog } from '@/components/ui/modal-dialog';
import type { PublishProgress } from './publish-progress';
import { PublishStageList } from './publish-stage-list';
import './publish.css';

/** The progress of a publish: stages, live log, then the app's URL and QR code, or why it failed. */
export function PublishDialog({
  projectName,
  progress,
  unsavedFiles,
  onPublishAgain,
  onClose,
}: {
  projectName: string;
  progress: PublishProgress;
  /** Editor tabs with unsaved edits: a publish takes the files as saved on the server. */
  unsavedFiles: number;
  onPublishAgain: () => void;
  onClose: () => void;
}) {
  const { status, result, failure } = progress;
  return (
    <ModalDialog
      className="publish-dialog"
      titleId="publish-title"
      title={`Publish ${projectName}`}
      actions={
        status !== 'running' ? (
          <button type="button" className="btn btn-secondary" onClick={onPublishAgain}>
            Publish again
          </button>
        ) : null
      }
      onClose={onClose}
    >
      {unsavedFiles > 0 ? (
        <p className="hint">
          {unsavedFiles} {unsavedFiles === 1 ? 'file has' : 'files have'} unsaved edits that this publish does not
          include.
        </p>
      ) : null}
      <PublishStageList progress={progress} />
      <p className="publish-status" role="status">
        {status === 'running' ? 'Publishing…' : null}
        {result ? `Published version ${result.version.number} of ${result.app.slug}.` : null}
      </p>
      {result ? (
        <div className="publish-result">
          <div>
            <a href={result.app.url} target="_blank" rel="noopener noreferrer" className="btn">
              Open app
            </a>
            <p>
              <code className="publish-url">{result.app.url}</code>
            </p>
            <p className="hint">Scan the code to open the app on a phone.</p>
          </div>
          <QrCode text={result.app.url} label={`QR code of ${result.app.url}`} size={160} />
        </div>
      ) : null}
      {failure ? (
        <p className="publish-failure" role="alert">
          {failure.stage ? `Failed at ${failure.stage}: ` : 'The publish could not start: '}
          {failure.reason.replace(/\.?\s*$/, '.')} Nothing that serves was changed.
        </p>
      ) : null}
      <PublishLog lines={progress.log} open={status !== 'done'} />
    </ModalDialog>
  );
}

/** The build and start log, kept scrolled to its end while it grows. */
function PublishLog({ lines, open }: { lines: readonly string[]; open: boolean }) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const pre = ref.current;
    if (pre) pre.scrollTop = pre.scrollHeight;
  }, [lines]);
  return (
    <details className="publish-log" open={open}>
      <summary>Log ({lines.length} lines)</summary>
      <pre ref={ref} role="log" aria-label="Publish log">
        {lines.join('\n')}
      </pre>
    </details>
  );
}
