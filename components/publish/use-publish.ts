'use client';

import { useCallback, useRef, useState } from 'react';
import { api, errorMessage } from '@/components/api/api-client';
import { applyPublishEvent, failProgress, initialProgress, type PublishProgress } from './publish-progress';

/** Runs one publish of a project at a time and exposes its progress (null before the first). */
export function usePublish(projectId: string): { progress: PublishProgress | null; start: () => void } {
  const [progress, setProgress] = useState<PublishProgress | null>(null);
  const running = useRef(false);

  const start = useCallback(() => {
    if (running.current) return;
    running.current = true;
    setProgress(initialProgress());
    void (async () => {
      try {
        for await (const event of api.apps.publishProject(projectId)) {
          setProgress((p) => (p ? applyPublishEvent(p, event) : p));
        }
        // A stream that ends without `done`/`failed` broke somewhere (no-op after a result).
        setProgress((p) => (p ? failProgress(p, 'The server ended the publish without a result.') : p));
      } catch (error) {
        setProgress((p) => (p ? failProgress(p, errorMessage(error)) : p));
      } finally {
        running.current = false;
      }
    })();
  }, [projectId]);

  return { progress, start };
}
