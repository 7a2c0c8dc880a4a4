'use client';

import type { GitStatusDto } from '@/server/protocol/git';
import type { EditorStatus } from '@/components/editor/editor-controller';
import { BuildIndicator } from '@/components/preview/build-indicator';
import type { PreviewSnapshot } from '@/components/preview/preview-session';
import { Icon } from '@/components/ui/icon';
import { ThemeToggle } from '@/components/ui/theme-toggle';

/** Bottom status bar: branch and changes, problems, build, unsaved count, cursor position, language, theme, panel toggle. */
export function StatusBar({
  gitStatus,
  unsaved,
  editor,
  panelVisible,
  preview,
  onTogglePanel,
  onShowProblems,
  onShowChanges,
}: {
  gitStatus: GitStatusDto | null;
  unsaved: number;
  editor: EditorStatus | null;
  panelVisible: boolean;
  /** Null until the preview session has loaded (after the editor). */
  preview: PreviewSnapshot | null;
  onTogglePanel: () => void;
  onShowProblems: () => void;
  onShowChanges: () => void;
}) {
  return (
    <footer className="status-bar" aria-label="Status bar">
      <div className="status-group">
        {gitStatus ? (
          <button type="button" className="status-item" onClick={onShowChanges} title="Show changes (Ctrl+Shift+G)">
            <Icon name="source-control" size={14} /> {gitStatus.branch}
            {gitStatus.files.length > 0 ? ` · ${gitStatus.files.length} changed` : ''}
          </button>
        ) : null}
        {preview ? <ProblemCounts preview={preview} onClick={onShowProblems} /> : null}
        <BuildIndicator snapshot={preview} className="status-item" />
        <span className="status-item" role="status">
          {unsaved > 0 ? `${unsaved} unsaved` : ''}
        </span>
      </div>
      <div className="status-group">
        {editor ? (
          <>
            <span className="status-item">
              Ln {editor.line}, Col {editor.column}
            </span>
            <span className="status-item">{editor.language}</span>
          </>
        ) : null}
        <button
          type="button"
          className="status-item"
          aria-pressed={panelVisible}
          title="Toggle Terminal (Ctrl+`)"
          onClick={onTogglePanel}
        >
          <Icon name="terminal" size={14} /> Terminal
        </button>
        <ThemeToggle className="status-item" />
      </div>
    </footer>
  );
}

/** Errors and warnings of the last build, VS Code style; opens the Problems panel. */
function ProblemCounts({ preview, onClick }: { preview: PreviewSnapshot; onClick: () => void }) {
  const errors = preview.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = preview.diagnostics.filter((d) => d.severity === 'warning').length;
  return (
    <button
      type="button"
      className="status-item"
      aria-label={`${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`}
      title="Show problems"
      onClick={onClick}
    >
      <Icon name="error" size={14} /> {errors}
      <Icon name="warning" size={14} /> {warnings}
    </button>
  );
}
