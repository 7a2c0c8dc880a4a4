import type { FileEntry } from '@/server/protocol/files';

/** A file-tree node built from the server's flat, sorted entry list. */
export interface TreeNode {
  name: string;
  path: string;
  type: FileEntry['type'];
  size: number;
  children: TreeNode[];
}

/** One visible row of the tree (folders collapsed hide their descendants). */
export interface TreeRow {
  node: TreeNode;
  depth: number;
  parent: string;
  posInSet: number;
  setSize: number;
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** True when `path` is `ancestor` itself or lies below it. */
export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === '' || path === ancestor || path.startsWith(`${ancestor}/`);
}

/** Folders first, then names in natural order, like VS Code's explorer. */
function compare(a: TreeNode, b: TreeNode): number {
  const aDir = a.type === 'directory';
  const bDir = b.type === 'directory';
  if (aDir !== bDir) return aDir ? -1 : 1;
  return a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });
}

/** Builds the nested tree; intermediate folders missing from the list are synthesised. */
export function buildTree(entries: FileEntry[]): TreeNode[] {
  const root: TreeNode = { name: '', path: '', type: 'directory', size: 0, children: [] };
  const byPath = new Map<string, TreeNode>([['', root]]);
  const ensureDir = (path: string): TreeNode => {
    const existing = byPath.get(path);
    if (existing) return existing;
    const node: TreeNode = { name: basename(path), path, type: 'directory', size: 0, children: [] };
    byPath.set(path, node);
    ensureDir(dirname(path)).children.push(node);
    return node;
  };
  for (const entry of entries) {
    const path = entry.path.replace(/^\/+|\/+$/g, '');
    if (!path) continue;
    if (entry.type === 'directory') {
      ensureDir(path);
      continue;
    }
    if (byPath.has(path)) continue;
    const node: TreeNode = { name: basename(path), path, type: entry.type, size: entry.size, children: [] };
    byPath.set(path, node);
    ensureDir(dirname(path)).children.push(node);
  }
  const sort = (node: TreeNode): void => {
    node.children.sort(compare);
    node.children.forEach(sort);
  };
  sort(root);
  return root.children;
}

/** Flattens the expanded part of the tree into rows for rendering and keyboard navigation. */
export function visibleRows(roots: TreeNode[], expanded: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (nodes: TreeNode[], depth: number, parent: string): void => {
    nodes.forEach((node, index) => {
      rows.push({ node, depth, parent, posInSet: index + 1, setSize: nodes.length });
      if (node.type === 'directory' && expanded.has(node.path)) walk(node.children, depth + 1, node.path);
    });
  };
  walk(roots, 1, '');
  return rows;
}

/** Every file path (for quick open). */
export function filePaths(entries: FileEntry[]): string[] {
  return entries.filter((e) => e.type !== 'directory').map((e) => e.path);
}

/** A short, readable size ("1.2 kB"). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
