'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ProjectDto } from '@/server/protocol/projects';
import { api } from '@/components/api/api-client';
import { PublishButton } from '@/components/publish/publish-button';
import { useToast } from '@/components/ui/toast';
import { Logo } from '@/components/ui/logo';

const RUNTIME_LABEL: Record<ProjectDto['runtime'], string> = { java: 'Java', python: 'Python' };

/** Thin header: where you are, "Publish", "Apps", and "Close project" (ends your terminals in it). */
export function TitleBar({
  projectId,
  project,
  unsavedFiles,
}: {
  projectId: string;
  project: ProjectDto | null;
  unsavedFiles: number;
}) {
  const router = useRouter();
  const toast = useToast();

  async function closeProject(): Promise<void> {
    try {
      await api.projects.close(projectId);
    } catch (e) {
      toast.error(e, 'Could not close the project cleanly');
    }
    router.push('/');
  }

  return (
    <header className="title-bar">
      <nav aria-label="Breadcrumb" className="title-crumbs">
        <Link href="/" prefetch={false}>
          <Logo size={16} />
        </Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{project?.name ?? '…'}</span>
        {project ? <span className={`badge badge-${project.runtime}`}>{RUNTIME_LABEL[project.runtime]}</span> : null}
      </nav>
      <div className="title-actions">
        <PublishButton projectId={projectId} projectName={project?.name ?? 'project'} unsavedFiles={unsavedFiles} />
        <Link
          href="/apps"
          prefetch={false}
          className="btn btn-ghost"
          title="Published apps: versions, roll back, instances"
        >
          Apps
        </Link>
        <button type="button" className="btn btn-ghost" onClick={() => void closeProject()}>
          Close project
        </button>
      </div>
    </header>
  );
}
