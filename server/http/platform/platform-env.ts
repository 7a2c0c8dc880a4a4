import type { ServiceScope } from '../../services/service-scope';

/** Hono environment of `/_platform/v1`: the scope the instance token (and forwarded identity) decided. */
export interface PlatformEnv {
  Variables: { scope: ServiceScope; instanceId: string };
}
