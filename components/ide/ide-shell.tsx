'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import dynamic from 'next/dynamic';
import type { EditorController, EditorStatus } from '@/components/editor/editor-controller';
import { prefetchFile } from '@/components/editor/file-content';
import { FileExplorer } from '@/components/files/file-explorer';
import { filePaths } from '@/components/files/file-tree-model';
import { SourceControlView } from '@/components/git/source-control-view';
import { ActivityBar } from './activity-bar';
import { pickDefaultFile } from './default-file';
import { EditorArea } from './editor-area';
import { PANEL_LIMITS, SIDEBAR_LIMITS, tabId, usePersistentLayout, type SideView } from './layout-state';
import { QuickOpen } from './quick-open';
import { Splitter } from './splitter';
import { StatusBar } from './status-bar';
import { TitleBar } from './title-bar';
import { useEditorTabs } from './use-editor-tabs';
import { useIdeKeybindings } from './use-ide-keybindings';
import { useProjectData } from './use-project-data';

// xterm and its CSS load only once the panel is first shown.
const TerminalPanel = dynamic(() => import('@/components/terminal/terminal-panel'), {
  ssr: false,
  loading: () => <p className="hint side-view-pad">Loading terminal…</p>,
});

// Start downloading Monaco (the biggest chunk) as soon as this module is evaluated, before
// React hydrates the shell: it then arrives in parallel with the tree and file requests.
const monacoStart = typeof window === 'undefined' ? null : import('@/components/editor/monaco-services');

/** The IDE: activity bar, side bar (Explorer / Source Control), editor tabs, terminal panel, status bar. */
export function IdeShell({ projectId }: { projectId: string }) {
  const { layout, setLayout, loaded } = usePersistentLayout(projectId);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const data = useProjectData(projectId);
  const controllerRef = useRef<EditorController | null>(null);
  const [editorStatus, setEditorStatus] = useState<EditorStatus | null>(null);
  const [quickOpen, setQuickOpen] = useState(false);
  const [panelMounted, setPanelMounted] = useState(false);
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

  useEffect(() => {
    if (layout.panelVisible) setPanelMounted(true);
  }, [layout.panelVisible]);

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
  const togglePanel = useCallback(() => setLayout((l) => ({ ...l, panelVisible: !l.panelVisible })), [setLayout]);

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
      <TitleBar projectId={projectId} project={data.project} />
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
            controllerRef={controllerRef}
            onSelect={(id) => setLayout((l) => ({ ...l, activeTab: id }))}
            onClose={(tab) => void tabs.close(tab)}
            onSave={saveActive}
            onOpenFile={openFile}
            onDirtyChange={tabs.setDirtyFlag}
            onStatus={setEditorStatus}
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
            {panelMounted ? (
              <TerminalPanel projectId={projectId} visible={layout.panelVisible} onHide={togglePanel} />
            ) : null}
          </div>
        </div>
      </div>
      <StatusBar
        gitStatus={data.gitStatus}
        unsaved={tabs.dirty.size}
        editor={activeTab?.kind === 'file' ? editorStatus : null}
        panelVisible={layout.panelVisible}
        onTogglePanel={togglePanel}
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
