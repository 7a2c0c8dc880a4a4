import type { VersionToServe } from './deployments';
import type { InstanceEndpoint } from './driver';
import type { ManagedInstance } from './instance-lifecycle';
import { RestartPolicy, type RestartTiming } from './restart-policy';

/** How an app stands, for the gateway's activator page and the console. */
export type AppServingState = 'serving' | 'starting' | 'scaled-to-zero' | 'crash-loop' | 'not-deployed';

/** One app as the farm keeps it in memory. */
export class ServedApp {
  active: VersionToServe | undefined;
  readonly instances = new Map<string, ManagedInstance>();
  /** The version whose crash loop stopped the restarts (until the next activate). */
  crashLoopVersion: string | undefined;
  lastTrafficAt: number;
  concurrency = 0;
  spareSince: number | undefined;
  /** A start shared by every caller of `wake` while it runs. */
  pendingStart: Promise<InstanceEndpoint> | undefined;
  private readonly policies = new Map<string, RestartPolicy>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly appId: string,
    now: number,
  ) {
    this.lastTrafficAt = now;
  }

  /** Runs `work` after every earlier piece of work on this app (activations never interleave). */
  serialize<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  restartPolicy(versionId: string, timing: RestartTiming): RestartPolicy {
    let policy = this.policies.get(versionId);
    if (!policy) this.policies.set(versionId, (policy = new RestartPolicy(timing)));
    return policy;
  }

  /** Instances of the active version the farm has not decided to stop. */
  current(): ManagedInstance[] {
    return [...this.instances.values()].filter(
      (instance) => !instance.retiring && instance.version.versionId === this.active?.versionId,
    );
  }

  ready(): ManagedInstance[] {
    return this.current().filter((instance) => instance.state === 'ready');
  }

  state(): AppServingState {
    if (!this.active) return 'not-deployed';
    if (this.ready().length > 0) return 'serving';
    if (this.crashLoopVersion === this.active.versionId) return 'crash-loop';
    return this.current().length > 0 || this.pendingStart ? 'starting' : 'scaled-to-zero';
  }
}
