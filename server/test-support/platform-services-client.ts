import path from 'node:path';
import { gatewayLayout } from '../gateway/gateway';
import { IdentitySigner, type VerifiedIdentity } from '../gateway/identity-signer';
import { PLATFORM_SERVICES_BASE } from '../protocol/platform-services';
import { InstanceTokens } from '../services/instance-tokens';
import type { ServiceScope } from '../services/service-scope';
import type { TestPlatform } from './test-platform';

/** An answer of `/_platform/v1`. */
export interface ServicesAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * Calls a test platform's services in-process as an instance would: with a token the platform's
 * key signed for a scope, and identity headers the gateway's key signed for a user.
 */
export class PlatformServicesTestClient {
  private constructor(
    private readonly env: TestPlatform,
    private readonly tokens: InstanceTokens,
    private readonly signer: IdentitySigner,
  ) {}

  static async for(env: TestPlatform): Promise<PlatformServicesTestClient> {
    const dataDir = env.platform.config.dataDir;
    return new PlatformServicesTestClient(
      env,
      new InstanceTokens(path.join(dataDir, 'services', 'tokens.key')),
      await IdentitySigner.load(gatewayLayout(dataDir).keyFile),
    );
  }

  /** A token for an instance of the scope's app (its `userId` is ignored: only identity headers name users). */
  token(scope: Omit<ServiceScope, 'userId'>): Promise<string> {
    return this.tokens.issue({ scope, instanceId: `i-${scope.appId}-${scope.environment}` });
  }

  /** Identity headers as the gateway forwards them to the app, for the app to pass on. */
  identityHeaders(identity: VerifiedIdentity): Record<string, string> {
    return { ...this.signer.headersFor(identity) };
  }

  async call<T = Record<string, unknown>>(
    token: string,
    operation: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<ServicesAnswer<T>> {
    const response = await this.env.platform.services.app.request(
      `http://platform${PLATFORM_SERVICES_BASE}/${operation}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: JSON.stringify(body),
      },
    );
    return { status: response.status, body: (await response.json()) as T, headers: response.headers };
  }
}
