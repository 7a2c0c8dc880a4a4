'use client';

import { useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { projectNameSchema } from '@/server/protocol/projects';
import { api, errorMessage } from '@/components/api/api-client';
import { useModal } from './use-modal';

/** Suggests a project name from a repository URL (".../Expense_App.git" → "expense-app"). */
function nameFromUrl(url: string): string {
  const last = url.replace(/\/+$/, '').split('/').pop() ?? '';
  return last
    .replace(/\.git$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 40);
}

/** "Import from Git": clones a repository URL into a new project and opens it. */
export function ImportDialog({ tenantId, open, onClose }: { tenantId: string; open: boolean; onClose: () => void }) {
  const dialogRef = useModal(open);
  const router = useRouter();
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setError(null);
    const parsed = projectNameSchema.safeParse(name);
    if (!parsed.success) {
      setError(`Name: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    setBusy(true);
    try {
      const project = await api.projects.importGit(tenantId, { name: parsed.data, url: url.trim() });
      router.push(`/ide/${encodeURIComponent(project.id)}`);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={dialogRef}
      className="modal"
      aria-labelledby="import-title"
      onClose={onClose}
      style={{ width: 'min(520px, calc(100vw - 32px))' }}
    >
      <form className="modal-body" onSubmit={submit}>
        <h2 id="import-title">Import from Git</h2>
        {error ? (
          <div className="alert" role="alert">
            {error}
          </div>
        ) : null}
        <label className="field">
          <span>Repository URL</span>
          <input
            type="url"
            required
            value={url}
            placeholder="https://example.com/team/app.git"
            spellCheck={false}
            onChange={(e) => {
              setUrl(e.target.value);
              if (!nameTouched) setName(nameFromUrl(e.target.value));
            }}
          />
        </label>
        <label className="field">
          <span>Name</span>
          <input
            required
            value={name}
            spellCheck={false}
            onChange={(e) => {
              setNameTouched(true);
              setName(e.target.value.toLowerCase());
            }}
          />
        </label>
        <div className="modal-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn" disabled={busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
