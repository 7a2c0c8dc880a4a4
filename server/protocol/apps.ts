import { z } from 'zod';
import type { AppRuntime } from './app-manifest';

/** The stages of a publish, in order; a failed stage changes nothing that serves. */
export const publishStages = ['commit', 'build', 'package', 'store', 'start', 'health', 'switch'] as const;
/** One stage of a publish. */
export type PublishStage = (typeof publishStages)[number];

/** Where a version came from: the IDE's project, the CLI's folder upload, a WAR, or a backup import. */
export type VersionSource = 'ide' | 'cli' | 'war' | 'import';

/** A published app: a stable slug and URL per tenant. */
export interface AppDto {
  id: string;
  tenantId: string;
  slug: string;
  title: string;
  runtime: AppRuntime;
  projectId: string | null;
  /** The live URL, `<slug>.<tenant>.<apps domain>`. */
  url: string;
  /** The number of the version the gateway serves; null before the first successful publish. */
  activeVersion: number | null;
  createdAt: string;
}

/** An immutable version of an app. */
export interface AppVersionDto {
  id: string;
  appId: string;
  number: number;
  state: 'building' | 'ready' | 'failed';
  health: 'unknown' | 'healthy' | 'unhealthy';
  active: boolean;
  source: VersionSource;
  commit: string | null;
  artifactHash: string | null;
  artifactBytes: number | null;
  /** The id of the user who published it. */
  createdBy: string;
  /** Their name, for people to read; null when unknown (no longer a user, or not looked up). */
  createdByName: string | null;
  createdAt: string;
}

/** A publish attempt, as listed and as streamed. */
export interface PublishOperationDto {
  id: string;
  appId: string;
  version: number | null;
  stage: PublishStage;
  state: 'running' | 'succeeded' | 'failed';
  error: string | null;
  url: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** Progress of one publish, streamed to the IDE and the CLI (NDJSON or WebSocket). */
export type PublishEvent =
  | { type: 'stage'; stage: PublishStage; state: 'started' | 'done' | 'failed'; detail?: string }
  | { type: 'log'; line: string }
  | { type: 'done'; operation: PublishOperationDto; app: AppDto; version: AppVersionDto }
  | { type: 'failed'; operation: PublishOperationDto; stage: PublishStage; detail: string };

/** A running (or recently ended) instance of an app, for the Apps view and `slipway apps`. */
export interface InstanceDto {
  id: string;
  appId: string;
  version: number;
  driver: 'process' | 'docker' | 'kubernetes';
  state: 'starting' | 'ready' | 'draining' | 'stopped' | 'crashed';
  memoryMb: number;
  restarts: number;
  startedAt: string;
  readyAt: string | null;
}

/** One line of an app's output (`slipway logs`). */
export interface AppLogLineDto {
  at: string;
  instanceId: string;
  version: number;
  stream: 'stdout' | 'stderr' | 'platform';
  text: string;
}

/** POST /api/v1/projects/:id/publish: publish the working tree (committed first) or a chosen commit. */
export const publishProjectBodySchema = z.strictObject({
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/, 'must be a commit hash')
    .optional(),
  message: z.string().trim().min(1).max(500).optional(),
});

/** POST /api/v1/apps/:id/rollback and /promote: make a ready version the active one. */
export const activateVersionBodySchema = z.strictObject({
  version: z.int().min(1),
});
