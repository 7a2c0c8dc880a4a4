'use client';

import type { BuildSummaryDto, DiagnosticDto } from '@/server/protocol/preview';
import { plural } from '@/components/preview/build-indicator';
import { Icon } from '@/components/ui/icon';
import './build-overlay.css';

/** Shown over the frame (which keeps the last good page) after a failed build; each error opens its place. */
export function BuildOverlay({
  build,
  onOpen,
  onDismiss,
}: {
  build: BuildSummaryDto;
  onOpen: (diagnostic: DiagnosticDto) => void;
  onDismiss: () => void;
}) {
  const errors = build.diagnostics.filter((d) => d.severity === 'error');
  const shown = errors.length > 0 ? errors : build.diagnostics;
  return (
    <section className="build-overlay" aria-labelledby="build-overlay-title">
      <div className="build-overlay-card">
        <div className="build-overlay-head">
          <h2 id="build-overlay-title">
            <Icon name="error" /> Build failed{errors.length > 0 ? `: ${plural(errors.length, 'error')}` : ''}
          </h2>
          <button type="button" className="icon-btn" aria-label="Dismiss build errors" onClick={onDismiss}>
            <Icon name="close" />
          </button>
        </div>
        <p className="hint">The preview still shows the last build that worked.</p>
        {shown.length === 0 ? <p>The build failed without a message; see the Output panel.</p> : null}
        <ul className="build-overlay-list">
          {shown.slice(0, 50).map((d, index) => (
            <li key={`${d.file}:${d.line}:${d.column}:${index}`}>
              <button type="button" className="build-overlay-item" onClick={() => onOpen(d)}>
                <span className="build-overlay-place">
                  {d.file}:{d.line}:{d.column}
                </span>
                <span className="build-overlay-message">{d.message}</span>
              </button>
            </li>
          ))}
        </ul>
        {shown.length > 50 ? <p className="hint">…and {shown.length - 50} more in the Problems panel.</p> : null}
      </div>
    </section>
  );
}
