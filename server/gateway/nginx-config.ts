import type { InstanceEndpoint } from '../farm/driver';
import type { AppRoute } from '../farm/routing';
import { invalidInput } from '../core/errors';
import { nginxUpstreamServer, renderAppServer, upstreamNameOf } from './nginx-app-server';
import { STATIC_PAGES } from './gateway-pages';

/** Where the rendered configuration puts and finds things (absolute paths). */
export interface NginxLayout {
  /** nginx's prefix (`-p`): logs/, temp/ and run/ live under it. */
  prefixDir: string;
  /** The Node control plane's Unix socket (auth_request, login hop, activator). */
  controlSocket: string;
  /** A Unix socket nginx listens on to report which configuration generation it serves. */
  statusSocket: string;
  /** The JSON access log the usage tailer reads. */
  accessLog: string;
}

/** Everything the configuration depends on besides the routes. */
export interface NginxConfigOptions {
  layout: NginxLayout;
  /** Address and port app traffic arrives on. */
  listenHost: string;
  listenPort: number;
  /** `https` when a TLS terminator sits in front (the apps URL says so); told to apps in X-Forwarded-Proto. */
  publicScheme: 'http' | 'https';
  workerProcesses: number;
  /** Run workers as root: only when the platform itself runs as root (they reach its sockets). */
  workersAsRoot: boolean;
  maxBodyBytes: number;
  /** Seconds nginx keeps an auth_request answer per app session (identity re-checked after that). */
  authCacheSeconds: number;
}

/** Names of the platform's cookies: none of them ever reaches an app. */
export const PLATFORM_COOKIE_PREFIX = 'slipway_';
/** The app-host session cookie the login hop sets. */
export const APP_SESSION_COOKIE = 'slipway_app';
/** The affinity cookie nginx sets when an app asks for session affinity. */
export const AFFINITY_COOKIE = 'slipway_affinity';

/**
 * Renders nginx's whole configuration for a routing table: one server per app host, one
 * upstream per app. Throws invalid-input for a route whose values could not be written safely.
 */
export function renderNginxConfig(
  routes: readonly AppRoute[],
  generation: number,
  options: NginxConfigOptions,
): string {
  const hosts = new Set<string>();
  for (const route of routes) {
    checkRoute(route);
    if (hosts.has(route.host)) throw invalidInput(`Two routes claim the host ${route.host}.`);
    hosts.add(route.host);
  }
  checkPath(options.layout.controlSocket);
  checkPath(options.layout.statusSocket);
  checkPath(options.layout.accessLog);
  return [
    `# Written by Slipway's gateway, generation ${generation}. Do not edit: it is rewritten on every route change.`,
    options.workersAsRoot ? 'user root;' : '',
    `worker_processes ${options.workerProcesses};`,
    'worker_rlimit_nofile 16384;',
    'pid run/nginx.pid;',
    'error_log logs/error.log warn;',
    'events { worker_connections 4096; }',
    'http {',
    indent(renderHttpPreamble(options)),
    indent(renderControlUpstream(options.layout.controlSocket)),
    ...routes.map((route) => indent(renderUpstream(route, options.layout.controlSocket))),
    indent(renderDefaultServer(options)),
    indent(renderStatusServer(generation, options.layout.statusSocket)),
    ...routes.map((route) => indent(renderAppServer(route, options))),
    '}',
    '',
  ].join('\n');
}

function renderHttpPreamble(options: NginxConfigOptions): string {
  const cookieMaps = [1, 2, 3, 4].map((n) => {
    const from = n === 1 ? '$http_cookie' : `$slipway_cookie_${n - 1}`;
    // A regex map removes one cookie per pass; four passes cover every platform cookie a browser sends.
    return `map ${from} $slipway_cookie_${n} { default ${from}; "~^(?<before>.*?)(?:^|;\\s*)${PLATFORM_COOKIE_PREFIX}[^=;]*=[^;]*(?<after>.*)$" "$before$after"; }`;
  });
  return [
    'default_type application/octet-stream;',
    'server_tokens off;',
    // App hosts are `<app>.<tenant>.<apps domain>`: up to ~40 + 40 + the domain, beyond the
    // default bucket (64 on this CPU), which made `nginx -t` refuse the whole table.
    'server_names_hash_bucket_size 256;',
    'server_names_hash_max_size 8192;',
    // The app locations set and clear more headers than the default table holds; nginx then warns
    // on every start and reload that it fell back to a slower layout.
    'proxy_headers_hash_bucket_size 128;',
    'proxy_headers_hash_max_size 1024;',
    'access_log off;',
    'sendfile on;',
    'tcp_nodelay on;',
    'keepalive_timeout 65s;',
    'keepalive_requests 10000;',
    `client_max_body_size ${options.maxBodyBytes};`,
    'client_body_temp_path temp/body;',
    'proxy_temp_path temp/proxy;',
    'fastcgi_temp_path temp/fastcgi;',
    'uwsgi_temp_path temp/uwsgi;',
    'scgi_temp_path temp/scgi;',
    'proxy_cache_path temp/auth-cache levels=1:2 keys_zone=slipway_auth:4m max_size=32m inactive=60s use_temp_path=off;',
    // One JSON object per request; the usage tailer reads these lines (and $request_id keeps them unique).
    // The version comes from the instance that answered (X-Slipway-Version), so the configuration
    // never names versions and a version switch needs no reload.
    `log_format slipway_usage escape=json '{"id":"$request_id","ms":"$msec","app":"$slipway_app_id","version":"$upstream_http_x_slipway_version","user":"$slipway_user_id","method":"$request_method","status":"$status","in":"$request_length","out":"$bytes_sent","rt":"$request_time","upstream":"$upstream_addr"}';`,
    'map $http_upgrade $slipway_connection { default upgrade; "" ""; }',
    ...cookieMaps,
    // Anything still named like a platform cookie after four passes drops the whole header.
    `map $slipway_cookie_4 $slipway_upstream_cookie { default $slipway_cookie_4; "~(?:^|;)\\s*${PLATFORM_COOKIE_PREFIX}" ""; }`,
    `map $cookie_${AFFINITY_COOKIE} $slipway_affinity_key { "" $request_id; default $cookie_${AFFINITY_COOKIE}; }`,
    `map $cookie_${AFFINITY_COOKIE} $slipway_affinity_cookie { "" "${AFFINITY_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax${options.publicScheme === 'https' ? '; Secure' : ''}"; default ""; }`,
  ].join('\n');
}

