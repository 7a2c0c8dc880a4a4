'use client';

import { useMemo } from 'react';
import { api } from '@/components/api/api-client';
import { useChoice } from '@/components/ui/choice-dialog';
import { useToast } from '@/components/ui/toast';
import { basename, dirname, isWithin, joinPath } from './file-tree-model';

/** What the explorer tells the IDE after it changed the project's files. */
export interface ExplorerEvents {
  onOpenFile: (path: string) => void;
  /** The tree (and git status) must be refetched. */
  onFilesChanged: () => void;
  onMoved: (from: string, to: string) => void;
  onDeleted: (path: string) => void;
}

const ARCHIVE = /\.(zip|tar\.gz|tgz)$/i;

/** File operations behind the explorer's gestures; each reports failures as a toast. */
export function useExplorerOps(projectId: string, events: ExplorerEvents) {
  const toast = useToast();
  const ask = useChoice();

  return useMemo(() => {
    const invalidName = (name: string): string | null => {
      if (!name.trim()) return 'A file or folder name must be provided.';
      if (name.split('/').some((part) => part === '..' || part === '.'))
        return 'The name cannot contain “.” or “..” segments.';
      return null;
    };

    async function create(parent: string, name: string, type: 'file' | 'directory'): Promise<boolean> {
      const problem = invalidName(name);
      if (problem) {
        toast.error(new Error(problem), 'Invalid name');
        return false;
      }
      const path = joinPath(parent, name.trim().replace(/^\/+|\/+$/g, ''));
      try {
        await api.files.create(projectId, type === 'file' ? { path, type, content: '' } : { path, type });
        events.onFilesChanged();
        if (type === 'file') events.onOpenFile(path);
        return true;
      } catch (e) {
        toast.error(e, `Could not create ${name}`);
        return false;
      }
    }

    async function move(from: string, to: string): Promise<boolean> {
      if (from === to) return true;
      if (isWithin(to, from)) {
        toast.error(new Error('A folder cannot be moved into itself.'), 'Cannot move');
        return false;
      }
      try {
        await api.files.move(projectId, from, to);
        events.onMoved(from, to);
        events.onFilesChanged();
        return true;
      } catch (e) {
        toast.error(e, `Could not move ${basename(from)}`);
        return false;
      }
    }

    async function rename(path: string, newName: string): Promise<boolean> {
      const problem = invalidName(newName);
      if (problem) {
        toast.error(new Error(problem), 'Invalid name');
        return false;
      }
      return move(path, joinPath(dirname(path), newName.trim()));
    }

    async function moveInto(from: string, folder: string): Promise<boolean> {
      if (dirname(from) === folder) return true;
      return move(from, joinPath(folder, basename(from)));
    }

    async function remove(path: string, isDirectory: boolean): Promise<void> {
      const answer = await ask({
        title: `Delete ${basename(path)}?`,
        message: isDirectory
          ? `The folder “${path}” and everything in it will be deleted. You can restore committed files from Source Control.`
          : `“${path}” will be deleted. You can restore a committed version from Source Control.`,
        options: [{ value: 'delete', label: 'Delete', danger: true }],
      });
      if (answer !== 'delete') return;
      try {
        await api.files.remove(projectId, path);
        events.onDeleted(path);
        events.onFilesChanged();
      } catch (e) {
        toast.error(e, `Could not delete ${basename(path)}`);
      }
    }

    async function upload(folder: string, files: File[]): Promise<void> {
      if (files.length === 0) return;
      let extract = false;
      const only = files[0];
      if (files.length === 1 && only && ARCHIVE.test(only.name)) {
        const answer = await ask({
          title: `Unpack ${only.name}?`,
          message: `Unpack the archive into “${folder || 'the project root'}”, or upload it as a single file.`,
          options: [
            { value: 'extract', label: 'Unpack' },
            { value: 'file', label: 'Upload as file' },
          ],
        });
        if (answer === 'cancel') return;
        extract = answer === 'extract';
      }
      try {
        const result = await api.files.upload(projectId, folder, files, extract);
        toast.info(`Uploaded ${result.written.length} file${result.written.length === 1 ? '' : 's'}`);
        events.onFilesChanged();
      } catch (e) {
        toast.error(e, 'Upload failed');
      }
    }

    return { create, move, rename, moveInto, remove, upload };
  }, [projectId, events, toast, ask]);
}

export type ExplorerOps = ReturnType<typeof useExplorerOps>;
