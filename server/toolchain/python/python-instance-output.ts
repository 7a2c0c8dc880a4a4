import { z } from 'zod';

/**
 * Marks the lines a Python instance prints for the platform (runtime/slipway_gunicorn.py); the
 * same marker and access format as the Java launcher's (java/launcher-protocol.ts).
 */
export const PYTHON_LINE_MARKER = '@slipway ';

const accessPattern = /^access (\S+) (\S+) (\d{3}) (\d+) (\d+)$/;
const readyPattern = /^ready - (\{.*\})$/;

const readySchema = z.object({
  /** False when the app failed to load: the worker answers 500 and the traceback is on stderr. */
  app: z.boolean(),
  /** Fork to app loaded, in milliseconds. */
  ms: z.number(),
  pid: z.int(),
  /** The gunicorn master's pid (inside the sandbox): unchanged across reloads. */
  master: z.int(),
  /** The reload generation the worker was forked for (0 = the start). */
  generation: z.int(),
  /** How many workers the master runs. */
  workers: z.int(),
  /** The exception type when the app failed to load. */
  error: z.string().optional(),
});

/** One request as gunicorn logged it; `path` is raw (percent-encoded) and without the query. */
export interface PythonAccessEntry {
  method: string;
  path: string;
  status: number;
  bytes: number;
  ms: number;
}
/** A worker that has loaded the app of reload generation `generation` and now accepts requests. */
export type PythonWorkerReady = z.infer<typeof readySchema>;

/** A stdout line of a Python instance, classified. */
export type PythonInstanceLine =
  | { kind: 'access'; entry: PythonAccessEntry }
  | { kind: 'worker-ready'; worker: PythonWorkerReady }
  /** Anything else: the app's own print() output. */
  | { kind: 'text'; text: string };

/**
 * Classifies a stdout line. The preview layer shows access lines in the 'access' stream and may
 * hide ready lines (or show "the app failed to load" for `app: false`). The marker may follow an
 * app's unterminated output on the same line. An app could print a look-alike line; it only
 * fools its own log.
 */
export function parsePythonInstanceLine(text: string): PythonInstanceLine {
  const at = text.indexOf(PYTHON_LINE_MARKER);
  if (at < 0) return { kind: 'text', text };
  const rest = text.slice(at + PYTHON_LINE_MARKER.length);
  const access = accessPattern.exec(rest);
  if (access) {
    const [, method = '', path = '', status, bytes, ms] = access;
    return { kind: 'access', entry: { method, path, status: Number(status), bytes: Number(bytes), ms: Number(ms) } };
  }
  const ready = readyPattern.exec(rest);
  const worker = ready ? parseJson(readySchema, ready[1] ?? '') : undefined;
  return worker ? { kind: 'worker-ready', worker } : { kind: 'text', text };
}

/** `GET /expenses 200 512 B 3 ms` */
export function formatAccessEntry(entry: PythonAccessEntry): string {
  return `${entry.method} ${entry.path} ${entry.status} ${entry.bytes} B ${entry.ms} ms`;
}

function parseJson<T>(schema: z.ZodType<T>, json: string): T | undefined {
  try {
    const result = schema.safeParse(JSON.parse(json));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
