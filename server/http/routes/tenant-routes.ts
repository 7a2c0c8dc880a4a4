import { Hono } from 'hono';
import { forbidden } from '../../core/errors';
import type { IdentityService } from '../../identity/identity-service';
import type { Principal } from '../../identity/principal';
import { addMemberBodySchema, createTenantBodySchema, type TenantRole } from '../../protocol/identity';
import type { ApiEnv } from '../api-env';
import { readJson } from '../request-body';

/** What the tenant routes need. */
export interface TenantRouteDeps {
  identity: IdentityService;
  maxJsonBytes: number;
}

/** Operators create tenants and invite managers; managers add developers and users. */
export function tenantRoutes(deps: TenantRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const { identity } = deps;

  routes.get('/tenants', async (c) => c.json(await identity.listTenants(c.get('principal'))));

  routes.post('/tenants', async (c) => {
    if (!c.get('principal').isOperator) throw forbidden('Only an operator can create tenants.');
    const body = await readJson(c, createTenantBodySchema, deps.maxJsonBytes);
    return c.json(await identity.createTenant(body), 201);
  });

  routes.get('/tenants/:tenantId/members', async (c) => {
    const tenantId = c.req.param('tenantId');
    await requireMemberAdmin(identity, c.get('principal'), tenantId);
    return c.json(await identity.listMembers(tenantId));
  });

  routes.post('/tenants/:tenantId/members', async (c) => {
    const tenantId = c.req.param('tenantId');
    const principal = c.get('principal');
    await requireMemberAdmin(identity, principal, tenantId);
    const body = await readJson(c, addMemberBodySchema, deps.maxJsonBytes);
    assertMayGrant(principal, body.roles);
    return c.json(await identity.addMember(tenantId, body), 201);
  });

  routes.delete('/tenants/:tenantId/members/:userId', async (c) => {
    const tenantId = c.req.param('tenantId');
    await requireMemberAdmin(identity, c.get('principal'), tenantId);
    await identity.removeMember(tenantId, c.req.param('userId'));
    return c.body(null, 204);
  });

  return routes;
}

async function requireMemberAdmin(identity: IdentityService, principal: Principal, tenantId: string): Promise<void> {
  if (principal.isOperator) {
    await identity.requireTenantExists(tenantId);
    return;
  }
  await identity.requireRole(principal, tenantId, ['manager']);
}

function assertMayGrant(principal: Principal, roles: readonly TenantRole[]): void {
  if (!principal.isOperator && roles.includes('manager')) {
    throw forbidden('Only an operator can make someone a manager.');
  }
}
