'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DiagnosticDto } from '@/server/protocol/preview';
import type { EditorController, EditorStatus, RevealRequest } from '@/components/editor/editor-controller';
import { useEditorReady } from '@/components/editor/editor-ready';
import { prefetchFile } from '@/components/editor/file-content';
import { FileExplorer } from '@/components/files/file-explorer';
import { filePaths } from '@/components/files/file-tree-model';
import { SourceControlView } from '@/components/git/source-control-view';
import { usePreviewSession, usePreviewSnapshot } from '@/components/preview/use-preview';
import { ActivityBar } from './activity-bar';
import { BottomPanel } from './bottom-panel';
import { pickDefaultFile } from './default-file';
import { EditorArea } from './editor-area';
import { EmulatorSlot } from './emulator-slot';
import {
  PANEL_LIMITS,
  SIDEBAR_LIMITS,
  tabId,
  usePersistentLayout,
  type PanelView,
  type SideView,
} from './layout-state';
import { QuickOpen } from './quick-open';
import { Splitter } from './splitter';
import { StatusBar } from './status-bar';
import { TitleBar } from './title-bar';
import { useEditorTabs } from './use-editor-tabs';
import { useIdeKeybindings } from './use-ide-keybindings';
import { useProjectData } from './use-project-data';

const NO_DIAGNOSTICS: readonly DiagnosticDto[] = [];

// Start downloading Monaco (the biggest chunk) as soon as this module is evaluated, before
// React hydrates the shell: it then arrives in parallel with the tree and file requests.
const monacoStart = typeof window === 'undefined' ? null : import('@/components/editor/monaco-services');

