import type { FarmTiming } from './farm-options';
import type { ManagedInstance } from './instance-lifecycle';
import { decideScaling, hasSpareCapacity } from './scaling-policy';
import type { ServedApp } from './served-app';

/** What the scaler needs from the farm. */
export interface FarmScalerDeps {
  timing: FarmTiming;
  now: () => number;
  apps: () => Iterable<ServedApp>;
  scaleOut: (app: ServedApp) => void;
  /** Stop these instances of the app (scale in or to zero). */
  scaleIn: (app: ServedApp, instances: ManagedInstance[]) => void;
}

/** Applies {@link decideScaling} to every app on a timer and to one app whenever its traffic is reported. */
export class FarmScaler {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: FarmScalerDeps) {}

  start(): void {
    this.timer ??= setInterval(() => {
      for (const app of this.deps.apps()) this.check(app);
    }, this.deps.timing.scaleTickMs).unref();
  }

  /** Takes at most one scaling step for the app. */
  check(app: ServedApp): void {
    const active = app.active;
    if (!active || app.crashLoopVersion === active.versionId) return;
    const { timing } = this.deps;
    const now = this.deps.now();
    const current = app.current();
    const ready = current.filter((instance) => instance.state === 'ready');
    if (hasSpareCapacity(ready.length, app.concurrency, timing.scaleOutConcurrency)) app.spareSince ??= now;
    else app.spareSince = undefined;
    const decision = decideScaling({
      ...active.manifest.scaling,
      ready: ready.length,
      starting: current.length - ready.length + (app.pendingStart && current.length === 0 ? 1 : 0),
      concurrency: app.concurrency,
      lastTrafficAt: app.lastTrafficAt,
      spareSince: app.spareSince,
      now,
      scaleOutConcurrency: timing.scaleOutConcurrency,
      scaleInQuietMs: timing.scaleInQuietMs,
    });
    if (decision === 'scale-out') this.deps.scaleOut(app);
    else if (decision === 'scale-to-zero') this.deps.scaleIn(app, current);
    else if (decision === 'scale-in') {
      app.spareSince = undefined;
      const newest = ready.at(-1);
      if (newest) this.deps.scaleIn(app, [newest]);
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
