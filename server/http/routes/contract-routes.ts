import { Hono } from 'hono';
import { z } from 'zod';
import { forbidden } from '../../core/errors';
import type { IdentityService } from '../../identity/identity-service';
import type { Principal } from '../../identity/principal';
import type { ServiceContractDto, UrlFetchLogEntryDto } from '../../protocol/platform-services';
import { serviceContractSchema } from '../../protocol/platform-services';
import type { ServiceContracts } from '../../services/service-contracts';
import type { DbFetchLog } from '../../services/urlfetch/db-fetch-log';
import type { ApiEnv } from '../api-env';
import { parseWith, readJson } from '../request-body';

/** What the contract routes need. */
export interface ContractRouteDeps {
  identity: IdentityService;
  contracts: ServiceContracts;
  fetchLog: Pick<DbFetchLog, 'recent'>;
  maxJsonBytes: number;
}

const logQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().min(1).max(64).optional(),
  outcome: z.enum(['ok', 'refused', 'failed']).optional(),
  appId: z.string().min(1).max(64).optional(),
});

/**
 * A tenant's service contract (operators set it; developers and managers read it) and the URL
 * fetch audit log of its apps (managers and developers).
 */
export function contractRoutes(deps: ContractRouteDeps): Hono<ApiEnv> {
  const { identity, contracts } = deps;
  const routes = new Hono<ApiEnv>();

  routes.get('/tenants/:tenantId/contract', async (c) => {
    const tenantId = c.req.param('tenantId');
    await requireReader(identity, c.get('principal'), tenantId);
    const contract: ServiceContractDto = await contracts.contractOf(tenantId);
    return c.json(contract);
  });

  routes.put('/tenants/:tenantId/contract', async (c) => {
    if (!c.get('principal').isOperator) throw forbidden('Only an operator can change a tenant’s service contract.');
    const tenantId = c.req.param('tenantId');
    await identity.requireTenantExists(tenantId);
    const body = await readJson(c, serviceContractSchema, deps.maxJsonBytes);
    const contract: ServiceContractDto = await contracts.setContract(tenantId, body);
    return c.json(contract);
  });

  routes.get('/tenants/:tenantId/urlfetch-log', async (c) => {
    const tenantId = c.req.param('tenantId');
    await requireReader(identity, c.get('principal'), tenantId);
    const query = parseWith(logQuerySchema, c.req.query());
    const entries: UrlFetchLogEntryDto[] = (await deps.fetchLog.recent(tenantId, query)).map(
      ({ tenantId: _tenant, address: _address, ...entry }) => entry,
    );
    return c.json(entries);
  });
  return routes;
}

async function requireReader(identity: IdentityService, principal: Principal, tenantId: string): Promise<void> {
  if (principal.isOperator) return identity.requireTenantExists(tenantId);
  await identity.requireRole(principal, tenantId, ['developer', 'manager']);
}
