import { DomainError } from '../core/errors';
import { SignedTokens } from '../identity/signed-tokens';
import type { ServiceScope } from './service-scope';

/** Who an instance token speaks for: the scope of its calls and the instance it was issued to. */
export interface InstanceGrant {
  scope: Omit<ServiceScope, 'userId'>;
  instanceId: string;
}

/**
 * Instance tokens for the platform services (SLIPWAY_SERVICES_TOKEN). Signed, not stored:
 * production instances outlive a platform restart (their keeper does) and their tokens must
 * stay valid. The token, never the request, decides the tenant, app and environment of a call.
 */
export class InstanceTokens {
  private readonly tokens: SignedTokens;

  constructor(keyFile: string) {
    this.tokens = new SignedTokens(keyFile, 's1', 'slipway-services-token-v1\n');
  }

  /** A token for an instance of `grant.scope`. */
  issue(grant: InstanceGrant): Promise<string> {
    const { tenantId, appId, environment } = grant.scope;
    return this.tokens.sign({ t: tenantId, a: appId, e: environment, i: grant.instanceId });
  }

  /** The grant a token carries; unauthenticated for anything this installation did not sign. */
  async verify(token: string): Promise<InstanceGrant> {
    const opened = await this.tokens.open(token);
    const value = ('payload' in opened ? opened.payload : null) as Record<string, unknown> | null;
    const { t, a, e, i } = value ?? {};
    if (
      typeof t !== 'string' ||
      typeof a !== 'string' ||
      typeof i !== 'string' ||
      (e !== 'preview' && e !== 'production')
    ) {
      throw new DomainError(
        'unauthenticated',
        'The services token is missing, malformed or not from this installation: send the instance\'s SLIPWAY_SERVICES_TOKEN as "Authorization: Bearer …".',
      );
    }
    return { scope: { tenantId: t, appId: a, environment: e }, instanceId: i };
  }
}
