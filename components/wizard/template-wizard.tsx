'use client';

import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import type { TemplateSummary } from '@/server/protocol/templates';
import { projectNameSchema } from '@/server/protocol/projects';
import { api, errorMessage } from '@/components/api/api-client';
import { useModal } from './use-modal';
import { TemplateCards } from './template-cards';

type Runtime = TemplateSummary['runtime'];

const RUNTIMES: { value: Runtime; label: string; hint: string }[] = [
  { value: 'java', label: 'Java', hint: 'Jakarta Servlet 6 on Tomcat' },
  { value: 'python', label: 'Python', hint: 'WSGI or CGI on gunicorn' },
];

/** "New app" wizard: runtime → template → name → Create, then opens the IDE on the new project. */
export function TemplateWizard({ tenantId, open, onClose }: { tenantId: string; open: boolean; onClose: () => void }) {
  const dialogRef = useModal(open);
  const router = useRouter();
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [runtime, setRuntime] = useState<Runtime>('java');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open || templates) return;
    api.templates.list().then(setTemplates, (e: unknown) => setError(errorMessage(e)));
  }, [open, templates]);

  const visible = useMemo(() => (templates ?? []).filter((t) => t.runtime === runtime), [templates, runtime]);

  // Keep a valid template selected as the runtime changes.
  useEffect(() => {
    if (!visible.some((t) => t.id === templateId)) setTemplateId(visible[0]?.id ?? null);
  }, [visible, templateId]);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setError(null);
    const parsed = projectNameSchema.safeParse(name);
    if (!parsed.success) {
      setError(`Name: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    if (!templateId) {
      setError('Pick a template.');
      return;
    }
    setBusy(true);
    try {
      const project = await api.projects.create(tenantId, { name: parsed.data, templateId });
      router.push(`/ide/${encodeURIComponent(project.id)}`);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialogRef} className="modal" aria-labelledby="wizard-title" onClose={onClose}>
      <form className="modal-body" onSubmit={submit}>
        <h2 id="wizard-title">New app</h2>
        {error ? (
          <div className="alert" role="alert">
            {error}
          </div>
        ) : null}
        <fieldset className="wizard-fieldset">
          <legend>Runtime</legend>
          <div className="runtime-options">
            {RUNTIMES.map((r) => (
              <label key={r.value} className={`runtime-option${runtime === r.value ? ' selected' : ''}`}>
                <input
                  type="radio"
                  name="runtime"
                  value={r.value}
                  checked={runtime === r.value}
                  onChange={() => setRuntime(r.value)}
                  aria-labelledby={`runtime-${r.value}`}
                />
                <span id={`runtime-${r.value}`}>{r.label}</span>
                <span className="hint">{r.hint}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="wizard-fieldset">
          <legend>Template</legend>
          {templates === null && !error ? <p className="hint">Loading templates…</p> : null}
          {templates !== null && visible.length === 0 ? (
            <p className="hint">No templates for this runtime yet.</p>
          ) : null}
          <TemplateCards templates={visible} selected={templateId} onSelect={setTemplateId} />
        </fieldset>
        <div className="field">
          <label htmlFor="wizard-name">Name</label>
          <input
            id="wizard-name"
            name="name"
            required
            value={name}
            placeholder="expense-approvals"
            autoComplete="off"
            spellCheck={false}
            aria-describedby="wizard-name-hint"
            onChange={(e) => setName(e.target.value.toLowerCase())}
          />
          <span id="wizard-name-hint" className="hint">
            Lowercase letters, digits and dashes; becomes part of the app&apos;s address.
          </span>
        </div>
        <div className="modal-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn" disabled={busy || !templateId}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
