import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readConfig } from '../../config';
import { startTestPlatform, type TestPlatform } from '../../test-support/test-platform';
import type { DriverStartRequest } from '../driver';
import { FileGrants, fileGrantKeyFile } from '../file-grants';
import { createDriver } from './create-driver';
import { startRequestUnder } from './driver-test-support';
import { FakeKubernetesApi } from './kubernetes-fake-cluster';
import type { KubernetesDriver } from './kubernetes-driver';

const identityFiles = { passwd: '/dev/null', group: '/dev/null' } as never;

describe('the kubernetes settings in FarmConfig', () => {
  it('defaults to one namespace for the platform and its gateway, and the cluster DNS', () => {
    const { farm } = readConfig(['--port', '3000'], { SLIPWAY_FARM_DRIVER: 'kubernetes' }, '/repo');
    expect(farm.kubeNamespace).toBe('slipway-apps');
    expect(farm.kube).toEqual({
      image: 'slipway-runtime:bookworm',
      platformUrl: new URL('http://slipway.slipway.svc:3000'),
      platformPort: 3000,
      platform: { namespace: 'slipway', labels: { 'app.kubernetes.io/name': 'slipway' } },
      gateway: { namespace: 'slipway', labels: { 'app.kubernetes.io/name': 'slipway' } },
      dns: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    });
  });

  it('reads <namespace>:<key>=<value>,… pod selectors and refuses anything else', () => {
    const { farm } = readConfig(
      ['--port', '8000'],
      {
        SLIPWAY_KUBE_IMAGE: 'registry.example/slipway-runtime:1',
        SLIPWAY_KUBE_PLATFORM_URL: 'http://platform.internal:80/',
        SLIPWAY_KUBE_PLATFORM_PODS: 'infra:app=slipway,tier=control',
        SLIPWAY_KUBE_GATEWAY_PODS: 'edge:app=gateway',
        SLIPWAY_KUBE_DNS_PODS: 'kube-system:',
      },
      '/repo',
    );
    expect(farm.kube.image).toBe('registry.example/slipway-runtime:1');
    expect(farm.kube.platformUrl.href).toBe('http://platform.internal/');
    expect(farm.kube.platform).toEqual({ namespace: 'infra', labels: { app: 'slipway', tier: 'control' } });
    expect(farm.kube.gateway).toEqual({ namespace: 'edge', labels: { app: 'gateway' } });
    expect(farm.kube.dns).toEqual({ namespace: 'kube-system', labels: {} });
    for (const bad of ['Infra:app=x', 'infra:app', 'infra:a=b=c', ':app=x', 'a:b:c=d']) {
      expect(() => readConfig([], { SLIPWAY_KUBE_PLATFORM_PODS: bad }, '/repo')).toThrow(/SLIPWAY_KUBE_PLATFORM_PODS/);
    }
  });
});

/**
 * The factory `SLIPWAY_FARM_DRIVER=kubernetes` selects, against the fake API server (found
 * through KUBECONFIG, as loadFromDefault() finds a real one) and a listening platform whose
 * download route the generated init container is pointed at; the init container's script then
 * runs for real with Debian's Python against those URLs.
 */
