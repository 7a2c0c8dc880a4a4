'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import type { OutputEntry } from './log-buffer';
import type { PreviewSession, PreviewSnapshot } from './preview-session';

const NO_LOGS: readonly OutputEntry[] = [];
const noop = (): (() => void) => () => {};

/**
 * The project's preview session, created once `enabled` (after the editor is ready: its code and
 * socket must not compete with Monaco's download) and disposed with the IDE.
 */
export function usePreviewSession(projectId: string, enabled: boolean): PreviewSession | null {
  const [session, setSession] = useState<PreviewSession | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let created: PreviewSession | null = null;
    let cancelled = false;
    void import('./preview-session').then(({ PreviewSession }) => {
      if (cancelled) return;
      created = new PreviewSession(projectId);
      setSession(created);
    });
    return () => {
      cancelled = true;
      created?.dispose();
      setSession(null);
    };
  }, [projectId, enabled]);
  return session;
}

/** The session's status/build/diagnostics snapshot, or null before the session exists. */
export function usePreviewSnapshot(session: PreviewSession | null): PreviewSnapshot | null {
  return useSyncExternalStore(
    session?.subscribe ?? noop,
    () => session?.snapshot ?? null,
    () => null,
  );
}

/** The Output buffer's entries (a new array whenever lines arrive). */
export function usePreviewLogs(session: PreviewSession | null): readonly OutputEntry[] {
  return useSyncExternalStore(
    session?.subscribeLogs ?? noop,
    () => session?.logs.all ?? NO_LOGS,
    () => NO_LOGS,
  );
}
