/**
 * The verified identity the gateway hands to guarded apps. The control plane answers the
 * auth_request sub-request with these headers; nginx copies them onto the proxied request and
 * replaces anything a client sent under the same names.
 */
export const IDENTITY_HEADERS = [
  header('X-Slipway-User-Id', 'user_id'),
  header('X-Slipway-User-Name', 'user_name'),
  header('X-Slipway-User-Email', 'user_email'),
  header('X-Slipway-User-Roles', 'user_roles'),
  header('X-Slipway-Identity-Time', 'identity_time'),
  header('X-Slipway-Identity-Signature', 'identity_signature'),
] as const;

/** One identity header: its HTTP name, nginx's `$upstream_http_…` spelling, and the variable holding it. */
export interface IdentityHeader {
  name: string;
  nginxName: string;
  variable: string;
}

function header(name: string, key: string): IdentityHeader {
  return { name, nginxName: name.toLowerCase().replace(/-/g, '_'), variable: `$slipway_id_${key}` };
}
