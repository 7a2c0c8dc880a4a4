'use client';

import { useEffect, useState } from 'react';
import type { MembershipDto, SessionDto } from '@/server/protocol/identity';
import { api, errorMessage } from '@/components/api/api-client';

// The chosen tenant is remembered under this key, so the dashboard and the Apps view follow each other.
const TENANT_KEY = 'slipway.tenant';

function pickTenant(memberships: MembershipDto[]): string | null {
  const remembered = localStorage.getItem(TENANT_KEY);
  return memberships.find((m) => m.tenantId === remembered)?.tenantId ?? memberships[0]?.tenantId ?? null;
}

/** The signed-in session and the tenant chosen in it (the remembered one, else the first). */
export function useTenantSession() {
  const [session, setSession] = useState<SessionDto | null>(null);
  const [tenantId, setTenantId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.session().then(
      (s) => {
        setSession(s);
        setTenantId(pickTenant(s.memberships));
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);

  function chooseTenant(id: string): void {
    localStorage.setItem(TENANT_KEY, id);
    setTenantId(id);
  }

  const tenant = session?.memberships.find((m) => m.tenantId === tenantId);
  return { session, tenantId, tenant, chooseTenant, error };
}
