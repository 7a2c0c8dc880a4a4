'use client';

import { useEffect, useState } from 'react';
import { appServiceNames } from '@/server/protocol/app-manifest';
import type { PlatformServiceName, ServiceContractDto } from '@/server/protocol/platform-services';
import { api, errorMessage } from '@/components/api/api-client';
import { useToast } from '@/components/ui/toast';
import { contractOf, draftOf, type ContractDraft } from './contract-form';

const SERVICE_LABELS: Record<PlatformServiceName, string> = {
  datastore: 'Datastore: entities, queries, transactions',
  images: 'Images: resize, crop, convert',
  push: 'Push: live messages to pages and phones',
  users: 'Users: the signed-in user and the organisation’s staff',
  messaging: 'Messaging: e-mail and in-platform messages',
  tasks: 'Tasks: queues and schedules',
  urlfetch: 'URL fetch and URL links: outside sites',
};

/** The organisation's service contract; an operator can change it here. */
export function ContractCard({ tenantId, canEdit }: { tenantId: string; canEdit: boolean }) {
  const [contract, setContract] = useState<ServiceContractDto | null>(null);
  const [draft, setDraft] = useState<ContractDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const toast = useToast();

  useEffect(() => {
    let current = true;
    setContract(null);
    setDraft(null);
    api.services.contract(tenantId).then(
      (loaded) => {
        if (current) setContract(loaded);
      },
      (e: unknown) => {
        if (current) setError(errorMessage(e));
      },
    );
    return () => {
      current = false;
    };
  }, [tenantId]);

  async function save(edited: ContractDraft): Promise<void> {
    setSaving(true);
    try {
      setContract(await api.services.setContract(tenantId, contractOf(edited, appServiceNames)));
      setDraft(null);
      setError(null);
      toast.info('Contract saved. The apps’ next calls follow it.');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="services-card" aria-labelledby="contract-heading">
      <div className="dash-section-head">
        <h2 id="contract-heading">Service contract</h2>
        {canEdit && contract && !draft ? (
          <button type="button" className="btn btn-secondary" onClick={() => setDraft(draftOf(contract))}>
            Change
          </button>
        ) : null}
      </div>
      {error ? (
        <div className="alert" role="alert">
          {error}
        </div>
      ) : null}
      {!contract && !error ? <p className="hint">Loading…</p> : null}
      {contract && !draft ? <ContractSummary contract={contract} /> : null}
      {draft ? (
        <ContractEditor
          draft={draft}
          saving={saving}
          onChange={setDraft}
          onSave={() => void save(draft)}
          onCancel={() => {
            setDraft(null);
            setError(null);
          }}
        />
      ) : null}
    </section>
  );
}

function ContractSummary({ contract }: { contract: ServiceContractDto }) {
  const { allow, deny } = contract.urlPolicy;
  return (
    <>
      <ul className="services-list" aria-label="Services">
        {appServiceNames.map((service) => {
          const included = contract.services.includes(service);
          return (
            <li key={service} className={included ? 'service-included' : 'service-excluded'}>
              <span aria-hidden="true">{included ? '✓' : '—'}</span> {SERVICE_LABELS[service]}
              <span className="visually-hidden">{included ? ' (included)' : ' (not included)'}</span>
            </li>
          );
        })}
      </ul>
      <p className="hint">
        URL fetch may reach {allow?.length ? <strong>only {allow.join(', ')}</strong> : 'any public site'}
        {deny?.length ? <>, never {deny.join(', ')}</> : null}. Private and loopback addresses are always refused.
      </p>
    </>
  );
}

function ContractEditor({
  draft,
  saving,
  onChange,
  onSave,
  onCancel,
}: {
  draft: ContractDraft;
  saving: boolean;
  onChange: (draft: ContractDraft) => void;
  onSave: () => void;
  onCancel: () => void;
}) {
  function toggle(service: PlatformServiceName, on: boolean): void {
    const services = new Set(draft.services);
    if (on) services.add(service);
    else services.delete(service);
    onChange({ ...draft, services });
  }
  return (
    <form
      className="services-editor"
      onSubmit={(event) => {
        event.preventDefault();
        onSave();
      }}
    >
      <fieldset>
        <legend>Services the apps may call</legend>
        {appServiceNames.map((service) => (
          <label key={service} className="services-check">
            <input
              type="checkbox"
              checked={draft.services.has(service)}
              onChange={(event) => toggle(service, event.target.checked)}
            />{' '}
            {SERVICE_LABELS[service]}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="contract-allow">Only these sites (one domain pattern per line; empty: any public site)</label>
        <textarea
          id="contract-allow"
          rows={3}
          value={draft.allow}
          placeholder="*.supplier.example"
          onChange={(event) => onChange({ ...draft, allow: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor="contract-deny">Never these sites</label>
        <textarea
          id="contract-deny"
          rows={3}
          value={draft.deny}
          onChange={(event) => onChange({ ...draft, deny: event.target.value })}
        />
      </div>
      <div className="services-actions">
        <button type="submit" className="btn" disabled={saving}>
          {saving ? 'Saving…' : 'Save contract'}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={saving}>
          Cancel
        </button>
      </div>
    </form>
  );
}
