/** What the scaler sees of one app at a tick. */
export interface ScalingInput {
  min: number;
  max: number;
  idleSeconds: number;
  /** Instances of the active version that are ready, and those still starting. */
  ready: number;
  starting: number;
  /** Requests in flight, as last reported by the gateway. */
  concurrency: number;
  lastTrafficAt: number;
  /** Since when the app has had spare capacity (one instance fewer would do), if it has. */
  spareSince: number | undefined;
  now: number;
  scaleOutConcurrency: number;
  scaleInQuietMs: number;
}

/** One scaling step for an app. */
export type ScalingDecision = 'scale-out' | 'scale-in' | 'scale-to-zero' | 'none';

/**
 * Decides one step at a time: scale to zero after `idleSeconds` without traffic (only when
 * min is 0), out when in-flight requests per ready instance exceed the threshold (up to max),
 * in after a quiet period with spare capacity (down to max(min, 1)).
 */
export function decideScaling(input: ScalingInput): ScalingDecision {
  const running = input.ready + input.starting;
  const idleMs = input.now - input.lastTrafficAt;
  if (input.starting > 0) return 'none'; // one step at a time; a start in progress means traffic
  if (input.min === 0 && running > 0 && input.concurrency === 0 && idleMs >= input.idleSeconds * 1000) {
    return 'scale-to-zero';
  }
  if (running < input.max && input.ready > 0 && input.concurrency / input.ready > input.scaleOutConcurrency) {
    return 'scale-out';
  }
  if (
    running > Math.max(input.min, 1) &&
    input.spareSince !== undefined &&
    input.now - input.spareSince >= input.scaleInQuietMs
  ) {
    return 'scale-in';
  }
  return 'none';
}

/** True when one instance fewer would still stay under half the scale-out threshold. */
export function hasSpareCapacity(ready: number, concurrency: number, scaleOutConcurrency: number): boolean {
  return ready > 1 && concurrency / (ready - 1) <= scaleOutConcurrency / 2;
}
