import type { ProblemDetails } from '../../server/protocol/problem';

/** A mistake on the command line; printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An expected failure (refused request, failed publish, unreadable folder); exit code 1, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly details: { status?: number; code?: string; stage?: string } = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Turns a problem+json answer (or any failed response body) into one clear CliError. */
export function problemError(status: number, statusText: string, body: string): CliError {
  let problem: Partial<ProblemDetails> | null = null;
  try {
    problem = JSON.parse(body) as Partial<ProblemDetails>;
  } catch {
    // not JSON: fall back to the text
  }
  const title = typeof problem?.title === 'string' ? problem.title : statusText || `HTTP ${status}`;
  const detail = typeof problem?.detail === 'string' ? problem.detail : firstLine(body);
  const message = detail && detail !== title ? `${title}: ${detail}` : title;
  const code = typeof problem?.code === 'string' ? problem.code : undefined;
  return new CliError(`${message} (HTTP ${status})`, { status, ...(code ? { code } : {}) });
}

/** One line for anything thrown: CLI errors as they are, network errors named, bugs by message. */
export function formatError(error: unknown): string {
  if (error instanceof CliError || error instanceof UsageError) return error.message;
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (error.message === 'fetch failed' && cause) {
      const reason = typeof cause.code === 'string' ? cause.code : String(cause.message);
      return `Cannot reach the server (${reason}).`;
    }
    return firstLine(error.message) || error.name;
  }
  return String(error);
}

/** The error as the JSON object `--json` prints on failure. */
export function errorJson(error: unknown): { ok: false; error: Record<string, unknown> } {
  const details = error instanceof CliError ? error.details : {};
  return { ok: false, error: { message: formatError(error), ...details } };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 300) ?? '';
}
