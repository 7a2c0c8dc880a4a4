import { request } from 'node:http';
import type { InstanceEndpoint } from '../../farm/driver';

/** One HTTP call of a task on an instance. */
export interface TaskCall {
  endpoint: InstanceEndpoint;
  /** The app's (or preview's) public origin: Host and X-Forwarded-Proto as through the gateway. */
  origin: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** JSON text; none for GET. */
  body: string | undefined;
  /** No answer (headers) within this long fails the attempt. */
  timeoutMs: number;
  /** Cancels the call (the platform is stopping). */
  signal: AbortSignal;
}

/** How a call ended: a 2xx answer, or why it failed (and how long the app asked us to wait). */
export type TaskCallOutcome = { ok: true; status: number } | { ok: false; error: string; retryAfterMs?: number };

/** How much of a failed answer's body goes into the task's last error. */
const ERROR_BODY_BYTES = 500;

/** Calls the instance directly (Unix socket or TCP); never rejects — every failure is an outcome. */
export function callTask(call: TaskCall): Promise<TaskCallOutcome> {
  const signal = AbortSignal.any([call.signal, AbortSignal.timeout(call.timeoutMs)]);
  const describeAbort = () =>
    call.signal.aborted ? 'the call was cancelled' : `no answer within ${call.timeoutMs / 1000} s`;
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ ok: false, error: describeAbort() });
    const body = call.body === undefined ? undefined : Buffer.from(call.body);
    const origin = new URL(call.origin);
    let outgoing: ReturnType<typeof request>;
    try {
      outgoing = request({
        ...(call.endpoint.kind === 'unix'
          ? { socketPath: call.endpoint.path }
          : { host: call.endpoint.host, port: call.endpoint.port }),
        method: call.method,
        path: call.path,
        agent: false,
        headers: {
          host: origin.host,
          'x-forwarded-proto': origin.protocol.replace(':', ''),
          'user-agent': 'Slipway-Tasks/1',
          ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
          ...call.headers,
        },
        signal,
      });
    } catch (error) {
      // Node refuses some paths and header values synchronously.
      return resolve({ ok: false, error: `the call could not be made: ${(error as Error).message}` });
    }
    outgoing.on('response', (answer) => {
      const status = answer.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        answer.resume();
        answer.on('end', () => resolve({ ok: true, status }));
        answer.on('error', () => resolve({ ok: true, status }));
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      const finish = () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_BYTES).trim();
        const retryAfterMs = retryAfterOf(answer.headers['retry-after']);
        resolve({
          ok: false,
          error: `HTTP ${status}${text ? `: ${text}` : ''}`,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        });
        answer.destroy();
      };
      answer.on('data', (chunk: Buffer) => {
        if (length < ERROR_BODY_BYTES) chunks.push(chunk);
        length += chunk.length;
      });
      answer.on('end', finish);
      answer.on('error', finish);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) return resolve({ ok: false, error: describeAbort() });
      resolve({ ok: false, error: `the app did not answer: ${error.code ?? error.message}` });
    });
    outgoing.end(body);
  });
}

/** `Retry-After` in seconds (dates are rare from apps and ignored). */
function retryAfterOf(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text && /^\d+$/.test(text.trim()) ? Number(text.trim()) * 1000 : undefined;
}
