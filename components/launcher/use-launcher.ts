'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { LauncherDto } from '@/server/protocol/launcher';
import { api, ApiError, errorMessage } from '@/components/api/api-client';

// The dashboard's key: choosing an organisation here or there chooses it for both.
const TENANT_KEY = 'slipway.tenant';

function rememberedTenant(): string | undefined {
  try {
    return localStorage.getItem(TENANT_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function rememberTenant(tenantId: string): void {
  try {
    localStorage.setItem(TENANT_KEY, tenantId);
  } catch {
    // Not remembering the choice only costs the user a tap next time.
  }
}

/** What the launcher shows: its data, a load error, and how to switch organisation or reload. */
export interface LauncherState {
  data: LauncherDto | null;
  error: string | null;
  /** The organisation being loaded after a switch, until its data arrives. */
  pendingTenantId: string | null;
  chooseTenant: (tenantId: string) => void;
  /** Loads the shown organisation again (a fresh push token, the current apps). */
  refresh: () => Promise<void>;
}

/** Loads `GET /api/v1/launcher` for the remembered organisation, then for the one chosen. */
export function useLauncher(): LauncherState {
  const [data, setData] = useState<LauncherDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pendingTenantId, setPendingTenantId] = useState<string | null>(null);
  // Only the latest request may land: a slow answer for an earlier choice must not win.
  const latest = useRef(0);
  const shownTenant = useRef<string | undefined>(undefined);

  const load = useCallback(async (tenantId: string | undefined) => {
    const request = ++latest.current;
    try {
      const loaded = await fetchWithFallback(tenantId);
      if (request !== latest.current) return;
      shownTenant.current = loaded.tenant?.id;
      if (loaded.tenant) rememberTenant(loaded.tenant.id);
      setData(loaded);
      setError(null);
    } catch (e) {
      if (request !== latest.current) return;
      // A 401 is already on its way to the login page.
      if (!(e instanceof ApiError && e.status === 401)) setError(errorMessage(e));
    } finally {
      if (request === latest.current) setPendingTenantId(null);
    }
  }, []);

  useEffect(() => {
    void load(rememberedTenant());
  }, [load]);

  const chooseTenant = useCallback(
    (tenantId: string) => {
      setPendingTenantId(tenantId);
      void load(tenantId);
    },
    [load],
  );

  const refresh = useCallback(() => load(shownTenant.current), [load]);

  return { data, error, pendingTenantId, chooseTenant, refresh };
}

/** A remembered organisation the user has left is refused: fall back to the default one. */
async function fetchWithFallback(tenantId: string | undefined): Promise<LauncherDto> {
  try {
    return await api.launcher.get(tenantId);
  } catch (e) {
    const refused = e instanceof ApiError && [400, 403, 404].includes(e.status);
    if (!tenantId || !refused) throw e;
    return api.launcher.get();
  }
}
