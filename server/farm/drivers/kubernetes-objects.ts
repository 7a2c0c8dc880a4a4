import { createHash } from 'node:crypto';
import type {
  V1Container,
  V1Deployment,
  V1NetworkPolicy,
  V1NetworkPolicyPeer,
  V1Service,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { invalidInput } from '../../core/errors';
import { INSTANCE_PATHS } from '../../runtime/instance-process';
import { sandboxEnv } from '../../workspace/sandbox';
import type { DriverStartRequest } from '../driver';
import { RUNTIME_GID, RUNTIME_UID } from './runtime-image';

/** Labels on every object (and pod) the kubernetes driver creates. */
export const KUBERNETES_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  installation: 'slipway.dev/installation',
  instance: 'slipway.dev/instance',
} as const;

/** The TCP port the HTTP sidecar listens on, and the Service's port. */
export const KUBERNETES_HTTP_PORT = 8080;

/** Pods matched by labels in a namespace (the gateway, the platform services). */
export interface KubernetesPeer {
  namespace: string;
  podLabels: Record<string, string>;
}

/** Cluster-wide choices of one installation, from configuration. */
export interface KubernetesSettings {
  namespace: string;
  /** Runtime image in a registry the cluster pulls from (docs/kubernetes.md says how to build it). */
  image: string;
  installation: string;
  /** The only pods allowed to open connections to instances. */
  gateway: KubernetesPeer;
  /** The platform's service endpoint: the only egress allowed besides DNS (also serves the files). */
  platform: KubernetesPeer & { port: number };
  /** The cluster DNS pods, so an instance can resolve the platform's service name. */
  dns: KubernetesPeer;
  terminationGraceSeconds: number;
}

/** One host folder (or file) the init container downloads before the app starts. */
export interface FetchedFiles {
  /** Path inside the app container, read-only. */
  sandbox: string;
  /** URL of a tar.gz holding the folder's contents (or, for a file, its one entry). */
  url: string;
  /**
   * For a single file (e.g. an extra jar): the name of the archive's one entry, the host file's
   * name (which may differ from the name it is mounted at). Undefined for a folder.
   */
  fileName?: string | undefined;
}

/** The objects that make one instance: its pods, its address, its fence. */
export interface InstanceObjects {
  deployment: V1Deployment;
  service: V1Service;
  networkPolicy: V1NetworkPolicy;
}

const FILES_VOLUME = 'files';
const FETCH_DIR = '/fetched';

/**
 * Downloads each tar.gz into its folder. Arguments come in (folder, URL) pairs, so nothing is
 * ever interpolated into code or a shell. Python 3.11.2 (Debian 12) predates tarfile's `data`
 * filter, so the script refuses absolute paths, `..` and anything but files and folders itself.
 */
export const FETCH_SCRIPT = [
  'import sys, tarfile, urllib.request',
  'args = sys.argv[1:]',
  'for dest, url in zip(args[0::2], args[1::2]):',
  '    with urllib.request.urlopen(url, timeout=60) as response:',
  "        with tarfile.open(fileobj=response, mode='r|gz') as archive:",
  '            for member in archive:',
  "                parts = member.name.split('/')",
  "                if member.name.startswith('/') or '..' in parts or not (member.isfile() or member.isdir()):",
  "                    sys.exit('refusing %r from %s' % (member.name, url))",
  '                archive.extract(member, dest, set_attrs=False)',
].join('\n');

