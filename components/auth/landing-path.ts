import type { MembershipDto } from '@/server/protocol/identity';

/** Only same-origin paths are honoured, so `?next=` cannot send people to another site. */
function safeNextPath(raw: string | null): string | null {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null;
  return raw;
}

/**
 * Where signing in leads: `?next=` when it is safe; otherwise the dashboard for people who build
 * or manage apps, and the mobile launcher for business users, who only use them.
 */
export function landingPath(next: string | null, memberships: readonly MembershipDto[]): string {
  const safe = safeNextPath(next);
  if (safe) return safe;
  const onlyUsesApps = memberships.length > 0 && memberships.every((m) => m.roles.every((role) => role === 'user'));
  return onlyUsesApps ? '/m' : '/';
}
