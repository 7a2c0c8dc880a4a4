'use client';

import { useCallback, useEffect, useState } from 'react';
import type { AppDto } from '@/server/protocol/apps';
import { api, errorMessage } from '@/components/api/api-client';
import { ConsolePage } from '@/components/dashboard/console-page';
import { useTenantSession } from '@/components/dashboard/use-tenant-session';
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
    <ConsolePage
      name="Published apps"
      pickerId="apps-tenant-picker"
      memberships={session?.memberships}
      tenantId={tenantId}
      tenantName={tenant?.tenantName}
      error={error}
      onChooseTenant={chooseTenant}
      onRefresh={() => setRefreshKey((k) => k + 1)}
    >
      {apps === null && !error ? <p className="hint">Loading…</p> : null}
      {apps?.length === 0 ? (
        <p className="hint">
          No published apps yet. Open a project and press Publish, or run <code>slipway publish</code> in a folder.
        </p>
      ) : null}
      {apps?.map((app) => (
        <AppCard key={app.id} initial={app} refreshKey={refreshKey} />
      ))}
    </ConsolePage>
  );
}