describe('createDriver: kubernetes', () => {
  const api = new FakeKubernetesApi();
  let env: TestPlatform;
  let platformUrl: string;
  let driver: KubernetesDriver | undefined;
  let request: DriverStartRequest;

  beforeAll(async () => {
    await api.listen();
    env = await startTestPlatform({ listen: true });
    platformUrl = `http://127.0.0.1:${(env.platform.server?.address() as AddressInfo).port}`;
    const kubeconfig = path.join(env.dataDir, 'kubeconfig.json');
    await writeFile(kubeconfig, api.kubeConfig.exportConfig());
    vi.stubEnv('KUBECONFIG', kubeconfig);
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');

    const root = path.join(env.dataDir, 'instance');
    request = await startRequestUnder(root, {
      instanceId: 'instance-1',
      versionId: 'version-1',
      limits: { memoryMb: 128, pids: 64 },
      command: ['/usr/bin/python3', '-m', 'app'],
      env: {},
    });
    await mkdir(path.join(root, 'build', 'static'));
    await writeFile(path.join(root, 'project', 'slipway.json'), '{}\n');
    await writeFile(path.join(root, 'build', 'app.py'), 'app = None\n');
    await writeFile(path.join(root, 'build', 'static', 'site.css'), 'body {}\n');
  });

  afterEach(async () => {
    await driver?.dispose();
    driver = undefined;
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await api.close();
    await env.close();
  });

  async function kubernetesDriver(extraEnv: Record<string, string> = {}): Promise<KubernetesDriver> {
    const config = readConfig(
      ['--data-dir', env.dataDir, '--port', '3000'],
      { SLIPWAY_FARM_DRIVER: 'kubernetes', SLIPWAY_KUBE_PLATFORM_URL: `${platformUrl}/`, ...extraEnv },
      '/repo',
    );
    const built = await createDriver({
      farm: config.farm,
      dataDir: env.dataDir,
      identityFiles,
      fileGrants: new FileGrants(fileGrantKeyFile(env.dataDir)),
    });
    expect(built.name).toBe('kubernetes');
    driver = built as KubernetesDriver;
    return driver;
  }

  function initCommand(handle: string): string[] {
    const deployment = api.objects.get(`/apis/apps/v1/namespaces/slipway-apps/deployments/${handle}`) as {
      spec: { template: { spec: { initContainers: { command: string[] }[] } } };
    };
    return deployment.spec.template.spec.initContainers[0]?.command ?? [];
  }

  it('applies the instance to the cluster KUBECONFIG names, with the configured image and fence', async () => {
    const kubernetes = await kubernetesDriver({ SLIPWAY_KUBE_IMAGE: 'registry.example/slipway-runtime:7' });
    const instance = await kubernetes.start(request);
    expect(instance.endpoint).toEqual({ kind: 'tcp', host: `${instance.handle}.slipway-apps.svc`, port: 8080 });
    expect(await kubernetes.list()).toContain(instance.handle);
    const deployment = JSON.stringify(
      api.objects.get(`/apis/apps/v1/namespaces/slipway-apps/deployments/${instance.handle}`),
    );
    expect(deployment).toContain('registry.example/slipway-runtime:7');
    const policy = api.objects.get(
      `/apis/networking.k8s.io/v1/namespaces/slipway-apps/networkpolicies/${instance.handle}`,
    ) as { spec: { egress: { ports: { port: number }[] }[] } };
    expect(policy.spec.egress[0]?.ports).toEqual([{ protocol: 'TCP', port: 3000 }]);
  });

  it('points the init container at the platform’s download route with grants the route accepts', async () => {
    const kubernetes = await kubernetesDriver();
    const instance = await kubernetes.start(request);
    const command = initCommand(instance.handle);
    const pairs = command.slice(4);
    const urls = pairs.filter((_, index) => index % 2 === 1);
    expect(urls).toHaveLength(3);
    for (const url of urls)
      expect(url).toMatch(new RegExp(`^${platformUrl}/api/v1/farm/files/v1\\.[\\w-]+\\.[\\w-]+$`));

    // The same script the init container runs, with the pod's folders placed on this host.
    const fetched = path.join(env.dataDir, 'fetched');
    const args = pairs.map((value, index) => (index % 2 === 0 ? path.join(fetched, value) : value));
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        command[0] ?? '',
        [...command.slice(1, 4), ...args],
        { env: {} as NodeJS.ProcessEnv },
        (error, _o, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });
    expect(result).toEqual({ code: 0, stderr: '' });
    const dirs = pairs.filter((_, index) => index % 2 === 0).map((dir) => path.join(fetched, dir));
    expect(await readFile(path.join(dirs[0] ?? '', 'slipway.json'), 'utf8')).toBe('{}\n');
    expect(await readFile(path.join(dirs[1] ?? '', 'static', 'site.css'), 'utf8')).toBe('body {}\n');
    // The jar is mounted from subPath `2/sdk.jar`: the entry the route named after the host file.
    expect(await readdir(dirs[2] ?? '')).toEqual(['sdk.jar']);
  });

  it('scopes each grant to its instance and path', async () => {
    const kubernetes = await kubernetesDriver();
    const instance = await kubernetes.start({ ...request, instanceId: 'instance-2' });
    const url = initCommand(instance.handle)[7] ?? '';
    const grant = await new FileGrants(fileGrantKeyFile(env.dataDir)).verify(url.split('/').pop() ?? '');
    expect(grant).toMatchObject({ hostPath: request.spec.readOnlyBinds[0]?.host, instanceId: 'instance-2' });
    expect(grant.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });
});
