import { z } from 'zod';
import { TENANT_ROLES } from './identity';

/** Life cycle of a project's preview instance, as the IDE shows it. */
export type PreviewState = 'stopped' | 'starting' | 'running' | 'failed' | 'crashed';

/** One compiler or checker finding, positioned for Monaco markers and the Problems panel (1-based). */
export interface DiagnosticDto {
  /** Project-relative path, e.g. `src/main/java/com/example/Hello.java`. */
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  source: 'javac' | 'python' | 'pyright';
  code?: string;
}

/** The outcome of one build (compile + check + swap). */
export interface BuildSummaryDto {
  id: number;
  startedAt: string;
  durationMs: number;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  /** Errors and warnings of this build; empty when it succeeded cleanly. */
  diagnostics: DiagnosticDto[];
}

/** `GET /api/v1/projects/:id/preview` */
export interface PreviewStatusDto {
  projectId: string;
  state: PreviewState;
  /** Why the instance is failed/crashed, in words a developer can act on. */
  reason: string | null;
  /** The preview origin's base URL (no credentials); open it via a preview link. */
  url: string | null;
  lastBuild: BuildSummaryDto | null;
  /** Increments each time the instance starts serving a new successful build. */
  generation: number;
}

/** One line of the Output panel: build output, the app's stdout/stderr, its access log, or its page console. */
export interface LogEntryDto {
  seq: number;
  time: string;
  stream: 'build' | 'stdout' | 'stderr' | 'access' | 'console' | 'platform';
  text: string;
}

/** `POST /api/v1/projects/:id/preview/link`: a short-lived link that signs a browser into the preview origin. */
export interface PreviewLinkDto {
  url: string;
  expiresAt: string;
}

/**
 * Who the preview shows the developer as: themselves with their roles, signed out, or
 * themselves holding only one role (to try a staff member's or a manager's pages).
 */
export const previewPersonaSchema = z.enum(['self', 'signed-out', ...TENANT_ROLES]);
export type PreviewPersona = z.infer<typeof previewPersonaSchema>;

/** `GET`/`PUT /projects/:id/preview/persona`. */
export interface PreviewPersonaDto {
  persona: PreviewPersona;
}

export const previewPersonaBodySchema = z.strictObject({ persona: previewPersonaSchema });

export const previewLinkBodySchema = z.object({
  /** Path of the app to open, e.g. `/` or `/requests?id=3`. */
  path: z.string().max(2000).regex(/^\//, 'must start with /').default('/'),
  /** `phone` links last longer (scanned from a QR code) and work once. */
  purpose: z.enum(['frame', 'phone']).default('frame'),
});

/** Server → IDE messages on `/ws/projects/:projectId/preview`. */
export type PreviewServerMessage =
  | { type: 'status'; status: PreviewStatusDto }
  | { type: 'build-started'; buildId: number }
  | { type: 'build-finished'; build: BuildSummaryDto }
  /** The instance now serves build `buildId`: the frame should reload (only on success). */
  | { type: 'reloaded'; buildId: number; generation: number }
  | { type: 'logs'; entries: LogEntryDto[] };

/** IDE → server messages: errors the app's page logged in the frame (forwarded to the Output panel). */
export const previewClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('console'),
    level: z.enum(['error', 'warn', 'log']),
    text: z.string().max(10_000),
  }),
]);
export type PreviewClientMessage = z.infer<typeof previewClientMessageSchema>;

/** Messages the preview frame's injected script posts to the IDE window (checked origins). */
export type PreviewFrameMessage =
  | { source: 'slipway-preview'; type: 'console'; level: 'error' | 'warn' | 'log'; text: string }
  | { source: 'slipway-preview'; type: 'navigated'; url: string; canGoBack: boolean; canGoForward: boolean };
