import { useEffect, useRef, useState } from 'react';
import { DEFAULT_EMULATOR, readEmulatorSettings, type EmulatorSettings } from '@/components/emulator/device-presets';

/** A tab in the editor area: a file, or the diff of a changed file against HEAD. */
export type EditorTab = { kind: 'file'; path: string } | { kind: 'diff'; path: string };

export type SideView = 'explorer' | 'scm';

/** The views of the bottom panel, as its tabs list them. */
export const PANEL_VIEWS = ['problems', 'output', 'outbox', 'tasks', 'terminal'] as const;
export type PanelView = (typeof PANEL_VIEWS)[number];

/** Everything about the IDE's arrangement that survives a reload (per project, in localStorage). */
export interface IdeLayout {
  sideView: SideView;
  sideBarVisible: boolean;
  sideBarWidth: number;
  panelVisible: boolean;
  panelHeight: number;
  panelView: PanelView;
  /** The emulator pane to the right of the editor. */
  previewVisible: boolean;
  previewWidth: number;
  emulator: EmulatorSettings;
  tabs: EditorTab[];
  activeTab: string | null;
  expanded: string[];
}

export const DEFAULT_LAYOUT: IdeLayout = {
  sideView: 'explorer',
  sideBarVisible: true,
  sideBarWidth: 260,
  panelVisible: true,
  panelHeight: 240,
  panelView: 'terminal',
  previewVisible: true,
  previewWidth: 420,
  emulator: DEFAULT_EMULATOR,
  tabs: [],
  activeTab: null,
  expanded: [],
};

export const SIDEBAR_LIMITS = { min: 160, max: 640 } as const;
export const PANEL_LIMITS = { min: 80, max: 900 } as const;
export const PREVIEW_LIMITS = { min: 260, max: 1400 } as const;

/** Stable id of a tab, used as the key of `activeTab`. */
export function tabId(tab: EditorTab): string {
  return tab.kind === 'file' ? tab.path : `diff:${tab.path}`;
}

function storageKey(projectId: string): string {
  return `slipway.layout.${projectId}`;
}

function isTab(value: unknown): value is EditorTab {
  const tab = value as EditorTab | null;
  return !!tab && (tab.kind === 'file' || tab.kind === 'diff') && typeof tab.path === 'string';
}

/** Reads the saved layout, keeping only well-formed fields (old or hand-edited data must not break the IDE). */
export function readLayout(projectId: string): IdeLayout {
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey(projectId)) ?? 'null') as Partial<IdeLayout> | null;
    if (!raw || typeof raw !== 'object') return DEFAULT_LAYOUT;
    const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
    const tabs = Array.isArray(raw.tabs) ? raw.tabs.filter(isTab) : [];
    return {
      sideView: raw.sideView === 'scm' ? 'scm' : 'explorer',
      sideBarVisible: raw.sideBarVisible !== false,
      sideBarWidth: num(raw.sideBarWidth, DEFAULT_LAYOUT.sideBarWidth),
      panelVisible: raw.panelVisible !== false,
      panelHeight: num(raw.panelHeight, DEFAULT_LAYOUT.panelHeight),
      panelView: PANEL_VIEWS.includes(raw.panelView as PanelView) ? (raw.panelView as PanelView) : 'terminal',
      previewVisible: raw.previewVisible !== false,
      previewWidth: num(raw.previewWidth, DEFAULT_LAYOUT.previewWidth),
      emulator: readEmulatorSettings(raw.emulator),
      tabs,
      activeTab:
        typeof raw.activeTab === 'string' && tabs.some((t) => tabId(t) === raw.activeTab) ? raw.activeTab : null,
      expanded: Array.isArray(raw.expanded) ? raw.expanded.filter((p): p is string => typeof p === 'string') : [],
    };
  } catch {
    return DEFAULT_LAYOUT;
  }
}

/**
 * Layout state persisted per project. Starts from the defaults during SSR/hydration and loads
 * the saved layout in the first effect, so server and client markup agree.
 */
export function usePersistentLayout(projectId: string) {
  const [layout, setLayout] = useState<IdeLayout>(DEFAULT_LAYOUT);
  const [loaded, setLoaded] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    setLayout(readLayout(projectId));
    setLoaded(true);
  }, [projectId]);

  useEffect(() => {
    if (!loaded) return;
    // Dragging a splitter changes the layout on every pointer move; write at most every 200 ms.
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => localStorage.setItem(storageKey(projectId), JSON.stringify(layout)), 200);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [layout, loaded, projectId]);

  // Flush on unload so a reload right after a change still sees it.
  useEffect(() => {
    if (!loaded) return;
    const flush = (): void => localStorage.setItem(storageKey(projectId), JSON.stringify(layout));
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [layout, loaded, projectId]);

  return { layout, setLayout, loaded };
}
