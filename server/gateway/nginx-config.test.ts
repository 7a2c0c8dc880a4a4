import { describe, expect, it } from 'vitest';
import { testRoute } from './gateway-test-support';
import { renderNginxConfig, type NginxConfigOptions } from './nginx-config';

const options: NginxConfigOptions = {
  layout: {
    prefixDir: '/data/gateway',
    controlSocket: '/data/run/gateway/control.sock',
    statusSocket: '/data/gateway/run/status.sock',
    accessLog: '/data/gateway/logs/access.log',
  },
  listenHost: '127.0.0.1',
  listenPort: 8080,
  publicScheme: 'http',
  workerProcesses: 2,
  workersAsRoot: false,
  maxBodyBytes: 1024,
  authCacheSeconds: 5,
};

const upstream = { kind: 'unix' as const, path: '/data/run/a.sock' };

describe('renderNginxConfig', () => {
  it('writes one server per app host and one upstream per app', () => {
    const text = renderNginxConfig(
      [
        testRoute({
          appId: 'a',
          host: 'a.acme.apps.localhost',
          upstreams: [upstream, { kind: 'tcp', host: '10.0.0.5', port: 8000 }],
        }),
        testRoute({
          appId: 'b-2',
          host: 'b.acme.apps.localhost',
          affinity: true,
          access: ['manager'],
          upstreams: [upstream],
        }),
      ],
      7,
      options,
    );
    expect(text).toContain('server_name a.acme.apps.localhost;');
    // Unix upstreams are slots the farm re-points; TCP upstreams are instances that may sit out.
    expect(text).toContain('server unix:/data/run/a.sock max_fails=0;');
    expect(text).toContain('server 10.0.0.5:8000 max_fails=1 fail_timeout=5s;');
    expect(text).toMatch(/upstream app_a \{\s+least_conn;/);
    expect(text).toMatch(/upstream app_b_2 \{\s+hash \$slipway_affinity_key consistent;/);
    expect(text).toContain("return 200 '7';");
    // Only the guarded app asks the control plane on every request.
    expect(text.match(/auth_request \/_slipway\/auth-check;/g)).toHaveLength(1);
    // Versions are not in the configuration: instances name theirs, and clients never see it.
    expect(text).not.toContain('a-v1');
    expect(text).not.toContain('b-2-v1');
    expect(text).toContain('"version":"$upstream_http_x_slipway_version"');
    expect(text.match(/proxy_hide_header X-Slipway-Version;/g)).toHaveLength(2);
    // Clients cannot pose as the platform's task calls.
    expect(text.match(/proxy_set_header X-Slipway-Task-Signature "";/g)).toHaveLength(2);
  });

  it('points an app scaled to zero at the activator', () => {
    const text = renderNginxConfig(
      [testRoute({ appId: 'z', host: 'z.acme.apps.localhost', upstreams: [] })],
      1,
      options,
    );
    expect(text).toMatch(/upstream app_z \{\s+least_conn;\s+server unix:\/data\/run\/gateway\/control\.sock;/);
  });

  it('refuses values that could change the configuration', () => {
    const render = (route: Parameters<typeof testRoute>[0]) => () => renderNginxConfig([testRoute(route)], 1, options);
    expect(render({ appId: 'a', host: 'a.b; include /etc/passwd' })).toThrow(/not a valid host name/);
    expect(render({ appId: 'a }', host: 'a.acme.apps.localhost' })).toThrow(/id nginx cannot carry/);
    expect(render({ appId: 'a', host: 'a.acme.apps.localhost', upstreams: [{ kind: 'unix', path: '/x;y' }] })).toThrow(
      /cannot be used/,
    );
    expect(render({ appId: 'a', host: 'a.acme.apps.localhost', access: ['a b'] })).toThrow(/bad role/);
    expect(() =>
      renderNginxConfig(
        [
          testRoute({ appId: 'a', host: 'same.apps.localhost' }),
          testRoute({ appId: 'b', host: 'same.apps.localhost' }),
        ],
        1,
        options,
      ),
    ).toThrow(/Two routes claim/);
  });
});
