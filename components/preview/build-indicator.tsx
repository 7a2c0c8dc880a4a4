'use client';

import type { PreviewSnapshot } from './preview-session';

/** What the indicator says: building, the last build's time, or its failure. */
export function buildLabel(snapshot: PreviewSnapshot | null): { text: string; tone: 'busy' | 'ok' | 'failed' } | null {
  if (!snapshot) return null;
  if (snapshot.building !== null) return { text: 'Building…', tone: 'busy' };
  const build = snapshot.lastBuild;
  if (!build) return snapshot.status?.state === 'starting' ? { text: 'Starting…', tone: 'busy' } : null;
  if (build.outcome === 'succeeded') return { text: `OK in ${Math.round(build.durationMs)} ms`, tone: 'ok' };
  const errors = build.diagnostics.filter((d) => d.severity === 'error').length;
  return { text: errors > 0 ? `Build failed: ${plural(errors, 'error')}` : 'Build failed', tone: 'failed' };
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A small live status of the current or last build (building… / ok in N ms / failed). */
export function BuildIndicator({
  snapshot,
  className = '',
  live = true,
}: {
  snapshot: PreviewSnapshot | null;
  className?: string;
  /** Announce changes to screen readers; only one indicator on the page should. */
  live?: boolean;
}) {
  const label = buildLabel(snapshot);
  return (
    <span className={`build-indicator ${className}`} role={live ? 'status' : undefined} data-tone={label?.tone}>
      {label ? (
        <>
          <span className="build-dot" aria-hidden="true" />
          {label.text}
        </>
      ) : null}
    </span>
  );
}