/** A DNS-1123 name from the installation and instance id, short enough for every object kind. */
export function kubernetesNameFor(installation: string, instanceId: string): string {
  const readable = `slipway-${instanceId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40)
    .replace(/-+$/, '');
  const digest = createHash('sha256').update(`${installation}\0${instanceId}`).digest('hex').slice(0, 10);
  return `${readable}-${digest}`;
}

/** The Deployment, Service and NetworkPolicy of one instance. Pure. */
export function kubernetesObjectsFor(
  request: DriverStartRequest,
  settings: KubernetesSettings,
  files: readonly FetchedFiles[],
): InstanceObjects {
  const name = kubernetesNameFor(settings.installation, request.instanceId);
  const labels = {
    [KUBERNETES_LABELS.managedBy]: 'slipway',
    [KUBERNETES_LABELS.installation]: labelValue(settings.installation),
    [KUBERNETES_LABELS.instance]: name,
  };
  const metadata = {
    name,
    namespace: settings.namespace,
    labels,
    annotations: {
      'slipway.dev/instance-id': request.instanceId,
      'slipway.dev/app-id': request.appId,
      'slipway.dev/version-id': request.versionId,
      'slipway.dev/tenant-id': request.tenantId,
    },
  };
  return {
    deployment: deploymentFor(request, settings, files, metadata, labels),
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { [KUBERNETES_LABELS.instance]: name },
        ports: [{ name: 'http', protocol: 'TCP', port: KUBERNETES_HTTP_PORT, targetPort: 'http' }],
      },
    },
    networkPolicy: networkPolicyFor(settings, metadata, name),
  };
}

function deploymentFor(
  request: DriverStartRequest,
  settings: KubernetesSettings,
  files: readonly FetchedFiles[],
  metadata: V1Deployment['metadata'],
  labels: Record<string, string>,
): V1Deployment {
  const { spec } = request;
  if (spec.command.length === 0) throw invalidInput('the launch command is empty');
  const writable = spec.writableBinds.map((bind, index) => ({ name: `writable-${index}`, mountPath: bind.sandbox }));
  const socketMount = writable.find((mount) => isInside(spec.socketPath, mount.mountPath));
  if (!socketMount) throw invalidInput(`the socket ${spec.socketPath} is not inside a writable bind`);
  const memory = `${request.limits.memoryMb}Mi`;
  const volumes: V1Volume[] = [
    { name: FILES_VOLUME, emptyDir: {} },
    { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    ...writable.map((mount) => ({ name: mount.name, emptyDir: {} })),
  ];
  const app: V1Container = {
    name: 'app',
    image: settings.image,
    command: spec.command,
    env: Object.entries(sandboxEnv({ env: spec.env })).map(([envName, value]) => ({ name: envName, value })),
    workingDir: INSTANCE_PATHS.project,
    // Launchers take the end of stdin for their parent's death (the Java launcher exits): keep it open.
    stdin: true,
    stdinOnce: false,
    resources: { limits: { memory }, requests: { memory, cpu: '50m' } },
    securityContext: containerSecurity(),
    volumeMounts: [
      ...files.map((file, index) => fileMount(file, index)),
      ...writable.map((mount): V1VolumeMount => ({ name: mount.name, mountPath: mount.mountPath })),
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 1,
      selector: { matchLabels: { [KUBERNETES_LABELS.instance]: labels[KUBERNETES_LABELS.instance] ?? '' } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: settings.terminationGraceSeconds,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUNTIME_UID,
            runAsGroup: RUNTIME_GID,
            fsGroup: RUNTIME_GID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          initContainers: [fetchContainer(settings.image, files)],
          containers: [app, httpSidecar(settings.image, spec.socketPath, spec.healthPath, socketMount)],
          volumes,
        },
      },
    },
  };
}

/** Downloads the artifact and the runtime's files from the platform into the shared volume. */
function fetchContainer(image: string, files: readonly FetchedFiles[]): V1Container {
  const args = files.flatMap((file, index) => [`${FETCH_DIR}/${index}`, file.url]);
  return {
    name: 'fetch',
    image,
    command: ['/usr/bin/python3', '-I', '-c', FETCH_SCRIPT, ...args],
    resources: { limits: { memory: '64Mi' }, requests: { memory: '64Mi', cpu: '50m' } },
    securityContext: containerSecurity(),
    volumeMounts: [
      { name: FILES_VOLUME, mountPath: FETCH_DIR },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

/**
 * Launchers listen on a Unix socket (the sealed model); a pod is reached over TCP, so socat
 * bridges the pod's port to the socket in the volume both containers share.
 */
function httpSidecar(
  image: string,
  socketPath: string,
  healthPath: string,
  socketMount: { name: string; mountPath: string },
): V1Container {
  return {
    name: 'http',
    image,
    command: ['/usr/bin/socat', `TCP-LISTEN:${KUBERNETES_HTTP_PORT},fork,reuseaddr`, `UNIX-CONNECT:${socketPath}`],
    ports: [{ name: 'http', containerPort: KUBERNETES_HTTP_PORT, protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: healthPath, port: 'http' }, periodSeconds: 2, failureThreshold: 3 },
    resources: { limits: { memory: '32Mi' }, requests: { memory: '16Mi', cpu: '10m' } },
    securityContext: containerSecurity(),
    volumeMounts: [{ name: socketMount.name, mountPath: socketMount.mountPath }],
  };
}

function fileMount(file: FetchedFiles, index: number): V1VolumeMount {
  return {
    name: FILES_VOLUME,
    mountPath: file.sandbox,
    subPath: file.fileName === undefined ? String(index) : `${index}/${file.fileName}`,
    readOnly: true,
  };
}

function containerSecurity(): V1Container['securityContext'] {
  return {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
  };
}

/** Ingress only from the gateway, to the HTTP port; egress only to the platform and DNS. */
function networkPolicyFor(
  settings: KubernetesSettings,
  metadata: V1NetworkPolicy['metadata'],
  name: string,
): V1NetworkPolicy {
  const dnsPorts = [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      podSelector: { matchLabels: { [KUBERNETES_LABELS.instance]: name } },
      policyTypes: ['Ingress', 'Egress'],
      // The client's model names it `_from`; its serializer writes `from` on the wire.
      ingress: [{ _from: [peer(settings.gateway)], ports: [{ protocol: 'TCP', port: KUBERNETES_HTTP_PORT }] }],
      egress: [
        { to: [peer(settings.platform)], ports: [{ protocol: 'TCP', port: settings.platform.port }] },
        { to: [peer(settings.dns)], ports: dnsPorts },
      ],
    },
  };
}

function peer(target: KubernetesPeer): V1NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': target.namespace } },
    podSelector: { matchLabels: target.podLabels },
  };
}

/** Label values: at most 63 of [A-Za-z0-9_.-], starting and ending alphanumeric. */
export function labelValue(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned || 'default';
}

function isInside(child: string, parent: string): boolean {
  return child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}
