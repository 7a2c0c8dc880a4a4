import type { ProblemDetails } from '@/server/protocol/problem';

/** A failed API call, carrying the server's problem details so the UI can show `detail`. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly code: string | undefined;

  constructor(status: number, title: string, detail: string, code?: string) {
    super(detail || title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.code = code;
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) {
      try {
        const body = (await response.json()) as Partial<ProblemDetails> & { message?: string; error?: string };
        const title = typeof body.title === 'string' ? body.title : response.statusText || 'Request failed';
        const detail = typeof body.detail === 'string' ? body.detail : (body.message ?? body.error ?? title);
        return new ApiError(response.status, title, detail, typeof body.code === 'string' ? body.code : undefined);
      } catch {
        // fall through to the plain-text form
      }
    }
    const text = await response.text().catch(() => '');
    const title = response.statusText || `HTTP ${response.status}`;
    return new ApiError(response.status, title, text.trim().slice(0, 500) || title);
  }
}

/** A human-readable message for anything thrown by the client (or by fetch itself). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail || error.title;
  if (error instanceof Error) return error.message;
  return String(error);
}
