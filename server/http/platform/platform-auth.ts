import type { MiddlewareHandler } from 'hono';
import { DomainError, forbidden } from '../../core/errors';
import { verifyIdentityHeaders } from '../../gateway/identity-signer';
import type { InstanceTokens } from '../../services/instance-tokens';
import type { PlatformServiceName } from '../../protocol/platform-services';
import type { ServiceContracts } from '../../services/service-contracts';
import type { PlatformEnv } from './platform-env';

// A request may call services for a while after the gateway signed its identity (a long upload),
// but a copied header set must not act for the user for ever.
const IDENTITY_FRESHNESS = () => ({ now: Date.now(), maxAgeSeconds: 600 });

/**
 * Every call: the Bearer token decides tenant, app and environment; forwarded identity headers
 * the gateway signed for this app name the user the call acts for (unsigned ones are ignored).
 */
export function authenticateInstance(
  tokens: InstanceTokens,
  identityPublicKey: string,
): MiddlewareHandler<PlatformEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new DomainError(
        'unauthenticated',
        'Send the instance\'s SLIPWAY_SERVICES_TOKEN as "Authorization: Bearer …" (the SDK does this).',
      );
    const grant = await tokens.verify(match[1]!);
    const headers = Object.fromEntries([...c.req.raw.headers.entries()]);
    const userId = c.req.header('x-slipway-user-id');
    const acting =
      userId && verifyIdentityHeaders(identityPublicKey, grant.scope.appId, headers, IDENTITY_FRESHNESS())
        ? userId
        : undefined;
    c.set('scope', { ...grant.scope, ...(acting ? { userId: acting } : {}) });
    c.set('instanceId', grant.instanceId);
    await next();
  };
}

/** Refuses calls to a service the tenant's contract does not include, naming it. */
export function requireService(
  contracts: ServiceContracts,
  service: PlatformServiceName,
): MiddlewareHandler<PlatformEnv> {
  return async (c, next) => {
    const included = await contracts.servicesOf(c.get('scope').tenantId);
    if (!included.has(service))
      throw forbidden(
        `The "${service}" service is not part of your organisation's Slipway contract. Ask your Slipway operator to add it.`,
        { service },
      );
    await next();
  };
}
