'use client';

import { useCallback, useEffect, useState } from 'react';
import type { AppDto, AppVersionDto, InstanceDto } from '@/server/protocol/apps';
import { api, errorMessage } from '@/components/api/api-client';
import { useToast } from '@/components/ui/toast';
import { AppInstancesTable } from './app-instances-table';
import { AppVersionsTable } from './app-versions-table';

/** One published app: its URL, versions (with roll back) and instances. */
export function AppCard({ initial, refreshKey }: { initial: AppDto; refreshKey: number }) {
  const toast = useToast();
  const [app, setApp] = useState(initial);
  const [versions, setVersions] = useState<AppVersionDto[] | null>(null);
  const [instances, setInstances] = useState<InstanceDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const [v, i] = await Promise.all([api.apps.versions(initial.id), api.apps.instances(initial.id)]);
      setVersions(v);
      setInstances(i);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [initial.id]);

  useEffect(() => {
    setApp(initial);
    void load();
  }, [initial, refreshKey, load]);

  async function activate(version: AppVersionDto, action: 'rollback' | 'promote'): Promise<void> {
    setBusy(true);
    try {
      const updated =
        action === 'rollback'
          ? await api.apps.rollback(app.id, version.number)
          : await api.apps.promote(app.id, version.number);
      setApp(updated);
      toast.info(`${updated.slug} now serves v${updated.activeVersion ?? version.number}.`);
      await load();
    } catch (e) {
      toast.error(e, `Could not switch ${app.slug} to v${version.number}`);
    } finally {
      setBusy(false);
    }
  }

  const headingId = `app-${app.id}`;
  return (
    <section className="app-card" aria-labelledby={headingId}>
      <div className="app-card-head">
        <h2 id={headingId}>{app.slug}</h2>
        <span className={`badge badge-${app.runtime}`}>{app.runtime === 'java' ? 'Java' : 'Python'}</span>
        <span className="app-card-active">
          {app.activeVersion === null ? 'not serving yet' : `serving v${app.activeVersion}`}
        </span>
        <a href={app.url} target="_blank" rel="noopener noreferrer" className="app-card-url">
          {app.url}
        </a>
      </div>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
      <h3>Versions</h3>
      {versions ? (
        <AppVersionsTable app={app} versions={versions} busy={busy} onActivate={(v, a) => void activate(v, a)} />
      ) : (
        <p className="hint">Loading…</p>
      )}
      <h3>Instances</h3>
      {instances ? <AppInstancesTable app={app} instances={instances} /> : <p className="hint">Loading…</p>}
    </section>
  );
}
