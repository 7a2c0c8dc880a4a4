import { Hono } from 'hono';
import type { IdentityService } from '../../../identity/identity-service';
import { platformRequests } from '../../../protocol/platform-services';
import { readJson } from '../../request-body';
import type { PlatformEnv } from '../platform-env';

/**
 * `users/*`: the user a call acts for (verified from the forwarded identity headers) and the
 * app tenant's members, for apps that assign work. Never another tenant's users.
 */
export function usersRoutes(deps: {
  identity: Pick<IdentityService, 'listMembers'>;
  maxJsonBytes: number;
}): Hono<PlatformEnv> {
  const routes = new Hono<PlatformEnv>();
  const members = async (tenantId: string) =>
    (await deps.identity.listMembers(tenantId)).map((member) => ({
      id: member.userId,
      name: member.name,
      email: member.email,
      roles: [...member.roles],
    }));
  routes.post('/users/current', async (c) => {
    await readJson(c, platformRequests['users/current'], deps.maxJsonBytes);
    const { tenantId, userId } = c.get('scope');
    const user = userId ? (await members(tenantId)).find((member) => member.id === userId) : undefined;
    return c.json({ user: user ?? null });
  });
  routes.post('/users/list', async (c) => {
    const { role } = await readJson(c, platformRequests['users/list'], deps.maxJsonBytes);
    const users = await members(c.get('scope').tenantId);
    return c.json({ users: role ? users.filter((user) => (user.roles as string[]).includes(role)) : users });
  });
  return routes;
}
