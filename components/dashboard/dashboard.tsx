'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { ProjectDto } from '@/server/protocol/projects';
import { api, errorMessage } from '@/components/api/api-client';
import { ThemeToggle } from '@/components/ui/theme-toggle';
import { Logo } from '@/components/ui/logo';
import { TemplateWizard } from '@/components/wizard/template-wizard';
import { ImportDialog } from '@/components/wizard/import-dialog';
import { ProjectList } from './project-list';
import { TenantPicker } from './tenant-picker';
import { useTenantSession } from './use-tenant-session';

/** Home page: the user's tenants, the chosen tenant's projects, "New app" and "Import from Git". */
export function Dashboard() {
  const { session, tenantId, tenant, chooseTenant, error: sessionError } = useTenantSession();
  const [projects, setProjects] = useState<ProjectDto[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'wizard' | 'import' | null>(null);
  const error = sessionError ?? loadError;

  const loadProjects = useCallback(async (id: string) => {
    setProjects(null);
    try {
      setProjects(await api.projects.list(id));
    } catch (e) {
      setLoadError(errorMessage(e));
      setProjects([]);
    }
  }, []);

  useEffect(() => {
    if (tenantId) void loadProjects(tenantId);
  }, [tenantId, loadProjects]);

  async function logout(): Promise<void> {
    try {
      await api.auth.logout();
    } finally {
      window.location.assign('/login');
    }
  }

  return (
    <div className="dash">
      <header className="dash-header">
        <div className="dash-brand">
          <Logo size={22} />
        </div>
        <div className="dash-user">
          {session ? <span>{session.user.name || session.user.email}</span> : null}
          <Link href="/apps" prefetch={false} className="btn btn-ghost">
            Published apps
          </Link>
          <Link href="/services" prefetch={false} className="btn btn-ghost">
            Services
          </Link>
          <Link href="/m" prefetch={false} className="btn btn-ghost">
            Launcher
          </Link>
          <ThemeToggle />
          <button type="button" className="btn btn-secondary" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <main className="dash-main">
        {error ? (
          <div className="alert" role="alert">
            {error}
          </div>
        ) : null}
        {session && session.memberships.length === 0 ? (
          <p>You are not a member of any company yet. Ask your service manager for an invitation.</p>
        ) : null}
        <TenantPicker
          id="tenant-picker"
          memberships={session?.memberships}
          tenantId={tenantId}
          onChoose={chooseTenant}
        />
        {tenant ? (
          <section aria-labelledby="projects-title">
            <div className="dash-section-head">
              <h1 id="projects-title">{tenant.tenantName} · Apps</h1>
              <div className="dash-actions">
                <button type="button" className="btn" onClick={() => setDialog('wizard')}>
                  New app
                </button>
                <button type="button" className="btn btn-secondary" onClick={() => setDialog('import')}>
                  Import from Git
                </button>
              </div>
            </div>
            <ProjectList projects={projects} onChanged={() => void loadProjects(tenant.tenantId)} />
            {/* Mounted only while open, so each opening starts fresh and closed forms stay out of the page. */}
            {dialog === 'wizard' ? (
              <TemplateWizard tenantId={tenant.tenantId} open onClose={() => setDialog(null)} />
            ) : null}
            {dialog === 'import' ? (
              <ImportDialog tenantId={tenant.tenantId} open onClose={() => setDialog(null)} />
            ) : null}
          </section>
        ) : null}
        {!session && !error ? <p className="hint">Loading…</p> : null}
      </main>
    </div>
  );
}
