'use client';

import { useMemo, type RefObject } from 'react';
import dynamic from 'next/dynamic';
import type { EditorController, EditorStatus, RevealRequest } from '@/components/editor/editor-controller';
import type { DiagnosticDto } from '@/server/protocol/preview';
import { Icon } from '@/components/ui/icon';
import { EditorTabs } from './editor-tabs';
import type { EditorTab } from './layout-state';

// Monaco is several MB: it loads in its own chunk, in parallel with the shell's data requests.
const CodeEditor = dynamic(() => import('@/components/editor/code-editor'), {
  ssr: false,
  loading: () => <div className="editor-overlay hint">Loading editor…</div>,
});
// The diff editor is only needed once someone opens a change from Source Control.
const DiffView = dynamic(() => import('@/components/git/diff-view'), {
  ssr: false,
  loading: () => <div className="editor-overlay hint">Loading diff…</div>,
});

/** Tabs + Save button above the editor, which shows the active file, a diff, or a hint when nothing is open. */
export function EditorArea({
  projectId,
  tabs,
  activeTab,
  dirty,
  refreshKey,
  diagnostics,
  reveal,
  previewVisible,
  onTogglePreview,
  controllerRef,
  onSelect,
  onClose,
  onSave,
  onOpenFile,
  onDirtyChange,
  onStatus,
  onOpenLocation,
}: {
  projectId: string;
  tabs: EditorTab[];
  activeTab: EditorTab | null;
  dirty: ReadonlySet<string>;
  refreshKey: number;
  diagnostics: readonly DiagnosticDto[];
  reveal: RevealRequest | null;
  previewVisible: boolean;
  onTogglePreview: () => void;
  controllerRef: RefObject<EditorController | null>;
  onSelect: (id: string) => void;
  onClose: (tab: EditorTab) => void;
  onSave: () => void;
  onOpenFile: (path: string) => void;
  onDirtyChange: (path: string, dirty: boolean) => void;
  onStatus: (status: EditorStatus | null) => void;
  onOpenLocation: (path: string, line: number, column: number) => void;
}) {
  const openPaths = useMemo(() => tabs.filter((t) => t.kind === 'file').map((t) => t.path), [tabs]);
  const activeId = activeTab ? (activeTab.kind === 'file' ? activeTab.path : `diff:${activeTab.path}`) : null;
  const activeFile = activeTab?.kind === 'file' ? activeTab.path : null;

  return (
    <div className="editor-area">
      <div className="editor-tabbar">
        <EditorTabs tabs={tabs} activeId={activeId} dirty={dirty} onSelect={onSelect} onClose={onClose} />
        <div className="editor-toolbar">
          <button
            type="button"
            className="btn btn-ghost"
            disabled={!activeFile}
            title="Save (Ctrl+S)"
            aria-keyshortcuts="Control+S Meta+S"
            onClick={onSave}
          >
            Save
          </button>
          <button
            type="button"
            className="icon-btn"
            aria-label="Emulator"
            aria-pressed={previewVisible}
            aria-controls="ide-preview"
            title={previewVisible ? 'Hide the emulator' : 'Show the emulator'}
            onClick={onTogglePreview}
          >
            <Icon name="device" />
          </button>
        </div>
      </div>
      <div className="editor-body">
        <CodeEditor
          projectId={projectId}
          openPaths={openPaths}
          activePath={activeFile}
          hidden={activeTab?.kind === 'diff'}
          diagnostics={diagnostics}
          reveal={reveal}
          controllerRef={controllerRef}
          onDirtyChange={onDirtyChange}
          onStatus={onStatus}
          onOpenLocation={onOpenLocation}
        />
        {activeTab?.kind === 'diff' ? (
          <DiffView projectId={projectId} path={activeTab.path} refreshKey={refreshKey} onOpenFile={onOpenFile} />
        ) : null}
        {!activeTab ? (
          <div className="editor-overlay editor-empty">
            <p>No file is open.</p>
            <p className="hint">
              Pick one in the Explorer, or press <kbd>Ctrl</kbd>+<kbd>P</kbd> to search files by name.
            </p>
          </div>
        ) : null}
      </div>
    </div>
  );
}
