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

const limitSchema = z.coerce.number().int().min(1).max(1000).default(100);

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
    const limit = parseWith(limitSchema, c.req.query('limit'));
    const entries: UrlFetchLogEntryDto[] = (await deps.fetchLog.recent(tenantId, limit)).map(
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
