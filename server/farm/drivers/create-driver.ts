import { createHash } from 'node:crypto';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { FarmConfig, KubePods } from '../../config';
import type { SandboxIdentityFiles } from '../../workspace/sandbox';
import type { Driver } from '../driver';
import type { FileGrants } from '../file-grants';
import { DockerDriver } from './docker-driver';
import { KubernetesDriver } from './kubernetes-driver';
import type { KubernetesPeer } from './kubernetes-objects';
import { ProcessDriver } from './process-driver';

/** What every driver factory may use. */
export interface DriverContext {
  farm: FarmConfig;
  /** The platform's data dir: drivers keep their state under `<dataDir>/farm/<driver>`. */
  dataDir: string;
  identityFiles: SandboxIdentityFiles;
  /** Signs the download links the kubernetes driver's pods fetch their files with. */
  fileGrants: FileGrants;
}

type DriverFactory = (context: DriverContext) => Promise<Driver>;

/** One factory per `SLIPWAY_FARM_DRIVER` value (a registry, not a switch). */
const DRIVER_FACTORIES: Record<FarmConfig['driver'], DriverFactory> = {
  process: (context) =>
    ProcessDriver.create({
      stateRoot: path.join(context.dataDir, 'farm', 'process'),
      identityFiles: context.identityFiles,
    }),
  docker: async (context) => {
    const driver = new DockerDriver({
      socketPath: context.farm.dockerSocket,
      // Several installations may share one engine: each lists only its own containers.
      installation: installationOf(context.dataDir),
    });
    await driver.prepare();
    return driver;
  },
  kubernetes: (context) => {
    const { farm, fileGrants } = context;
    // Pods download their files from the platform's public route, authenticated by a signed grant.
    const filesBase = new URL('api/v1/farm/files/', withTrailingSlash(farm.kube.platformUrl));
    return Promise.resolve(
      new KubernetesDriver({
        kubeConfig: loadKubeConfig(),
        namespace: farm.kubeNamespace,
        image: farm.kube.image,
        installation: installationOf(context.dataDir),
        gateway: peerOf(farm.kube.gateway),
        platform: { ...peerOf(farm.kube.platform), port: farm.kube.platformPort },
        dns: peerOf(farm.kube.dns),
        platformUrl: farm.kube.platformUrl.href,
        filesUrlFor: async (request, hostPath) =>
          new URL(await fileGrants.sign({ hostPath, instanceId: request.instanceId }), filesBase).href,
      }),
    );
  },
};

/** Builds the driver `SLIPWAY_FARM_DRIVER` names. */
export function createDriver(context: DriverContext): Promise<Driver> {
  return DRIVER_FACTORIES[context.farm.driver](context);
}

/** Several installations may share one engine or namespace: each lists only its own instances. */
function installationOf(dataDir: string): string {
  return createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
}

/** Inside a pod, its service account (`KUBERNETES_SERVICE_HOST` is set); elsewhere KUBECONFIG or ~/.kube/config. */
function loadKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  if (process.env.KUBERNETES_SERVICE_HOST) config.loadFromCluster();
  else config.loadFromDefault();
  return config;
}

function peerOf(pods: KubePods): KubernetesPeer {
  return { namespace: pods.namespace, podLabels: pods.labels };
}

function withTrailingSlash(url: URL): URL {
  return url.pathname.endsWith('/') ? url : new URL(`${url.pathname}/`, url);
}