/** The IDE: activity bar, side bar (Explorer / Source Control), editor tabs, emulator, bottom panel, status bar. */
export function IdeShell({ projectId }: { projectId: string }) {
  const { layout, setLayout, loaded } = usePersistentLayout(projectId);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const data = useProjectData(projectId);
  const controllerRef = useRef<EditorController | null>(null);
  const [editorStatus, setEditorStatus] = useState<EditorStatus | null>(null);
  const [quickOpen, setQuickOpen] = useState(false);
  const [reveal, setReveal] = useState<RevealRequest | null>(null);
  // The preview's code and socket wait for the editor, so they never slow the first edit down.
  const editorReady = useEditorReady();
  const preview = usePreviewSession(projectId, editorReady);
  const previewSnapshot = usePreviewSnapshot(preview);
  const diagnostics = previewSnapshot?.diagnostics ?? NO_DIAGNOSTICS;
  const tabs = useEditorTabs({ projectId, layoutRef, setLayout, controllerRef, onSaved: data.contentChanged });

  // Initialise the editor services as soon as their code is in (it does not need the DOM of the editor).
  useEffect(() => {
    void monacoStart?.then((m) => m.startMonaco());
  }, []);

  // A restored active file can be fetched before the tree arrives.
  const restoredActive = useRef(false);
  useEffect(() => {
    if (!loaded || restoredActive.current) return;
    restoredActive.current = true;
    const active = layout.tabs.find((t) => tabId(t) === layout.activeTab);
    if (active?.kind === 'file') prefetchFile(projectId, active.path);
  }, [loaded, layout, projectId]);

  // Once the tree is known: drop tabs of files that no longer exist; open a default file if none.
  const reconciled = useRef(false);
  useEffect(() => {
    if (!loaded || !data.entries || reconciled.current) return;
    reconciled.current = true;
    const existing = new Set(filePaths(data.entries));
    const stale = layout.tabs.filter((t) => !existing.has(t.path)).map(tabId);
    if (stale.length > 0) tabs.removeTabs(new Set(stale));
    if (layout.tabs.length === stale.length) {
      const first = pickDefaultFile(data.entries);
      if (first) tabs.open({ kind: 'file', path: first });
    }
  }, [loaded, data.entries, layout.tabs, tabs]);

  // Warn before leaving with unsaved edits.
  useEffect(() => {
    if (tabs.dirty.size === 0) return;
    const onBeforeUnload = (e: BeforeUnloadEvent): void => e.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [tabs.dirty.size]);

  const showView = useCallback(
    (view: SideView, toggle = false) =>
      setLayout((l) => ({
        ...l,
        sideView: view,
        sideBarVisible: toggle && l.sideView === view ? !l.sideBarVisible : true,
      })),
    [setLayout],
  );
  const showPanel = useCallback(
    (panelView: PanelView) => setLayout((l) => ({ ...l, panelVisible: true, panelView })),
    [setLayout],
  );
  const hidePanel = useCallback(() => setLayout((l) => ({ ...l, panelVisible: false })), [setLayout]);
  // Like VS Code's Ctrl+`: shows the terminal, or hides the panel if the terminal is already shown.
  const togglePanel = useCallback(
    () =>
      setLayout((l) =>
        l.panelVisible && l.panelView === 'terminal'
          ? { ...l, panelVisible: false }
          : { ...l, panelVisible: true, panelView: 'terminal' },
      ),
    [setLayout],
  );
  const togglePreview = useCallback(() => setLayout((l) => ({ ...l, previewVisible: !l.previewVisible })), [setLayout]);

  // Ctrl+S and the Save button act on the active file tab only (never on a file hidden behind a diff).
  const saveActive = useCallback(() => {
    const active = layoutRef.current.tabs.find((t) => tabId(t) === layoutRef.current.activeTab);
    if (active?.kind === 'file') void tabs.save(active.path);
  }, [tabs]);

  useIdeKeybindings({
    save: saveActive,
    quickOpen: () => setQuickOpen(true),
    togglePanel,
    toggleSideBar: () => setLayout((l) => ({ ...l, sideBarVisible: !l.sideBarVisible })),
    showExplorer: () => showView('explorer'),
    showSourceControl: () => showView('scm'),
  });

  const openFile = useCallback((path: string) => tabs.open({ kind: 'file', path }), [tabs]);
  const openLocation = useCallback(
    (path: string, line: number, column: number) => {
      openFile(path);
      setReveal((r) => ({ path, line, column, seq: (r?.seq ?? 0) + 1 }));
    },
    [openFile],
  );
  const openDiagnostic = useCallback((d: DiagnosticDto) => openLocation(d.file, d.line, d.column), [openLocation]);
  const explorerEvents = useMemo(
    () => ({ onOpenFile: openFile, onFilesChanged: data.filesChanged, onMoved: tabs.moved, onDeleted: tabs.deleted }),
    [openFile, data.filesChanged, tabs.moved, tabs.deleted],
  );
  const allPaths = useMemo(() => filePaths(data.entries ?? []), [data.entries]);
  const activeTab = layout.tabs.find((t) => tabId(t) === layout.activeTab) ?? null;

  if (data.fatal && !data.project) {
    return (
      <main className="ide-fatal">
        <h1>Cannot open this project</h1>
        <p role="alert">{data.fatal}</p>
        <a href="/">Back to the dashboard</a>
      </main>
    );
  }

  return (
    <div className="ide">
      <TitleBar projectId={projectId} project={data.project} unsavedFiles={tabs.dirty.size} />
      <div className="ide-main">
        <ActivityBar
          view={layout.sideView}
          sideBarVisible={layout.sideBarVisible}
          changes={data.gitStatus?.files.length ?? 0}
          onSelect={(v) => showView(v, true)}
        />
        <aside
          id="ide-sidebar"
          className="side-bar"
          style={{ width: layout.sideBarWidth }}
          hidden={!layout.sideBarVisible}
        >
          <div hidden={layout.sideView !== 'explorer'} className="side-bar-view">
            <FileExplorer
              projectId={projectId}
              projectName={data.project?.name ?? 'Explorer'}
              entries={data.entries}
              expanded={layout.expanded}
              onExpandedChange={(expanded) => setLayout((l) => ({ ...l, expanded }))}
              activePath={activeTab?.kind === 'file' ? activeTab.path : null}
              events={explorerEvents}
            />
          </div>
          {layout.sideView === 'scm' ? (
            <div className="side-bar-view">
              <SourceControlView
                projectId={projectId}
                status={data.gitStatus}
                refreshKey={data.refreshKey}
                onRefresh={data.contentChanged}
                onOpenDiff={(path) => tabs.open({ kind: 'diff', path })}
                onReverted={(path) => void controllerRef.current?.reload(path)}
              />
            </div>
          ) : null}
        </aside>
        {layout.sideBarVisible ? (
          <Splitter
            orientation="vertical"
            label="Resize side bar"
            controls="ide-sidebar"
            value={layout.sideBarWidth}
            min={SIDEBAR_LIMITS.min}
            max={SIDEBAR_LIMITS.max}
            onChange={(w) => setLayout((l) => ({ ...l, sideBarWidth: w }))}
          />
        ) : null}
        <div className="ide-center">
          <EditorArea
            projectId={projectId}
            tabs={layout.tabs}
            activeTab={activeTab}
            dirty={tabs.dirty}
            refreshKey={data.refreshKey}
            diagnostics={diagnostics}
            reveal={reveal}
            previewVisible={layout.previewVisible}
            onTogglePreview={togglePreview}
            controllerRef={controllerRef}
            onSelect={(id) => setLayout((l) => ({ ...l, activeTab: id }))}
            onClose={(tab) => void tabs.close(tab)}
            onSave={saveActive}
            onOpenFile={openFile}
            onDirtyChange={tabs.setDirtyFlag}
            onStatus={setEditorStatus}
            onOpenLocation={openLocation}
          />
          {layout.panelVisible ? (
            <Splitter
              orientation="horizontal"
              label="Resize panel"
              controls="ide-panel"
              invert
              value={layout.panelHeight}
              min={PANEL_LIMITS.min}
              max={PANEL_LIMITS.max}
              onChange={(h) => setLayout((l) => ({ ...l, panelHeight: h }))}
            />
          ) : null}
          <div
            id="ide-panel"
            className="ide-panel"
            style={{ height: layout.panelHeight }}
            hidden={!layout.panelVisible}
          >
            <BottomPanel
              projectId={projectId}
              visible={layout.panelVisible}
              view={layout.panelView}
              session={preview}
              diagnostics={diagnostics}
              onViewChange={showPanel}
              onOpenDiagnostic={openDiagnostic}
              onHide={hidePanel}
            />
          </div>
        </div>
        <EmulatorSlot
          projectId={projectId}
          visible={layout.previewVisible}
          width={layout.previewWidth}
          load={editorReady}
          session={preview}
          snapshot={previewSnapshot}
          settings={layout.emulator}
          onWidthChange={(previewWidth) => setLayout((l) => ({ ...l, previewWidth }))}
          onSettingsChange={(emulator) => setLayout((l) => ({ ...l, emulator }))}
          onOpenDiagnostic={openDiagnostic}
          onHide={togglePreview}
        />
      </div>
      <StatusBar
        gitStatus={data.gitStatus}
        unsaved={tabs.dirty.size}
        editor={activeTab?.kind === 'file' ? editorStatus : null}
        panelVisible={layout.panelVisible && layout.panelView === 'terminal'}
        preview={previewSnapshot}
        onTogglePanel={togglePanel}
        onShowProblems={() => showPanel('problems')}
        onShowChanges={() => showView('scm')}
      />
      {quickOpen ? (
        <QuickOpen
          paths={allPaths}
          recent={tabs.recent}
          onOpen={(path) => {
            setQuickOpen(false);
            openFile(path);
            requestAnimationFrame(() => controllerRef.current?.focus());
          }}
          onClose={() => setQuickOpen(false)}
        />
      ) : null}
    </div>
  );
}
