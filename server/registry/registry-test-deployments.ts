// A stand-in for the farm in the registry's own tests: one real sealed instance per app, started
// from the unpacked artifact with the toolchain's production launch spec, exactly what the farm's
// process driver runs. It follows the Deployments contract: health before commit, switch after.
import { request } from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { Emitter } from '../core/event';
import { DomainError } from '../core/errors';
import type { Deployments, VersionToServe } from '../farm/deployments';
import type { AppLogLineDto, InstanceDto } from '../protocol/apps';
import { InstanceProcess } from '../runtime/instance-process';
import type { ToolchainRegistry } from '../toolchain/toolchains';
import type { SandboxIdentityFiles } from '../workspace/sandbox';

interface Serving {
  version: VersionToServe;
  process: InstanceProcess;
  runDir: string;
}

/** Deployments with one instance per app; `failNextStart` makes the next activation's health stage fail. */
export class RegistryTestDeployments implements Deployments {
  private readonly serving = new Map<string, Serving>();
  private readonly onDidActivateEmitter = new Emitter<VersionToServe>();
  readonly onDidActivate = this.onDidActivateEmitter.event;
  failNextStart = false;
  activations = 0;

  constructor(
    private readonly toolchains: ToolchainRegistry,
    private readonly runRoot: string,
    private readonly identityFiles?: SandboxIdentityFiles,
  ) {}

  async activate(version: VersionToServe, options: Parameters<Deployments['activate']>[1]): Promise<void> {
    this.activations++;
    options.progress('start', 'started');
    await mkdir(this.runRoot, { recursive: true });
    const runDir = await mkdtemp(path.join(this.runRoot, 'instance-'));
    const layout = {
      projectDir: version.artifactDir,
      outputDir: version.artifactDir,
      socketDir: path.join(runDir, 'sockets'),
      dataDir: path.join(runDir, 'data'),
    };
    await mkdir(layout.socketDir);
    await mkdir(layout.dataDir);
    const spec = this.toolchains[version.manifest.runtime].launchSpec(layout, version.manifest, 'production');
    const process = new InstanceProcess(layout, spec, this.identityFiles ? { identityFiles: this.identityFiles } : {});
    process.onDidOutput((line) => options.log?.(`[v${version.versionNumber}] ${line.text}`));
    options.progress('start', 'done');
    try {
      options.progress('health', 'started');
      if (this.failNextStart) {
        this.failNextStart = false;
        throw new DomainError('failed-dependency', 'health: the instance did not answer (test)');
      }
      await process.waitUntilReady(60_000);
      options.progress('health', 'done');
      options.signal?.throwIfAborted();
      await options.commit();
    } catch (error) {
      await process.dispose(500);
      await rm(runDir, { recursive: true, force: true });
      throw error;
    }
    options.progress('switch', 'started');
    const previous = this.serving.get(version.appId);
    this.serving.set(version.appId, { version, process, runDir });
    if (previous) await this.stop(previous);
    options.progress('switch', 'done');
    this.onDidActivateEmitter.fire(version);
  }

  async retire(appId: string): Promise<void> {
    const serving = this.serving.get(appId);
    this.serving.delete(appId);
    if (serving) await this.stop(serving);
  }

  instances(appId: string): Promise<InstanceDto[]> {
    const serving = this.serving.get(appId);
    if (!serving) return Promise.resolve([]);
    return Promise.resolve([
      {
        id: serving.runDir,
        appId,
        version: serving.version.versionNumber,
        driver: 'process',
        state: 'ready',
        memoryMb: serving.version.manifest.memory,
        restarts: 0,
        startedAt: new Date().toISOString(),
        readyAt: new Date().toISOString(),
      },
    ]);
  }

  logs(): AsyncIterable<AppLogLineDto> {
    return (async function* () {})();
  }

  /** GETs a path from the app's serving instance over its Unix socket. */
  get(appId: string, urlPath: string): Promise<{ status: number; body: string }> {
    const serving = this.serving.get(appId);
    if (!serving) return Promise.reject(new Error(`app ${appId} is not serving`));
    return new Promise((resolve, reject) => {
      const req = request(
        { socketPath: serving.process.hostSocketPath, path: urlPath, headers: { host: 'app' } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** The version an app serves, if any. */
  servingVersion(appId: string): number | undefined {
    return this.serving.get(appId)?.version.versionNumber;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.serving.values()].map((serving) => this.stop(serving)));
    this.serving.clear();
  }

  private async stop(serving: Serving): Promise<void> {
    await serving.process.dispose(1_000);
    await rm(serving.runDir, { recursive: true, force: true });
  }
}
