'use client';

import { useCallback, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { FileEntry } from '@/server/protocol/files';
import { api } from '@/components/api/api-client';
import { ContextMenu, type MenuItem } from '@/components/ui/context-menu';
import { Icon } from '@/components/ui/icon';
import { IconButton } from '@/components/ui/icon-button';
import { buildTree, dirname, visibleRows, type TreeRow } from './file-tree-model';
import { FileTree, type TreeEdit } from './file-tree';
import { useExplorerOps, type ExplorerEvents } from './use-explorer-ops';

/** The Explorer side bar view: toolbar, file tree, context menu, upload and archive download. */
export function FileExplorer({
  projectId,
  projectName,
  entries,
  expanded,
  onExpandedChange,
  activePath,
  events,
}: {
  projectId: string;
  projectName: string;
  entries: FileEntry[] | null;
  expanded: string[];
  onExpandedChange: (expanded: string[]) => void;
  activePath: string | null;
  events: ExplorerEvents;
}) {
  const ops = useExplorerOps(projectId, events);
  const [focused, setFocused] = useState<string | null>(null);
  const [edit, setEdit] = useState<TreeEdit | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; row: TreeRow | null } | null>(null);
  const uploadInput = useRef<HTMLInputElement>(null);
  const uploadFolder = useRef('');

  const closeMenu = useCallback(() => setMenu(null), []);

  const expandedSet = useMemo(() => new Set(expanded), [expanded]);
  const tree = useMemo(() => buildTree(entries ?? []), [entries]);
  const rows = useMemo(() => visibleRows(tree, expandedSet), [tree, expandedSet]);
  const focusedRow = rows.find((r) => r.node.path === focused) ?? null;

  const toggle = useCallback(
    (path: string, open?: boolean) => {
      const isOpen = expandedSet.has(path);
      const want = open ?? !isOpen;
      if (want === isOpen) return;
      onExpandedChange(want ? [...expanded, path] : expanded.filter((p) => p !== path));
    },
    [expanded, expandedSet, onExpandedChange],
  );

  /** Where "New file" goes: the focused folder, or the focused file's folder. */
  const targetFolder = (row: TreeRow | null): string =>
    row === null ? '' : row.node.type === 'directory' ? row.node.path : dirname(row.node.path);

  const startCreate = (type: 'file' | 'directory', row: TreeRow | null = focusedRow): void => {
    const parent = targetFolder(row);
    if (parent) toggle(parent, true);
    setEdit({ kind: 'create', parent, type });
  };

  const startUpload = (row: TreeRow | null = focusedRow): void => {
    uploadFolder.current = targetFolder(row);
    uploadInput.current?.click();
  };

  const menuItems = (row: TreeRow | null): MenuItem[] => {
    const items: MenuItem[] = [];
    if (row && row.node.type !== 'directory')
      items.push({ label: 'Open', run: () => events.onOpenFile(row.node.path) });
    items.push(
      { label: 'New File…', run: () => startCreate('file', row) },
      { label: 'New Folder…', run: () => startCreate('directory', row) },
      { label: 'Upload Files…', run: () => startUpload(row) },
    );
    if (row) {
      items.push(
        { label: 'Copy Path', run: () => void navigator.clipboard?.writeText(row.node.path) },
        { label: 'Rename…', shortcut: 'F2', run: () => setEdit({ kind: 'rename', path: row.node.path }) },
        {
          label: 'Delete',
          shortcut: 'Del',
          danger: true,
          run: () => void ops.remove(row.node.path, row.node.type === 'directory'),
        },
      );
    }
    return items;
  };

  const openMenu = (e: MouseEvent, row: TreeRow | null): void => {
    e.preventDefault();
    setMenu({ x: e.clientX, y: e.clientY, row });
  };

  return (
    <section className="side-view" aria-label="Explorer">
      <header className="side-view-header">
        <h2 className="side-view-title" title={projectName}>
          {projectName}
        </h2>
        <div className="side-view-actions" role="toolbar" aria-label="Explorer actions">
          <IconButton icon="new-file" label="New file" title="New File…" onClick={() => startCreate('file')} />
          <IconButton
            icon="new-folder"
            label="New folder"
            title="New Folder…"
            onClick={() => startCreate('directory')}
          />
          <IconButton icon="upload" label="Upload files" title="Upload Files…" onClick={() => startUpload()} />
          <IconButton
            icon="refresh"
            label="Refresh explorer"
            title="Refresh Explorer"
            onClick={events.onFilesChanged}
          />
          <IconButton
            icon="collapse"
            label="Collapse folders"
            title="Collapse Folders in Explorer"
            onClick={() => onExpandedChange([])}
          />
          <a
            className="icon-btn"
            aria-label="Download project archive"
            title="Download project (.zip)"
            href={api.files.archiveUrl(projectId, 'zip')}
            download
          >
            <Icon name="download" />
          </a>
        </div>
      </header>
      {entries === null ? (
        <p className="hint side-view-pad">Loading files…</p>
      ) : (
        <FileTree
          rows={rows}
          expanded={expandedSet}
          focused={focused}
          activePath={activePath}
          edit={edit}
          ops={ops}
          onFocus={setFocused}
          onToggle={toggle}
          onOpenFile={events.onOpenFile}
          onEdit={setEdit}
          onContextMenu={openMenu}
        />
      )}
      <input
        ref={uploadInput}
        type="file"
        multiple
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          void ops.upload(uploadFolder.current, files);
        }}
      />
      {menu ? (
        <ContextMenu x={menu.x} y={menu.y} label="File actions" items={menuItems(menu.row)} onClose={closeMenu} />
      ) : null}
    </section>
  );
}
