import { stat } from 'node:fs/promises';
import path from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { servicesOverUrl } from '../../services/services-attachment';
import { DomainError } from '../../core/errors';
import { Emitter, type Event } from '../../core/event';
import { INSTANCE_PATHS } from '../../runtime/instance-process';
import type { Driver, DriverExit, DriverInstance, DriverInstanceState, DriverStartRequest } from '../driver';
import {
  KUBERNETES_HTTP_PORT,
  KUBERNETES_LABELS,
  kubernetesNameFor,
  kubernetesObjectsFor,
  labelValue,
  type FetchedFiles,
  type KubernetesSettings,
} from './kubernetes-objects';

/** The field manager named in server-side apply: who owns the fields Slipway sets. */
export const FIELD_MANAGER = 'slipway';

/** How the kubernetes driver reaches its cluster and what it generates. */
export interface KubernetesDriverOptions extends Omit<KubernetesSettings, 'terminationGraceSeconds'> {
  /** Credentials and API server (e.g. `loadFromDefault()` or `loadFromCluster()`). */
  kubeConfig: KubeConfig;
  /**
   * The URL a pod's init container downloads a host folder or file from, as a tar.gz (the
   * artifact, the runtime's files): a folder's contents at the archive's root, a file as one
   * entry named after `hostPath`. The platform serves it at `GET /api/v1/farm/files/:token`,
   * authenticated by the URL itself (farm/file-grants.ts).
   */
  filesUrlFor(request: DriverStartRequest, hostPath: string): string | Promise<string>;
  /** The platform's URL as pods reach it: their platform services are at `<url>/_platform/v1`. */
  platformUrl: string;
  /** Pods' terminationGracePeriodSeconds (default 10). */
  terminationGraceSeconds?: number;
}

type ObjectKind = { apiVersion: string; kind: string };
const DEPLOYMENT: ObjectKind = { apiVersion: 'apps/v1', kind: 'Deployment' };
/** Deleted in this order: the pods go first, the fence last. */
const INSTANCE_KINDS: readonly ObjectKind[] = [
  DEPLOYMENT,
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
];

/**
 * Runs each instance as a Deployment (one replica) + Service + NetworkPolicy in one namespace,
 * applied with server-side apply. Kubernetes restarts a crashed container itself, so this
 * driver never fires `onDidExit`, and app output stays in the cluster's logs (decision 010).
 */
export class KubernetesDriver implements Driver {
  readonly name = 'kubernetes' as const;
  private readonly api: KubernetesObjectApi;
  private readonly settings: KubernetesSettings;
  private readonly onDidExitEmitter = new Emitter<DriverExit>();
  private readonly onDidOutputEmitter = new Emitter<{ handle: string; stream: 'stdout' | 'stderr'; text: string }>();

  /** Never fires: Kubernetes restarts the pod's containers (restartPolicy Always). */
  readonly onDidExit: Event<DriverExit> = this.onDidExitEmitter.event;
  /** Never fires: read app output with `kubectl logs -n NAMESPACE deploy/HANDLE -c app`. */
  readonly onDidOutput: Event<{ handle: string; stream: 'stdout' | 'stderr'; text: string }> =
    this.onDidOutputEmitter.event;

  constructor(private readonly options: KubernetesDriverOptions) {
    this.api = KubernetesObjectApi.makeApiClient(options.kubeConfig);
    this.settings = {
      namespace: options.namespace,
      image: options.image,
      installation: options.installation,
      gateway: options.gateway,
      platform: options.platform,
      dns: options.dns,
      terminationGraceSeconds: options.terminationGraceSeconds ?? 10,
    };
  }

  async start(original: DriverStartRequest): Promise<DriverInstance> {
    // A pod cannot share the platform's services socket: it reaches the services over HTTP.
    const request = { ...original, spec: servicesOverUrl(original.spec, this.options.platformUrl) };
    const files = await this.filesFor(request);
    const objects = kubernetesObjectsFor(request, this.settings, files);
    // The fence first, so no pod of this instance ever runs without it.
    for (const object of [objects.networkPolicy, objects.service, objects.deployment]) {
      await this.apply(object);
    }
    const name = objects.deployment.metadata?.name ?? '';
    return {
      handle: name,
      endpoint: { kind: 'tcp', host: `${name}.${this.settings.namespace}.svc`, port: KUBERNETES_HTTP_PORT },
    };
  }

  async stop(handle: string, _graceMs: number): Promise<void> {
    // The pods' own terminationGracePeriodSeconds governs the grace on Kubernetes.
    if (!(await this.readOurs(handle))) return;
    for (const kind of INSTANCE_KINDS) {
      await ignoringNotFound(() =>
        this.api.delete(this.header(kind, handle), undefined, undefined, undefined, undefined, 'Background'),
      );
    }
  }

  async inspect(handle: string): Promise<DriverInstanceState> {
    return (await this.readOurs(handle)) ? 'running' : 'missing';
  }

  async list(): Promise<string[]> {
    const selector = `${KUBERNETES_LABELS.installation}=${labelValue(this.settings.installation)}`;
    const deployments = await this.api.list(
      DEPLOYMENT.apiVersion,
      DEPLOYMENT.kind,
      this.settings.namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      selector,
    );
    return deployments.items.map((item) => item.metadata?.name ?? '').filter(Boolean);
  }

  /** The name an instance's objects get; its handle once started. */
  handleFor(instanceId: string): string {
    return kubernetesNameFor(this.settings.installation, instanceId);
  }

  dispose(): Promise<void> {
    this.onDidExitEmitter.dispose();
    this.onDidOutputEmitter.dispose();
    return Promise.resolve();
  }

  /** What the init container downloads: the project, then the spec's read-only binds. */
  private async filesFor(request: DriverStartRequest): Promise<FetchedFiles[]> {
    const binds = [{ host: request.layout.projectDir, sandbox: INSTANCE_PATHS.project }, ...request.spec.readOnlyBinds];
    return Promise.all(
      binds.map(async (bind) => ({
        sandbox: bind.sandbox,
        url: await this.options.filesUrlFor(request, bind.host),
        fileName: (await stat(bind.host)).isFile() ? path.basename(bind.host) : undefined,
      })),
    );
  }

  private async apply(object: KubernetesObject): Promise<void> {
    try {
      await this.api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (error) {
      const what = `${object.kind ?? ''} ${object.metadata?.name ?? ''}`;
      throw new DomainError('failed-dependency', `the cluster refused ${what}: ${messageOf(error)}`);
    }
  }

  /** The instance's Deployment if it exists and belongs to this installation. */
  private async readOurs(handle: string): Promise<KubernetesObject | undefined> {
    try {
      const deployment = await this.api.read(this.header(DEPLOYMENT, handle));
      const labels = deployment.metadata?.labels ?? {};
      return labels[KUBERNETES_LABELS.installation] === labelValue(this.settings.installation) ? deployment : undefined;
    } catch (error) {
      if (codeOf(error) === 404) return undefined;
      throw error;
    }
  }

  private header(kind: ObjectKind, name: string): KubernetesObject & { metadata: { name: string; namespace: string } } {
    return { ...kind, metadata: { name, namespace: this.settings.namespace } };
  }
}

async function ignoringNotFound(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (codeOf(error) !== 404) throw error;
  }
}

/** The HTTP status of a client-node ApiException. */
function codeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'number' ? error.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
