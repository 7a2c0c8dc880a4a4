'use client';

import type { GitStatusDto } from '@/server/protocol/git';
import type { EditorStatus } from '@/components/editor/editor-controller';
import { Icon } from '@/components/ui/icon';
import { ThemeToggle } from '@/components/ui/theme-toggle';

/** Bottom status bar: branch and changes, unsaved count, cursor position, language, theme, panel toggle. */
export function StatusBar({
  gitStatus,
  unsaved,
  editor,
  panelVisible,
  onTogglePanel,
  onShowChanges,
}: {
  gitStatus: GitStatusDto | null;
  unsaved: number;
  editor: EditorStatus | null;
  panelVisible: boolean;
  onTogglePanel: () => void;
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
