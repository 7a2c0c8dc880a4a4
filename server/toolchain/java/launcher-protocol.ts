import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { DiagnosticDto } from '../../protocol/preview';

/**
 * The launcher's stdin/stdout control channel (see ControlLoop.java). Commands are
 * `compile|cancel|reload|ping ID` and `quit`; every line the launcher prints for the platform
 * contains `@slipway `, followed by `ready - {json}`, `access METHOD PATH STATUS BYTES MS` or
 * `<reply> ID {json}`. Replies carry the request's random id, so an app that prints look-alike
 * lines cannot answer for the launcher by accident.
 */
export const LAUNCHER_MARKER = '@slipway ';

/** One platform line from a launcher, parsed. */
export type LauncherLine =
  | { kind: 'ready'; appStarted: boolean; ms: number }
  | { kind: 'access'; method: string; path: string; status: number; bytes: number; ms: number }
  | { kind: 'reply'; reply: LauncherReplyKind; id: string; body: unknown };

export type LauncherReplyKind = 'compiled' | 'reloaded' | 'pong' | 'error';

const replyPattern = /^(compiled|reloaded|pong|error) ([A-Za-z0-9_-]{1,64}|-) (\{.*\})$/;
const accessPattern = /^access (\S+) (\S+) (\d{3}) (\d+) (\d+)$/;
const readyPattern = /^ready - (\{.*\})$/;

/** Parses a stdout line of a launcher; undefined for the app's own output. */
export function parseLauncherLine(text: string): LauncherLine | undefined {
  // The marker may follow an app's unterminated output on the same line.
  const at = text.indexOf(LAUNCHER_MARKER);
  if (at < 0) return undefined;
  const rest = text.slice(at + LAUNCHER_MARKER.length);
  const access = accessPattern.exec(rest);
  if (access) {
    const [, method = '', requestPath = '', status, bytes, ms] = access;
    return { kind: 'access', method, path: requestPath, status: Number(status), bytes: Number(bytes), ms: Number(ms) };
  }
  const ready = readyPattern.exec(rest);
  if (ready) {
    const body = readySchema.safeParse(parseJson(ready[1]));
    return body.success ? { kind: 'ready', appStarted: body.data.app, ms: body.data.ms } : undefined;
  }
  const reply = replyPattern.exec(rest);
  if (!reply) return undefined;
  return { kind: 'reply', reply: reply[1] as LauncherReplyKind, id: reply[2] ?? '', body: parseJson(reply[3]) };
}

/** A fresh request id for one command. */
export function newRequestId(): string {
  return randomBytes(9).toString('base64url');
}

/** True for the reply (or error) that answers request `id`. */
export function answers(line: string, reply: LauncherReplyKind, id: string): boolean {
  const parsed = parseLauncherLine(line);
  return parsed?.kind === 'reply' && parsed.id === id && (parsed.reply === reply || parsed.reply === 'error');
}

const readySchema = z.object({ app: z.boolean(), ms: z.number() });

const diagnosticSchema = z.object({
  file: z.string().max(4096),
  line: z.number().int().min(0),
  column: z.number().int().min(0),
  endLine: z.number().int().min(0),
  endColumn: z.number().int().min(0),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string().max(20_000),
  code: z.string().max(200).nullable(),
});

/** The launcher's answer to `compile` (AppBuilder.build). */
export const compileReplySchema = z.object({
  ok: z.boolean(),
  cancelled: z.boolean().optional(),
  error: z.string().optional(),
  full: z.boolean().optional(),
  compiled: z.number().optional(),
  sources: z.number().optional(),
  appChanged: z.boolean().optional(),
  staticChanges: z.number().optional(),
  scanMs: z.number().optional(),
  compileMs: z.number().optional(),
  ms: z.number().optional(),
  diagnostics: z.array(diagnosticSchema).max(2_000).default([]),
});
export type CompileReply = z.infer<typeof compileReplySchema>;

/** The launcher's answer to `reload` (TomcatServer.reload). */
export const reloadReplySchema = z.object({
  ok: z.boolean(),
  restarted: z.boolean().optional(),
  generation: z.number().optional(),
  ms: z.number().optional(),
  error: z.string().optional(),
});
export type ReloadReply = z.infer<typeof reloadReplySchema>;

/** Where findings without a file (javac option errors) are shown. */
const sourceRoot = 'src/main/java';

/**
 * Turns the launcher's findings into the IDE's. Files are project-relative already (the launcher
 * relativises against /workspace); anything that is not a plain relative path inside the project
 * is shown on the source root instead of being trusted.
 */
export function toDiagnostics(reply: CompileReply): DiagnosticDto[] {
  return reply.diagnostics.map((found) => {
    const positioned = found.file !== '' && isProjectRelative(found.file);
    const diagnostic: DiagnosticDto = {
      file: positioned ? found.file : sourceRoot,
      line: positioned ? Math.max(1, found.line) : 1,
      column: positioned ? Math.max(1, found.column) : 1,
      severity: found.severity,
      message: found.message,
      source: 'javac',
    };
    if (positioned) {
      diagnostic.endLine = Math.max(diagnostic.line, found.endLine);
      diagnostic.endColumn = Math.max(1, found.endColumn);
    }
    if (found.code) diagnostic.code = found.code;
    return diagnostic;
  });
}

/** One line for the Output panel summarising a compile. */
export function describeCompile(reply: CompileReply, where: 'warm' | 'cold'): string {
  const counts = `${reply.compiled ?? 0} of ${reply.sources ?? 0} source files`;
  const kind = reply.full ? 'full' : 'incremental';
  const errors = reply.diagnostics.filter((found) => found.severity === 'error').length;
  const outcome = reply.ok ? 'built' : `failed with ${errors} error${errors === 1 ? '' : 's'}`;
  return `javac (${where}, ${kind}): ${counts}, ${outcome} in ${reply.ms ?? '?'} ms`;
}

function isProjectRelative(file: string): boolean {
  return !path.posix.isAbsolute(file) && path.posix.normalize(file) === file && !file.startsWith('..');
}

function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '') as unknown;
  } catch {
    return undefined;
  }
}
