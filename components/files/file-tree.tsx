'use client';

import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { dirname, type TreeRow } from './file-tree-model';
import { InlineNameInput } from './inline-name-input';
import type { ExplorerOps } from './use-explorer-ops';

const DRAG_MIME = 'application/x-slipway-path';

/** A pending inline edit: naming a new entry under `parent`, or renaming `path`. */
export type TreeEdit =
  { kind: 'create'; parent: string; type: 'file' | 'directory' } | { kind: 'rename'; path: string };

function extensionClass(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return `file-icon file-icon-${/^[a-z0-9]+$/.test(ext) ? ext : 'other'}`;
}

/** The explorer's ARIA tree: roving focus, arrow-key navigation, F2/Delete, drag-and-drop moves and uploads. */
export function FileTree({
  rows,
  expanded,
  focused,
  activePath,
  edit,
  ops,
  onFocus,
  onToggle,
  onOpenFile,
  onEdit,
  onContextMenu,
}: {
  rows: TreeRow[];
  expanded: ReadonlySet<string>;
  focused: string | null;
  activePath: string | null;
  edit: TreeEdit | null;
  ops: ExplorerOps;
  onFocus: (path: string) => void;
  onToggle: (path: string, open?: boolean) => void;
  onOpenFile: (path: string) => void;
  onEdit: (edit: TreeEdit | null) => void;
  onContextMenu: (event: MouseEvent, row: TreeRow | null) => void;
}) {
  const itemRefs = useRef(new Map<string, HTMLDivElement>());
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const focusedIndex = Math.max(
    0,
    rows.findIndex((r) => r.node.path === focused),
  );
  const tabbable = rows[focusedIndex]?.node.path;

  // Keep DOM focus on the focused row when it changes by keyboard.
  const wantFocus = useRef(false);
  useEffect(() => {
    if (wantFocus.current && focused) itemRefs.current.get(focused)?.focus();
    wantFocus.current = false;
  }, [focused, rows]);

  const moveFocus = (index: number): void => {
    const row = rows[Math.min(rows.length - 1, Math.max(0, index))];
    if (!row) return;
    wantFocus.current = true;
    onFocus(row.node.path);
  };

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    const row = rows[focusedIndex];
    if (!row || edit) return;
    const isDir = row.node.type === 'directory';
    switch (e.key) {
      case 'ArrowDown':
        moveFocus(focusedIndex + 1);
        break;
      case 'ArrowUp':
        moveFocus(focusedIndex - 1);
        break;
      case 'Home':
        moveFocus(0);
        break;
      case 'End':
        moveFocus(rows.length - 1);
        break;
      case 'ArrowRight':
        if (isDir && !expanded.has(row.node.path)) onToggle(row.node.path, true);
        else if (isDir) moveFocus(focusedIndex + 1);
        break;
      case 'ArrowLeft':
        if (isDir && expanded.has(row.node.path)) onToggle(row.node.path, false);
        else if (row.parent) moveFocus(rows.findIndex((r) => r.node.path === row.parent));
        break;
      case 'Enter':
      case ' ':
        if (isDir) onToggle(row.node.path);
        else onOpenFile(row.node.path);
        break;
      case 'F2':
        onEdit({ kind: 'rename', path: row.node.path });
        break;
      case 'Delete':
        void ops.remove(row.node.path, isDir);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  const folderOf = (row: TreeRow | null): string =>
    row === null ? '' : row.node.type === 'directory' ? row.node.path : dirname(row.node.path);

  function onDragOver(e: DragEvent, row: TreeRow | null): void {
    const types = e.dataTransfer.types;
    if (!types.includes(DRAG_MIME) && !types.includes('Files')) return;
    e.preventDefault();
    e.stopPropagation();
    e.dataTransfer.dropEffect = types.includes('Files') ? 'copy' : 'move';
    setDropTarget(folderOf(row));
  }

  function onDrop(e: DragEvent, row: TreeRow | null): void {
    e.preventDefault();
    e.stopPropagation();
    const folder = folderOf(row);
    setDropTarget(null);
    const from = e.dataTransfer.getData(DRAG_MIME);
    if (from) void ops.moveInto(from, folder);
    else if (e.dataTransfer.files.length > 0) void ops.upload(folder, Array.from(e.dataTransfer.files));
  }

  const createRow = (parent: string, depth: number) =>
    edit?.kind === 'create' && edit.parent === parent ? (
      <InlineNameInput
        key={`create:${parent}`}
        initial=""
        depth={depth}
        label={edit.type === 'file' ? 'New file name' : 'New folder name'}
        onCommit={(name) => {
          onEdit(null);
          void ops.create(parent, name, edit.type);
        }}
        onCancel={() => onEdit(null)}
      />
    ) : null;

  return (
    <div
      role="tree"
      aria-label="Files"
      className={`file-tree${dropTarget === '' ? ' drop-root' : ''}`}
      onKeyDown={onKeyDown}
      onDragOver={(e) => onDragOver(e, null)}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropTarget(null);
      }}
      onDrop={(e) => onDrop(e, null)}
      onContextMenu={(e) => onContextMenu(e, null)}
    >
      {createRow('', 1)}
      {rows.map((row) => {
        const { node } = row;
        const isDir = node.type === 'directory';
        const open = isDir && expanded.has(node.path);
        if (edit?.kind === 'rename' && edit.path === node.path) {
          return (
            <InlineNameInput
              key={node.path}
              initial={node.name}
              depth={row.depth}
              label={`Rename ${node.name}`}
              onCommit={(name) => {
                onEdit(null);
                void ops.rename(node.path, name);
              }}
              onCancel={() => onEdit(null)}
            />
          );
        }
        const inDrop =
          dropTarget !== null && dropTarget !== '' && (node.path === dropTarget || row.parent === dropTarget);
        return [
          <div
            key={node.path}
            ref={(el) => {
              if (el) itemRefs.current.set(node.path, el);
              else itemRefs.current.delete(node.path);
            }}
            role="treeitem"
            aria-level={row.depth}
            aria-posinset={row.posInSet}
            aria-setsize={row.setSize}
            aria-expanded={isDir ? open : undefined}
            aria-selected={node.path === focused}
            aria-current={node.path === activePath ? 'page' : undefined}
            tabIndex={node.path === tabbable ? 0 : -1}
            draggable
            data-path={node.path}
            className={`tree-row${node.path === activePath ? ' active' : ''}${inDrop ? ' drop' : ''}`}
            style={{ paddingLeft: (row.depth - 1) * 12 + 8 }}
            title={node.path}
            onClick={() => {
              onFocus(node.path);
              if (isDir) onToggle(node.path);
              else onOpenFile(node.path);
            }}
            onFocus={() => onFocus(node.path)}
            onContextMenu={(e) => {
              e.stopPropagation();
              onFocus(node.path);
              onContextMenu(e, row);
            }}
            onDragStart={(e) => {
              e.dataTransfer.setData(DRAG_MIME, node.path);
              e.dataTransfer.effectAllowed = 'move';
            }}
            onDragOver={(e) => onDragOver(e, row)}
            onDrop={(e) => onDrop(e, row)}
          >
            <span className={isDir ? `chevron${open ? ' open' : ''}` : 'chevron-space'} aria-hidden="true" />
            {isDir ? (
              <span className="folder-icon" aria-hidden="true" />
            ) : (
              <span className={extensionClass(node.name)} aria-hidden="true" />
            )}
            <span className="tree-label">{node.name}</span>
          </div>,
          open ? createRow(node.path, row.depth + 1) : null,
        ];
      })}
      {rows.length === 0 && !edit ? <div className="tree-empty hint">This project has no files yet.</div> : null}
    </div>
  );
}
