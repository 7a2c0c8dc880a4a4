import type { InstanceEndpoint } from '../farm/driver';
import type { AppRoute } from '../farm/routing';
import { STATIC_PAGES } from './gateway-pages';
import { TASK_HEADERS } from '../protocol/tasks';
import { IDENTITY_HEADERS } from './identity-headers';
import { APP_SESSION_COOKIE, listenAddress, type NginxConfigOptions } from './nginx-config';

/** The response header an instance names its version in (for metering); clients never see it. */
export const VERSION_HEADER = 'X-Slipway-Version';

/** The nginx upstream block of an app. */
export function upstreamNameOf(route: Pick<AppRoute, 'appId'>): string {
  return `app_${route.appId.replace(/-/g, '_')}`;
}

/** `unix:/path` or `host:port` as nginx's `server` directive takes it. */
export function nginxUpstreamServer(endpoint: InstanceEndpoint): string {
  if (endpoint.kind === 'unix') return `unix:${endpoint.path}`;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${host}:${endpoint.port}`;
}

/** The `server` block of one app host: control paths, access check, then the app's upstream. */
export function renderAppServer(route: AppRoute, options: NginxConfigOptions): string {
  const guarded = route.access !== 'public';
  return [
    'server {',
    `  listen ${listenAddress(options)};`,
    `  server_name ${route.host};`,
    `  set $slipway_app_id ${route.appId};`,
    '  set $slipway_user_id "";',
    `  access_log ${options.layout.accessLog} slipway_usage buffer=64k flush=1s;`,
    '  location ^~ /_slipway/ {',
    indent(controlProxy(options), 4),
    '  }',
    ...(guarded ? authLocations(options) : []),
    '  location @slipway_forbidden {',
    '    default_type text/html;',
    `    return 403 '${STATIC_PAGES.forbidden}';`,
    '  }',
    '  location @slipway_unavailable {',
    '    default_type text/html;',
    `    return 502 '${STATIC_PAGES.unavailable}';`,
    '  }',
    '  location / {',
    ...(guarded ? authCheck().map((line) => `    ${line}`) : []),
    '    error_page 502 504 = @slipway_unavailable;',
    `    proxy_pass http://${upstreamNameOf(route)};`,
    indent(appProxy(route, options, guarded), 4),
    '  }',
    '}',
  ].join('\n');
}

function authLocations(options: NginxConfigOptions): string[] {
  return [
    // The sub-request of every guarded request; its answer is cached per app session for a few seconds.
    '  location = /_slipway/auth-check {',
    '    internal;',
    '    proxy_pass http://slipway_control;',
    '    proxy_pass_request_body off;',
    '    proxy_http_version 1.1;',
    '    proxy_set_header Connection "";',
    '    proxy_set_header Content-Length "";',
    '    proxy_set_header Cookie "";',
    '    proxy_set_header X-Slipway-App-Id $slipway_app_id;',
    `    proxy_set_header X-Slipway-App-Session $cookie_${APP_SESSION_COOKIE};`,
    '    proxy_cache slipway_auth;',
    `    proxy_cache_key "$slipway_app_id $cookie_${APP_SESSION_COOKIE}";`,
    `    proxy_cache_valid 200 403 ${options.authCacheSeconds}s;`,
    '    proxy_cache_lock on;',
    '    proxy_ignore_headers Cache-Control Expires Set-Cookie X-Accel-Expires;',
    '  }',
    // Not signed in: the control plane starts the login hop, keeping the original URI as the return path.
    '  location @slipway_login {',
    '    proxy_pass_request_body off;',
    indent(controlProxy(options), 4),
    '    proxy_set_header Content-Length "";',
    '    proxy_set_header X-Slipway-Intent login;',
    '  }',
  ];
}

function authCheck(): string[] {
  return [
    'auth_request /_slipway/auth-check;',
    ...IDENTITY_HEADERS.map((header) => `auth_request_set ${header.variable} $upstream_http_${header.nginxName};`),
    'auth_request_set $slipway_user_id $upstream_http_x_slipway_user_id;',
    'error_page 401 = @slipway_login;',
    'error_page 403 = @slipway_forbidden;',
  ];
}

function controlProxy(options: NginxConfigOptions): string {
  return [
    'proxy_pass http://slipway_control;',
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
    'proxy_set_header Host $http_host;',
    'proxy_set_header X-Slipway-App-Id $slipway_app_id;',
    `proxy_set_header X-Forwarded-Proto ${options.publicScheme};`,
    'proxy_set_header X-Forwarded-For $remote_addr;',
    'proxy_set_header X-Slipway-Intent "";',
    'proxy_set_header X-Slipway-App-Session "";',
  ].join('\n');
}

function appProxy(route: AppRoute, options: NginxConfigOptions, guarded: boolean): string {
  return [
    'proxy_http_version 1.1;',
    'proxy_set_header Host $http_host;',
    'proxy_set_header Upgrade $http_upgrade;',
    'proxy_set_header Connection $slipway_connection;',
    'proxy_set_header X-Forwarded-For $remote_addr;',
    `proxy_set_header X-Forwarded-Proto ${options.publicScheme};`,
    'proxy_set_header X-Forwarded-Host $http_host;',
    'proxy_set_header Forwarded "";',
    // Hop-by-hop headers end here; nginx handles Connection and Transfer-Encoding itself.
    'proxy_set_header Keep-Alive "";',
    'proxy_set_header Proxy-Connection "";',
    'proxy_set_header TE "";',
    'proxy_set_header Trailer "";',
    'proxy_set_header Proxy-Authorization "";',
    'proxy_set_header Cookie $slipway_upstream_cookie;',
    'proxy_set_header X-Slipway-App-Id $slipway_app_id;',
    'proxy_set_header X-Slipway-Intent "";',
    `proxy_hide_header ${VERSION_HEADER};`,
    // Task calls come from the platform straight to instances, never through the gateway.
    ...Object.values(TASK_HEADERS).map((name) => `proxy_set_header ${name} "";`),
    ...IDENTITY_HEADERS.map((header) => `proxy_set_header ${header.name} ${guarded ? header.variable : '""'};`),
    // Only idempotent requests are retried: nginx never re-sends POST/PATCH/LOCK once sent.
    'proxy_next_upstream error timeout;',
    'proxy_next_upstream_tries 2;',
    'proxy_connect_timeout 5s;',
    // Long enough for WebSockets that sit idle and for a held request while an instance starts.
    'proxy_read_timeout 300s;',
    'proxy_send_timeout 300s;',
    // Uploads stream to the app; responses are buffered (sync workers are freed from slow clients)
    // unless the app sends `X-Accel-Buffering: no` for a streamed response.
    'proxy_request_buffering off;',
    ...(route.affinity ? ['add_header Set-Cookie $slipway_affinity_cookie;'] : []),
  ].join('\n');
}

function indent(block: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return block
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
