'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { AppDto } from '@/server/protocol/apps';
import { api, errorMessage } from '@/components/api/api-client';
import { TenantPicker } from '@/components/dashboard/tenant-picker';
import { useTenantSession } from '@/components/dashboard/use-tenant-session';
import { Logo } from '@/components/ui/logo';
import { ThemeToggle } from '@/components/ui/theme-toggle';
import { AppCard } from './app-card';
import './apps.css';

/** The tenant's published apps, each with its versions (roll back) and instances. */
export function AppsView() {
  const { session, tenantId, tenant, chooseTenant: rememberTenant, error: sessionError } = useTenantSession();
  const [apps, setApps] = useState<AppDto[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const error = sessionError ?? loadError;

  const load = useCallback(async (id: string) => {
    try {
      setApps(await api.apps.list(id));
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
      setApps([]);
    }
  }, []);

  useEffect(() => {
    if (tenantId) void load(tenantId);
  }, [tenantId, load, refreshKey]);

  function chooseTenant(id: string): void {
    setApps(null);
    rememberTenant(id);
  }

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
        <TenantPicker
          id="apps-tenant-picker"
          memberships={session?.memberships}
          tenantId={tenantId}
          onChoose={chooseTenant}
        />
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
