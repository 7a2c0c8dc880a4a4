'use client';

import { useState } from 'react';
import { PublishDialog } from './publish-dialog';
import { usePublish } from './use-publish';

/** The IDE's "Publish" button: one click publishes the project and opens the progress view. */
export function PublishButton({
  projectId,
  projectName,
  unsavedFiles,
}: {
  projectId: string;
  projectName: string;
  unsavedFiles: number;
}) {
  // The publish lives here, not in the dialog: closing the dialog does not stop it, and
  // opening it again shows where it got to.
  const { progress, start } = usePublish(projectId);
  const [open, setOpen] = useState(false);
  const running = progress?.status === 'running';

  function onClick(): void {
    if (!running) start();
    setOpen(true);
  }

  return (
    <>
      <button
        type="button"
        className="btn publish-button"
        aria-busy={running}
        title={running ? 'Publishing… (show progress)' : 'Publish this project as a new version of its app'}
        onClick={onClick}
      >
        Publish
      </button>
      {open && progress ? (
        <PublishDialog
          projectName={projectName}
          progress={progress}
          unsavedFiles={unsavedFiles}
          onPublishAgain={start}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </>
  );
}
