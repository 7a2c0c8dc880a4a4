import type { AppManifest } from '../protocol/app-manifest';
import type { AppLogLineDto, InstanceDto } from '../protocol/apps';

/** A ready version the farm is asked to serve. */
export interface VersionToServe {
  appId: string;
  tenantId: string;
  appSlug: string;
  tenantSlug: string;
  versionId: string;
  versionNumber: number;
  manifest: AppManifest;
  /** Host folder of the unpacked, read-only artifact (the build output the launcher serves). */
  artifactDir: string;
}

/** The farm stages of a publish; the registry's stages before them are commit, build, package, store. */
export type FarmStage = 'start' | 'health' | 'switch';

/** The farm as the registry uses it: serve a version, stop serving an app, list instances. */
export interface Deployments {
  /**
   * Starts the version's instances (at least one, `scaling.min` when larger), waits until they
   * answer, then calls `commit` (the registry records the version as active in the database),
   * then moves traffic (routes applied) and drains the old version's instances. Throws a
   * DomainError whose message names the failing stage; before `commit` a failure leaves the
   * previous version serving and removes the new instances.
   */
  activate(
    version: VersionToServe,
    options: {
      commit: () => Promise<void>;
      progress: (stage: FarmStage, state: 'started' | 'done', detail?: string) => void;
      log?: (line: string) => void;
      signal?: AbortSignal;
    },
  ): Promise<void>;
  /** Stops every instance of an app and removes its route (the app is deleted). */
  retire(appId: string): Promise<void>;
  /** Instances of an app, newest first, including recently stopped or crashed ones. */
  instances(appId: string): Promise<InstanceDto[]>;
  /** The app's recent output (every instance), then — with `follow` — new lines until `signal` aborts. */
  logs(appId: string, options: { follow: boolean; signal: AbortSignal }): AsyncIterable<AppLogLineDto>;
}
