'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { AppDto } from '@/server/protocol/apps';
import type { SessionDto } from '@/server/protocol/identity';
import { api, errorMessage } from '@/components/api/api-client';
import { Logo } from '@/components/ui/logo';
import { ThemeToggle } from '@/components/ui/theme-toggle';
import { AppCard } from './app-card';
import './apps.css';

// The dashboard remembers the chosen tenant under this key; the Apps view follows it.
const TENANT_KEY = 'slipway.tenant';

/** The tenant's published apps, each with its versions (roll back) and instances. */
export function AppsView() {
  const [session, setSession] = useState<SessionDto | null>(null);
  const [tenantId, setTenantId] = useState<string | null>(null);
  const [apps, setApps] = useState<AppDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);

  useEffect(() => {
    api.session().then(
      (s) => {
        setSession(s);
        const remembered = localStorage.getItem(TENANT_KEY);
        const tenant = s.memberships.find((m) => m.tenantId === remembered) ?? s.memberships[0];
        setTenantId(tenant?.tenantId ?? null);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);

  const load = useCallback(async (id: string) => {
    try {
      setApps(await api.apps.list(id));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
      setApps([]);
    }
  }, []);

  useEffect(() => {
    if (tenantId) void load(tenantId);
  }, [tenantId, load, refreshKey]);

  function chooseTenant(id: string): void {
    localStorage.setItem(TENANT_KEY, id);
    setApps(null);
    setTenantId(id);
  }

  const tenant = session?.memberships.find((m) => m.tenantId === tenantId);
  return (
    <div className="dash">
      <header className="dash-header">
        <nav aria-label="Breadcrumb" className="dash-brand apps-crumbs">
          <Link href="/" prefetch={false} aria-label="Dashboard">
            <Logo size={22} />
          </Link>
          <span aria-hidden="true">/</span>
          <span aria-current="page">Published apps</span>
        </nav>
        <div className="dash-user">
          <ThemeToggle />
        </div>
      </header>
      <main className="dash-main">
        {error ? (
          <div className="alert" role="alert">
            {error}
          </div>
        ) : null}
        {session && session.memberships.length > 1 ? (
          <div className="field tenant-picker">
            <label htmlFor="apps-tenant-picker">Company</label>
            <select id="apps-tenant-picker" value={tenantId ?? ''} onChange={(e) => chooseTenant(e.target.value)}>
              {session.memberships.map((m) => (
                <option key={m.tenantId} value={m.tenantId}>
                  {m.tenantName}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="dash-section-head">
          <h1>{tenant ? `${tenant.tenantName} · Published apps` : 'Published apps'}</h1>
          <button type="button" className="btn btn-secondary" onClick={() => setRefreshKey((k) => k + 1)}>
            Refresh
          </button>
        </div>
        {apps === null && !error ? <p className="hint">Loading…</p> : null}
        {apps?.length === 0 ? (
          <p className="hint">
            No published apps yet. Open a project and press Publish, or run <code>slipway publish</code> in a folder.
          </p>
        ) : null}
        {apps?.map((app) => (
          <AppCard key={app.id} initial={app} refreshKey={refreshKey} />
        ))}
      </main>
    </div>
  );
}
