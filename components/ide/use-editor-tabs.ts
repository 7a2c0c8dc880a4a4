'use client';

import { useCallback, useMemo, useRef, useState, type Dispatch, type RefObject, type SetStateAction } from 'react';
import { isChangedOnDisk, type EditorController } from '@/components/editor/editor-controller';
import { prefetchFile } from '@/components/editor/file-content';
import { isWithin } from '@/components/files/file-tree-model';
import { useChoice } from '@/components/ui/choice-dialog';
import { useToast } from '@/components/ui/toast';
import { tabId, type EditorTab, type IdeLayout } from './layout-state';

const RECENT_LIMIT = 30;

/** Tab bookkeeping for the editor area: open/close (with the unsaved-changes prompt), save, and follow moves/deletes. */
export function useEditorTabs({
  projectId,
  layoutRef,
  setLayout,
  controllerRef,
  onSaved,
}: {
  projectId: string;
  /** The latest layout, read outside state updaters so side effects run once. */
  layoutRef: RefObject<IdeLayout>;
  setLayout: Dispatch<SetStateAction<IdeLayout>>;
  controllerRef: RefObject<EditorController | null>;
  onSaved: () => void;
}) {
  const ask = useChoice();
  const toast = useToast();
  const [dirty, setDirty] = useState<ReadonlySet<string>>(new Set());
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const [recent, setRecent] = useState<string[]>([]);

  const setDirtyFlag = useCallback((path: string, isDirty: boolean) => {
    setDirty((prev) => {
      if (prev.has(path) === isDirty) return prev;
      const next = new Set(prev);
      if (isDirty) next.add(path);
      else next.delete(path);
      return next;
    });
  }, []);

  const open = useCallback(
    (tab: EditorTab) => {
      if (tab.kind === 'file') {
        prefetchFile(projectId, tab.path);
        setRecent((r) => [tab.path, ...r.filter((p) => p !== tab.path)].slice(0, RECENT_LIMIT));
      }
      const id = tabId(tab);
      setLayout((l) => {
        if (l.tabs.some((t) => tabId(t) === id)) return { ...l, activeTab: id };
        const at = l.tabs.findIndex((t) => tabId(t) === l.activeTab);
        const tabs = [...l.tabs];
        tabs.splice(at < 0 ? tabs.length : at + 1, 0, tab);
        return { ...l, tabs, activeTab: id };
      });
    },
    [projectId, setLayout],
  );

  /** Removes tabs; if the active one goes, its right neighbour (else left) becomes active. */
  const removeTabs = useCallback(
    (ids: ReadonlySet<string>) => {
      setLayout((l) => {
        const index = l.tabs.findIndex((t) => tabId(t) === l.activeTab);
        const tabs = l.tabs.filter((t) => !ids.has(tabId(t)));
        let activeTab = l.activeTab;
        if (activeTab !== null && ids.has(activeTab)) {
          const neighbour = tabs[Math.min(Math.max(0, index), tabs.length - 1)];
          activeTab = neighbour ? tabId(neighbour) : null;
        }
        return { ...l, tabs, activeTab };
      });
    },
    [setLayout],
  );

  /** The file changed on disk since it was opened: the user decides whose version stays. */
  const resolveChangedOnDisk = useCallback(
    async (controller: EditorController, path: string): Promise<boolean> => {
      const name = path.slice(path.lastIndexOf('/') + 1);
      const answer = await ask({
        title: `${name} changed on disk`,
        message:
          'It was changed outside this editor (in a terminal, by git or in another tab) since you opened it. ' +
          'Keep your version and overwrite it, or reload it and lose your unsaved edits?',
        options: [
          { value: 'overwrite', label: 'Overwrite', danger: true },
          { value: 'reload', label: 'Reload from disk' },
        ],
      });
      if (answer === 'overwrite') return controller.save(path, { overwrite: true });
      if (answer === 'reload') await controller.reload(path);
      return false;
    },
    [ask],
  );

  const save = useCallback(
    async (path?: string): Promise<boolean> => {
      const controller = controllerRef.current;
      if (!controller) return false;
      try {
        let saved: boolean;
        try {
          saved = await controller.save(path);
        } catch (e) {
          if (!isChangedOnDisk(e) || !path) throw e;
          saved = await resolveChangedOnDisk(controller, path);
        }
        if (saved) onSaved();
        return saved;
      } catch (e) {
        toast.error(e, 'Save failed');
        return false;
      }
    },
    [controllerRef, onSaved, toast, resolveChangedOnDisk],
  );

  const close = useCallback(
    async (tab: EditorTab) => {
      if (tab.kind === 'file' && dirtyRef.current.has(tab.path)) {
        const name = tab.path.slice(tab.path.lastIndexOf('/') + 1);
        const answer = await ask({
          title: `Save changes to ${name}?`,
          message: "Your changes will be lost if you don't save them.",
          options: [
            { value: 'save', label: 'Save' },
            { value: 'discard', label: "Don't Save" },
          ],
        });
        if (answer === 'cancel') return;
        if (answer === 'save' && !(await save(tab.path))) return;
        if (answer === 'discard') controllerRef.current?.discard(tab.path);
        setDirtyFlag(tab.path, false);
      }
      removeTabs(new Set([tabId(tab)]));
    },
    [ask, save, controllerRef, setDirtyFlag, removeTabs],
  );

  /** A file or folder moved: re-point its open tabs (keeping unsaved edits) and dirty marks. */
  const moved = useCallback(
    (from: string, to: string) => {
      const rename = (path: string): string => (isWithin(path, from) ? to + path.slice(from.length) : path);
      for (const tab of layoutRef.current.tabs) {
        if (tab.kind === 'file' && isWithin(tab.path, from)) controllerRef.current?.rename(tab.path, rename(tab.path));
      }
      setLayout((l) => {
        const tabs = l.tabs.map((t) => ({ ...t, path: rename(t.path) }));
        const active = l.tabs.find((t) => tabId(t) === l.activeTab);
        return {
          ...l,
          tabs,
          activeTab: active ? tabId({ ...active, path: rename(active.path) }) : l.activeTab,
          expanded: l.expanded.map(rename),
        };
      });
      setDirty((prev) => new Set([...prev].map(rename)));
      setRecent((r) => r.map(rename));
    },
    [layoutRef, setLayout, controllerRef],
  );

  /** A file or folder was deleted: close its tabs without asking. */
  const deleted = useCallback(
    (path: string) => {
      const gone = layoutRef.current.tabs.filter((t) => isWithin(t.path, path));
      for (const tab of gone) if (tab.kind === 'file') controllerRef.current?.discard(tab.path);
      removeTabs(new Set(gone.map(tabId)));
      setDirty((prev) => new Set([...prev].filter((p) => !isWithin(p, path))));
      setRecent((r) => r.filter((p) => !isWithin(p, path)));
    },
    [layoutRef, controllerRef, removeTabs],
  );

  return useMemo(
    () => ({ dirty, recent, open, close, save, moved, deleted, setDirtyFlag, removeTabs }),
    [dirty, recent, open, close, save, moved, deleted, setDirtyFlag, removeTabs],
  );
}
