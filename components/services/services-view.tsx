'use client';

import { useState } from 'react';
import { ConsolePage } from '@/components/dashboard/console-page';
import { useTenantSession } from '@/components/dashboard/use-tenant-session';
import { ContractCard } from './contract-card';
import { FetchLogPanel } from './fetch-log-panel';
import '@/components/apps/apps.css';
import './services.css';

/** The organisation's platform services: its contract, and the audit log of requests to other sites. */
export function ServicesView() {
  const { session, tenantId, tenant, chooseTenant, error } = useTenantSession();
  const [refreshKey, setRefreshKey] = useState(0);
  const canRead = session?.user.isOperator || tenant?.roles.some((role) => role === 'developer' || role === 'manager');

  return (
    <ConsolePage
      name="Services"
      pickerId="services-tenant-picker"
      memberships={session?.memberships}
      tenantId={tenantId}
      tenantName={tenant?.tenantName}
      error={error}
      onChooseTenant={chooseTenant}
      onRefresh={() => setRefreshKey((k) => k + 1)}
    >
      {session && tenantId && !canRead ? (
        <p className="hint">Only the organisation’s developers and managers see its services.</p>
      ) : null}
      {tenantId && canRead ? (
        <>
          <ContractCard
            key={`${tenantId}:${refreshKey}`}
            tenantId={tenantId}
            canEdit={session?.user.isOperator ?? false}
          />
          <FetchLogPanel tenantId={tenantId} refreshKey={refreshKey} />
        </>
      ) : null}
    </ConsolePage>
  );
}
