import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DriverStartRequest } from '../driver';
import { startRequestUnder } from './driver-test-support';
import { InstanceTokens } from '../../services/instance-tokens';
import { SocketServicesAttachment } from '../../services/services-attachment';
import { KubernetesDriver, type KubernetesDriverOptions } from './kubernetes-driver';
import { FakeKubernetesApi } from './kubernetes-fake-cluster';

describe('KubernetesDriver against a fake API server', () => {
  const api = new FakeKubernetesApi();
  let root: string;
  let request: DriverStartRequest;
  let driver: KubernetesDriver;

  function driverFor(installation: string): KubernetesDriver {
    const options: KubernetesDriverOptions = {
      kubeConfig: api.kubeConfig,
      namespace: 'slipway-apps',
      image: 'registry.example/slipway-runtime:1',
      installation,
      gateway: { namespace: 'slipway', podLabels: { app: 'slipway-gateway' } },
      platform: { namespace: 'slipway', podLabels: { app: 'slipway' }, port: 3000 },
      dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
      filesUrlFor: (_request, hostPath) => `http://slipway.slipway.svc:3000/files?path=${encodeURIComponent(hostPath)}`,
      platformUrl: 'http://slipway.slipway.svc:3000/',
    };
    return new KubernetesDriver(options);
  }

  beforeAll(async () => {
    await api.listen();
    root = await mkdtemp(path.join(tmpdir(), 'slipway-kube-'));
    request = await startRequestUnder(root, {
      instanceId: 'Instance_42',
      versionId: 'version-7',
      limits: { memoryMb: 256, pids: 100 },
      command: ['/usr/bin/java', '-jar', 'x.jar'],
      env: { GREETING: 'hi' },
    });
  });

  beforeEach(() => {
    api.calls.length = 0;
    api.objects.clear();
    driver = driverFor('main');
  });

  afterAll(async () => {
    await api.close();
    await rm(root, { recursive: true, force: true });
  });

  it('applies the NetworkPolicy, Service and Deployment with server-side apply and returns the service address', async () => {
    const instance = await driver.start(request);
    expect(instance.handle).toMatch(/^slipway-instance-42-[0-9a-f]{10}$/);
    expect(instance.endpoint).toEqual({ kind: 'tcp', host: `${instance.handle}.slipway-apps.svc`, port: 8080 });
    const patches = api.objectCalls.filter((call) => call.method === 'PATCH');
    expect(patches.map((call) => call.path)).toEqual([
      `/apis/networking.k8s.io/v1/namespaces/slipway-apps/networkpolicies/${instance.handle}`,
      `/api/v1/namespaces/slipway-apps/services/${instance.handle}`,
      `/apis/apps/v1/namespaces/slipway-apps/deployments/${instance.handle}`,
    ]);
    for (const call of patches) {
      expect(call.contentType).toBe('application/apply-patch+yaml');
      expect(call.query).toMatchObject({ fieldManager: 'slipway', force: 'true' });
    }
  });

  it('gives pods the platform services over HTTP instead of the services socket', async () => {
    const attached = new SocketServicesAttachment(new InstanceTokens(path.join(root, 'services.key')), root);
    const spec = await attached.attach(request.spec, {
      scope: { tenantId: 't', appId: 'a', environment: 'production' },
      instanceId: 'Instance_42',
    });
    const instance = await driver.start({ ...request, spec });
    const deployment = api.objects.get(`/apis/apps/v1/namespaces/slipway-apps/deployments/${instance.handle}`);
    const text = JSON.stringify(deployment);
    expect(text).toContain('"name":"SLIPWAY_SERVICES_URL","value":"http://slipway.slipway.svc:3000/_platform/v1"');
    expect(text).toContain('"name":"SLIPWAY_SERVICES_TOKEN"');
    expect(text).not.toContain('SLIPWAY_SERVICES_SOCKET');
    expect(text).not.toContain('/run/slipway-services'); // nothing downloaded for the socket's folder
  });

  it('sends the wire names the API expects (the model’s `_from` goes out as `from`)', async () => {
    const instance = await driver.start(request);
    const policy = api.objects.get(
      `/apis/networking.k8s.io/v1/namespaces/slipway-apps/networkpolicies/${instance.handle}`,
    );
    const ingress = (policy?.spec as { ingress: Record<string, unknown>[] }).ingress[0] ?? {};
    expect(Object.keys(ingress).sort()).toEqual(['from', 'ports']);
    expect(ingress.from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'slipway' } },
        podSelector: { matchLabels: { app: 'slipway-gateway' } },
      },
    ]);
  });

  it('downloads the project and every read-only bind; a single file (a jar) is mounted from its entry', async () => {
    const instance = await driver.start(request);
    const deployment = api.objects.get(`/apis/apps/v1/namespaces/slipway-apps/deployments/${instance.handle}`) as {
      spec: {
        template: {
          spec: {
            initContainers: { command: string[] }[];
            containers: { name: string; volumeMounts: { mountPath: string; subPath?: string }[] }[];
          };
        };
      };
    };
    const fetch = deployment.spec.template.spec.initContainers[0]?.command ?? [];
    expect(fetch.slice(4)).toEqual([
      '/fetched/0',
      `http://slipway.slipway.svc:3000/files?path=${encodeURIComponent(path.join(root, 'project'))}`,
      '/fetched/1',
      `http://slipway.slipway.svc:3000/files?path=${encodeURIComponent(path.join(root, 'build'))}`,
      '/fetched/2',
      `http://slipway.slipway.svc:3000/files?path=${encodeURIComponent(path.join(root, 'sdk.jar'))}`,
    ]);
    const app = deployment.spec.template.spec.containers.find((container) => container.name === 'app');
    // The archive's entry is named after the host file, whatever name the sandbox gives it.
    expect(app?.volumeMounts.find((mount) => mount.mountPath === '/opt/slipway/lib/0-sdk.jar')?.subPath).toBe(
      '2/sdk.jar',
    );
    expect(app?.volumeMounts.find((mount) => mount.mountPath === '/app/build')?.subPath).toBe('1');
  });

  it('lists, inspects and stops only its own installation’s instances; stop is idempotent', async () => {
    const ours = await driver.start(request);
    const other = driverFor('other');
    const theirs = await other.start({ ...request, instanceId: 'their-instance' });
    expect(await driver.list()).toEqual([ours.handle]);
    expect(await driver.inspect(ours.handle)).toBe('running');
    expect(await driver.inspect(theirs.handle)).toBe('missing');

    await driver.stop(theirs.handle, 1_000);
    expect(await other.inspect(theirs.handle)).toBe('running');

    api.calls.length = 0;
    await driver.stop(ours.handle, 1_000);
    const deletes = api.objectCalls.filter((call) => call.method === 'DELETE').map((call) => call.path);
    expect(deletes).toEqual([
      `/apis/apps/v1/namespaces/slipway-apps/deployments/${ours.handle}`,
      `/api/v1/namespaces/slipway-apps/services/${ours.handle}`,
      `/apis/networking.k8s.io/v1/namespaces/slipway-apps/networkpolicies/${ours.handle}`,
    ]);
    expect(await driver.inspect(ours.handle)).toBe('missing');
    await driver.stop(ours.handle, 1_000);
    expect(await driver.list()).toEqual([]);
    await other.dispose();
  });

  it('names the refused object when the cluster rejects an apply', async () => {
    const broken = driverFor('main');
    await api.close();
    await expect(broken.start(request)).rejects.toThrow(/refused NetworkPolicy/);
    await api.listen();
  });
});
