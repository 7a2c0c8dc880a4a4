import { describe, expect, it } from 'vitest';
import type { DriverStartRequest } from '../driver';
import { kubernetesNameFor, kubernetesObjectsFor, labelValue, type KubernetesSettings } from './kubernetes-objects';

const settings: KubernetesSettings = {
  namespace: 'apps',
  image: 'registry.example/slipway-runtime:1',
  installation: 'main',
  gateway: { namespace: 'slipway', podLabels: { app: 'gateway' } },
  platform: { namespace: 'slipway', podLabels: { app: 'platform' }, port: 3000 },
  dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
  terminationGraceSeconds: 7,
};

const request: DriverStartRequest = {
  instanceId: 'i-1',
  appId: 'app-1',
  versionId: 'v-1',
  tenantId: 't-1',
  layout: { projectDir: '/p', outputDir: '/o', socketDir: '/s', dataDir: '/d' },
  limits: { memoryMb: 192, pids: 64 },
  spec: {
    command: ['/usr/bin/python3', '-m', 'gunicorn', '--bind', 'unix:/run/slipway/app.sock'],
    env: { GREETING: 'hi' },
    readOnlyBinds: [{ host: '/o', sandbox: '/app/build' }],
    writableBinds: [
      { host: '/s', sandbox: '/run/slipway' },
      { host: '/d', sandbox: '/app/data' },
    ],
    socketPath: '/run/slipway/app.sock',
    healthPath: '/health',
  },
};

const files = [
  { sandbox: '/workspace', url: 'http://platform/files/0' },
  { sandbox: '/app/build', url: 'http://platform/files/1' },
];

function generated() {
  const objects = kubernetesObjectsFor(request, settings, files);
  const pod = objects.deployment.spec?.template.spec;
  const container = (name: string) =>
    [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].find((c) => c.name === name);
  return { objects, pod, app: container('app'), http: container('http'), fetch: container('fetch') };
}

describe('kubernetesObjectsFor: the Deployment', () => {
  it('runs the launcher in the runtime image with the memory limit and the spec’s env', () => {
    const { app, objects } = generated();
    expect(objects.deployment.spec?.replicas).toBe(1);
    expect(app?.image).toBe(settings.image);
    expect(app?.command).toEqual(request.spec.command);
    expect(app?.resources?.limits).toEqual({ memory: '192Mi' });
    expect(app?.env).toContainEqual({ name: 'GREETING', value: 'hi' });
    expect(app?.stdin).toBe(true); // the Java launcher exits when its stdin closes
  });

  it('locks every container down: non-root, read-only root, no capabilities, no escalation', () => {
    const { pod, app, http, fetch } = generated();
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 });
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.terminationGracePeriodSeconds).toBe(7);
    for (const container of [app, http, fetch]) {
      expect(container?.securityContext).toEqual({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('fetches the files in an init container and mounts them read-only where the spec wants them', () => {
    const { fetch, app } = generated();
    expect(fetch?.command?.slice(0, 3)).toEqual(['/usr/bin/python3', '-I', '-c']);
    expect(fetch?.command?.slice(4)).toEqual([
      '/fetched/0',
      'http://platform/files/0',
      '/fetched/1',
      'http://platform/files/1',
    ]);
    expect(app?.volumeMounts).toContainEqual({ name: 'files', mountPath: '/app/build', subPath: '1', readOnly: true });
    expect(app?.volumeMounts).toContainEqual({ name: 'files', mountPath: '/workspace', subPath: '0', readOnly: true });
  });

  it('bridges the pod’s HTTP port to the launcher’s Unix socket with a socat sidecar that shares the socket folder', () => {
    const { http, app } = generated();
    expect(http?.command).toEqual([
      '/usr/bin/socat',
      'TCP-LISTEN:8080,fork,reuseaddr',
      'UNIX-CONNECT:/run/slipway/app.sock',
    ]);
    expect(http?.readinessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    const socketVolume = app?.volumeMounts?.find((mount) => mount.mountPath === '/run/slipway')?.name;
    expect(http?.volumeMounts).toEqual([{ name: socketVolume, mountPath: '/run/slipway' }]);
  });

  it('refuses a socket outside the writable binds', () => {
    const bad = { ...request, spec: { ...request.spec, socketPath: '/tmp/app.sock' } };
    expect(() => kubernetesObjectsFor(bad, settings, files)).toThrow(/not inside a writable bind/);
  });
});

describe('kubernetesObjectsFor: the Service and the NetworkPolicy', () => {
  it('serves the pod’s HTTP port under the instance’s name', () => {
    const { objects } = generated();
    const name = kubernetesNameFor('main', 'i-1');
    expect(objects.service.metadata?.name).toBe(name);
    expect(objects.service.spec?.selector).toEqual({ 'slipway.dev/instance': name });
    expect(objects.service.spec?.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8080, targetPort: 'http' }]);
  });

  it('admits only the gateway and lets out only the platform and DNS', () => {
    const spec = generated().objects.networkPolicy.spec;
    expect(spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec?.ingress).toEqual([
      {
        _from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'slipway' } },
            podSelector: { matchLabels: { app: 'gateway' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    expect(
      spec?.egress?.map((rule) => [rule.to?.[0]?.podSelector?.matchLabels, rule.ports?.map((port) => port.port)]),
    ).toEqual([
      [{ app: 'platform' }, [3000]],
      [{ 'k8s-app': 'kube-dns' }, [53, 53]],
    ]);
  });
});

describe('names', () => {
  it('gives DNS-1123 names that differ per installation', () => {
    const name = kubernetesNameFor('main', 'Some_Instance/ID');
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(kubernetesNameFor('other', 'Some_Instance/ID')).not.toBe(name);
  });

  it('cleans label values', () => {
    expect(labelValue('/data/slipway main/')).toBe('data-slipway-main');
    expect(labelValue('***')).toBe('default');
  });
});
