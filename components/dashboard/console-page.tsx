'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import type { MembershipDto } from '@/server/protocol/identity';
import { Logo } from '@/components/ui/logo';
import { ThemeToggle } from '@/components/ui/theme-toggle';
import { TenantPicker } from './tenant-picker';

/**
 * The frame of a console page of one company (Published apps, Services): a breadcrumb back to
 * the dashboard, the theme toggle, an error, the company picker, and the page's title with
 * Refresh above its content.
 */
export function ConsolePage({
  name,
  pickerId,
  memberships,
  tenantId,
  tenantName,
  error,
  onChooseTenant,
  onRefresh,
  children,
}: {
  /** The page's name, in the breadcrumb and the title. */
  name: string;
  pickerId: string;
  memberships: readonly MembershipDto[] | undefined;
  tenantId: string | null;
  tenantName: string | undefined;
  error: string | null;
  onChooseTenant: (tenantId: string) => void;
  onRefresh: () => void;
  children: ReactNode;
}) {
  return (
    <div className="dash">
      <header className="dash-header">
        <nav aria-label="Breadcrumb" className="dash-brand console-crumbs">
          <Link href="/" prefetch={false} aria-label="Dashboard">
            <Logo size={22} />
          </Link>
          <span aria-hidden="true">/</span>
          <span aria-current="page">{name}</span>
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
        <TenantPicker id={pickerId} memberships={memberships} tenantId={tenantId} onChoose={onChooseTenant} />
        <div className="dash-section-head">
          <h1>{tenantName ? `${tenantName} · ${name}` : name}</h1>
          <button type="button" className="btn btn-secondary" onClick={onRefresh}>
            Refresh
          </button>
        </div>
        {children}
      </main>
    </div>
  );
}
