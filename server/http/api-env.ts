import type { Principal } from '../identity/principal';

/** Hono environment of the API: what middleware puts on the context for handlers. */
export interface ApiEnv {
  Variables: { principal: Principal };
}
