import path from 'node:path';
import {
  PLATFORM_SERVICES_BASE,
  SANDBOX_SERVICES_DIR,
  SERVICES_ENV,
  SERVICES_SOCKET_NAME,
} from '../protocol/platform-services';
import type { LaunchSpec } from '../toolchain/toolchain';
import type { InstanceGrant, InstanceTokens } from './instance-tokens';

/** How an instance reaches the platform services: what its launch spec gains. */
export interface ServicesAttachment {
  /** The spec with the services socket's folder bound read-only and the services variables set. */
  attach(spec: LaunchSpec, grant: InstanceGrant): Promise<LaunchSpec>;
}

/** Attaches instances to the services socket in `hostDir` with a token per instance. */
export class SocketServicesAttachment implements ServicesAttachment {
  constructor(
    private readonly tokens: InstanceTokens,
    private readonly hostDir: string,
    /** Platform variables every attached instance gets (the identity public key). */
    private readonly env: Readonly<Record<string, string>> = {},
  ) {}

  async attach(spec: LaunchSpec, grant: InstanceGrant): Promise<LaunchSpec> {
    const token = await this.tokens.issue(grant);
    return {
      ...spec,
      env: {
        ...spec.env,
        ...this.env,
        [SERVICES_ENV.socket]: path.posix.join(SANDBOX_SERVICES_DIR, SERVICES_SOCKET_NAME),
        [SERVICES_ENV.token]: token,
        [SERVICES_ENV.appId]: grant.scope.appId,
      },
      readOnlyBinds: [...spec.readOnlyBinds, { host: this.hostDir, sandbox: SANDBOX_SERVICES_DIR }],
    };
  }
}

/**
 * The same spec for an instance that cannot share a socket with the platform (a Kubernetes pod):
 * the services at `<platformUrl>/_platform/v1` with the same token instead of the socket.
 */
export function servicesOverUrl(spec: LaunchSpec, platformUrl: string): LaunchSpec {
  if (!(SERVICES_ENV.socket in spec.env)) return spec;
  const env: Record<string, string> = {
    ...spec.env,
    [SERVICES_ENV.url]: new URL(PLATFORM_SERVICES_BASE, platformUrl).href,
  };
  delete env[SERVICES_ENV.socket];
  return {
    ...spec,
    env,
    readOnlyBinds: spec.readOnlyBinds.filter((bind) => bind.sandbox !== SANDBOX_SERVICES_DIR),
  };
}
