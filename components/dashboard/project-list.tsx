'use client';

import Link from 'next/link';
import type { ProjectDto } from '@/server/protocol/projects';
import { api } from '@/components/api/api-client';
import { useChoice } from '@/components/ui/choice-dialog';
import { useToast } from '@/components/ui/toast';

const RUNTIME_LABEL: Record<ProjectDto['runtime'], string> = { java: 'Java', python: 'Python' };

/** The tenant's projects; each name links to its IDE. */
export function ProjectList({ projects, onChanged }: { projects: ProjectDto[] | null; onChanged: () => void }) {
  const ask = useChoice();
  const toast = useToast();

  async function remove(project: ProjectDto): Promise<void> {
    const answer = await ask({
      title: `Delete ${project.name}?`,
      message: 'Its files and history are removed for everyone in your company. This cannot be undone.',
      options: [{ value: 'delete', label: 'Delete', danger: true }],
    });
    if (answer !== 'delete') return;
    try {
      await api.projects.remove(project.id);
      onChanged();
    } catch (e) {
      toast.error(e, `Could not delete ${project.name}`);
    }
  }

  if (projects === null) return <p className="hint">Loading apps…</p>;
  if (projects.length === 0) return <p className="hint">No apps yet. Create one with “New app”.</p>;
  return (
    <ul className="project-list" aria-label="Apps">
      {projects.map((p) => (
        <li key={p.id} className="project-item">
          <Link href={`/ide/${encodeURIComponent(p.id)}`} className="project-link" prefetch={false}>
            {p.name}
          </Link>
          <span className={`badge badge-${p.runtime}`}>{RUNTIME_LABEL[p.runtime]}</span>
          <span className="hint">created {new Date(p.createdAt).toLocaleDateString()}</span>
          <button
            type="button"
            className="btn btn-ghost project-delete"
            aria-label={`Delete ${p.name}`}
            onClick={() => void remove(p)}
          >
            Delete
          </button>
        </li>
      ))}
    </ul>
  );
}
