import type { InstanceEndpoint } from '../../farm/driver';
import type { TaskScope } from './task-store';

/** Where a task call goes: an instance's endpoint, and the public origin the app is served at. */
export interface TaskEndpoint {
  endpoint: InstanceEndpoint;
  /** E.g. `https://orders.acme.apps.example.com`: the call's Host and X-Forwarded-Proto. */
  origin: string;
}

/** How the dispatcher reaches apps' instances (farm and previews behind one small interface). */
export interface TaskTargets {
  /** Preview apps (project ids) whose instance this process runs now; other preview tasks wait. */
  runningPreviews(): readonly string[];
  /**
   * Where to call the scope's app now. Production wakes the active version (a domain error when
   * it has none or keeps crashing: the attempt fails); preview answers undefined when its
   * instance is not running (the task waits without using an attempt).
   */
  endpointFor(scope: TaskScope, signal: AbortSignal): Promise<TaskEndpoint | undefined>;
}
