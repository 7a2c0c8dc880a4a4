import { isDomainError } from '../core/errors';
import type { AppRoute } from '../farm/routing';
import type { IdentityService } from '../identity/identity-service';
import type { AppSessions } from './app-sessions';
import type { VerifiedIdentity } from './identity-signer';

/** The answer to "may this app session use this app?". */
export type AccessDecision =
  { kind: 'allow'; identity: VerifiedIdentity } | { kind: 'unauthenticated' } | { kind: 'forbidden' };

/**
 * Decides access to guarded apps from the app-host session: `tenant` admits every member of
 * the app's tenant, a role list admits members holding one of those roles.
 */
export class AppAccessChecker {
  constructor(
    private readonly deps: {
      sessions: AppSessions;
      identity: Pick<IdentityService, 'rolesIn' | 'getUser'>;
      routeOf: (appId: string) => AppRoute | undefined;
    },
  ) {}

  async check(appId: string, sessionSecret: string): Promise<AccessDecision> {
    const route = this.deps.routeOf(appId);
    if (!route) return { kind: 'forbidden' };
    if (!sessionSecret) return { kind: 'unauthenticated' };
    const userId = await this.deps.sessions.userOf(appId, sessionSecret);
    if (!userId) return { kind: 'unauthenticated' };
    const roles = await this.deps.identity.rolesIn(userId, route.tenantId);
    if (!admits(route.access, roles)) return { kind: 'forbidden' };
    try {
      const user = await this.deps.identity.getUser(userId);
      return { kind: 'allow', identity: { appId, userId, name: user.name, email: user.email, roles } };
    } catch (error) {
      if (isDomainError(error) && error.code === 'not-found') return { kind: 'unauthenticated' };
      throw error;
    }
  }
}

/** Whether a member with `roles` in the app's tenant may use an app with this access rule. */
export function admits(access: AppRoute['access'], roles: readonly string[]): boolean {
  if (access === 'public') return true;
  if (roles.length === 0) return false;
  if (access === 'tenant') return true;
  return roles.some((role) => access.includes(role));
}
