import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FarmConfig } from '../../config';
import type { SandboxIdentityFiles } from '../../workspace/sandbox';
import type { Driver } from '../driver';
import { DockerDriver } from './docker-driver';
import { ProcessDriver } from './process-driver';

/** What every driver factory may use. */
export interface DriverContext {
  farm: FarmConfig;
  /** The platform's data dir: drivers keep their state under `<dataDir>/farm/<driver>`. */
  dataDir: string;
  identityFiles: SandboxIdentityFiles;
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
      installation: createHash('sha256').update(context.dataDir).digest('hex').slice(0, 12),
    });
    await driver.prepare();
    return driver;
  },
  kubernetes: () =>
    // The driver and its objects exist (kubernetes-driver.ts, docs/kubernetes.md), but pods fetch
    // their artifact from a platform download endpoint that is not served yet.
    Promise.reject(
      new Error(
        'SLIPWAY_FARM_DRIVER=kubernetes is not available yet: the artifact download endpoint its pods need is missing (docs/kubernetes.md)',
      ),
    ),
};

/** Builds the driver `SLIPWAY_FARM_DRIVER` names. */
export function createDriver(context: DriverContext): Promise<Driver> {
  return DRIVER_FACTORIES[context.farm.driver](context);
}
