'use client';

import Link from 'next/link';
import { useState } from 'react';
import { TenantPicker } from '@/components/dashboard/tenant-picker';
import { useTenantSession } from '@/components/dashboard/use-tenant-session';
import { Logo } from '@/components/ui/logo';
import { ThemeToggle } from '@/components/ui/theme-toggle';
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
    <div className="dash">
      <header className="dash-header">
        <nav aria-label="Breadcrumb" className="dash-brand apps-crumbs">
          <Link href="/" prefetch={false} aria-label="Dashboard">
            <Logo size={22} />
          </Link>
          <span aria-hidden="true">/</span>
          <span aria-current="page">Services</span>
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
          id="services-tenant-picker"
          memberships={session?.memberships}
          tenantId={tenantId}
          onChoose={chooseTenant}
        />
        <div className="dash-section-head">
          <h1>{tenant ? `${tenant.tenantName} · Services` : 'Services'}</h1>
          <button type="button" className="btn btn-secondary" onClick={() => setRefreshKey((k) => k + 1)}>
            Refresh
          </button>
        </div>
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
      </main>
    </div>
  );
}
