'use client';

import { useCallback, useEffect, useState } from 'react';
import type { GitStatusDto } from '@/server/protocol/git';
import type { ProjectDto } from '@/server/protocol/projects';
import type { FileEntry } from '@/server/protocol/files';
import { api, ApiError, errorMessage } from '@/components/api/api-client';

/** The project, its file tree and git status, each refetchable; `refreshKey` bumps after changes. */
export function useProjectData(projectId: string) {
  const [project, setProject] = useState<ProjectDto | null>(null);
  const [entries, setEntries] = useState<FileEntry[] | null>(null);
  const [gitStatus, setGitStatus] = useState<GitStatusDto | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);

  useEffect(() => {
    api.projects.get(projectId).then(setProject, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) return;
      setFatal(
        e instanceof ApiError && e.status === 404
          ? 'This project does not exist or you have no access to it.'
          : errorMessage(e),
      );
    });
  }, [projectId]);

  const loadEntries = useCallback(async () => {
    try {
      setEntries(await api.files.list(projectId));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setFatal((f) => f ?? errorMessage(e));
    }
  }, [projectId]);

  useEffect(() => {
    void loadEntries();
  }, [loadEntries]);

  // Git status is not needed for the first paint; fetch it once the tree is in.
  const treeLoaded = entries !== null;
  useEffect(() => {
    if (!treeLoaded) return;
    api.git.status(projectId).then(setGitStatus, () => setGitStatus(null));
  }, [projectId, refreshKey, treeLoaded]);

  /** Something changed on disk: refetch the tree, and let git views refetch too. */
  const filesChanged = useCallback(() => {
    void loadEntries();
    setRefreshKey((k) => k + 1);
  }, [loadEntries]);

  /** Only content changed (a save): the tree is unchanged, git views refetch. */
  const contentChanged = useCallback(() => setRefreshKey((k) => k + 1), []);

  return { project, entries, gitStatus, fatal, refreshKey, filesChanged, contentChanged };
}