function renderControlUpstream(controlSocket: string): string {
  return ['upstream slipway_control {', `  server unix:${controlSocket};`, '  keepalive 16;', '}'].join('\n');
}

function renderUpstream(route: AppRoute, controlSocket: string): string {
  // An app scaled to zero points at the activator, which holds the request while an instance starts.
  const servers =
    route.upstreams.length === 0
      ? [`server unix:${controlSocket};`]
      : route.upstreams.map((endpoint) => `server ${nginxUpstreamServer(endpoint)} ${failurePolicy(endpoint)};`);
  const balancing = route.affinity ? 'hash $slipway_affinity_key consistent;' : 'least_conn;';
  return [
    `upstream ${upstreamNameOf(route)} {`,
    `  ${balancing}`,
    ...servers.map((line) => `  ${line}`),
    '  keepalive 32;',
    // A slot swapped to a new instance still has pooled connections to the old one. A pooled
    // connection is closed after a request once it is a second old, or after a second idle, so
    // none is used more than two seconds after a swap: within the farm's drain, before the old
    // instance stops.
    '  keepalive_time 1s;',
    '  keepalive_timeout 1s;',
    '}',
  ].join('\n');
}

/**
 * Unix upstreams are slots: a slot whose instance died is re-pointed by the farm, so nginx must
 * not shun it for seconds (a failed connect is retried on the next peer for idempotent
 * requests). TCP upstreams are instances: a dead one sits out a few seconds.
 */
function failurePolicy(endpoint: InstanceEndpoint): string {
  return endpoint.kind === 'unix' ? 'max_fails=0' : 'max_fails=1 fail_timeout=5s';
}

function renderDefaultServer(options: NginxConfigOptions): string {
  return [
    'server {',
    `  listen ${listenAddress(options)} default_server;`,
    '  server_name _;',
    // Declares the variables the usage log format names, so a table without apps is still valid.
    '  set $slipway_app_id "";',
    '  set $slipway_user_id "";',
    '  default_type text/html;',
    `  location / { return 404 '${STATIC_PAGES.unknownHost}'; }`,
    '}',
  ].join('\n');
}

function renderStatusServer(generation: number, statusSocket: string): string {
  return [
    'server {',
    `  listen unix:${statusSocket};`,
    `  location = /generation { default_type text/plain; return 200 '${generation}'; }`,
    '  location / { return 404; }',
    '}',
  ].join('\n');
}

/** `host:port`, with IPv6 literals bracketed. */
export function listenAddress(options: Pick<NginxConfigOptions, 'listenHost' | 'listenPort'>): string {
  const host = options.listenHost.includes(':') ? `[${options.listenHost}]` : options.listenHost;
  return `${host}:${options.listenPort}`;
}

const HOST_PATTERN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function checkRoute(route: AppRoute): void {
  if (!HOST_PATTERN.test(route.host)) throw invalidInput(`The route host "${route.host}" is not a valid host name.`);
  if (!ID_PATTERN.test(route.appId) || !ID_PATTERN.test(route.versionId) || !ID_PATTERN.test(route.tenantId)) {
    throw invalidInput(`The route for ${route.host} has an id nginx cannot carry safely.`);
  }
  if (typeof route.access !== 'string') {
    for (const role of route.access) {
      if (!/^[a-z0-9-]{1,40}$/.test(role)) throw invalidInput(`The route for ${route.host} lists a bad role name.`);
    }
  }
  for (const endpoint of route.upstreams) checkEndpoint(endpoint, route.host);
}

function checkEndpoint(endpoint: InstanceEndpoint, host: string): void {
  if (endpoint.kind === 'unix') return checkPath(endpoint.path);
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(endpoint.host) || !Number.isInteger(endpoint.port)) {
    throw invalidInput(`An upstream of ${host} has a bad address.`);
  }
  if (endpoint.port < 1 || endpoint.port > 65535) throw invalidInput(`An upstream of ${host} has a bad port.`);
}

function checkPath(value: string): void {
  // Paths go into the configuration unquoted: nothing that could end or extend a directive.
  if (!/^\/[A-Za-z0-9._/@+-]{1,200}$/.test(value)) throw invalidInput(`The path "${value}" cannot be used by nginx.`);
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
