import type { LauncherDto } from '@/server/protocol/launcher';
import { ApiError } from '@/components/api/api-error';

// The launcher's one read lives here rather than in components/api/api-client.ts, which another
// change owns; it follows that client's rules (same-origin cookie, problem+json, 401 → login).
const LAUNCHER_PATH = '/api/v1/launcher';

/** Where an unauthenticated launcher sends the browser, coming back to `/m` after signing in. */
export const LAUNCHER_LOGIN_URL = '/login?next=/m';

/** `GET /api/v1/launcher`: the user's organisations, the chosen one's apps and its push grant. */
export async function fetchLauncher(tenantId?: string): Promise<LauncherDto> {
  const query = tenantId ? `?${new URLSearchParams({ tenantId }).toString()}` : '';
  const response = await fetch(`${LAUNCHER_PATH}${query}`, {
    credentials: 'same-origin',
    headers: { accept: 'application/json, application/problem+json' },
    cache: 'no-store',
  });
  if (response.status === 401) window.location.assign(LAUNCHER_LOGIN_URL);
  if (!response.ok) throw await ApiError.fromResponse(response);
  return (await response.json()) as LauncherDto;
}
