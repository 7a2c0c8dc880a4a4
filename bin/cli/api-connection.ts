import { readNdjson } from '../../server/protocol/ndjson';
import { CliError, problemError } from './cli-errors';
import type { Connection } from './config-store';

/** A request to the platform's `/api/v1`. */
export interface ApiRequest {
  method?: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** A raw body (an upload) and its content type. */
  body?: { bytes: Uint8Array; contentType: string };
  signal?: AbortSignal;
}

/** Talks to one Slipway server with an API token (or, for `login`, a session cookie). */
export class ApiConnection {
  constructor(
    readonly connection: { url: string; token?: string },
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  /** A connection that uses a session cookie and CSRF token (only `login` needs it). */
  withHeaders(headers: Record<string, string>): ApiConnection {
    return new ApiConnection(this.connection, this.fetchImpl, { ...this.extraHeaders, ...headers });
  }

  /** Sends a request; a failed answer becomes a CliError carrying the problem's detail. */
  async send(path: string, request: ApiRequest = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/x-ndjson', ...this.extraHeaders };
    if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    let body: BodyInit | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.body) {
      headers['content-type'] = request.body.contentType;
      body = new Blob([request.body.bytes as Uint8Array<ArrayBuffer>]);
    }
    const response = await this.fetchImpl(this.urlOf(path, request.query), {
      method: request.method ?? 'GET',
      headers,
      ...(body === undefined ? {} : { body }),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    if (response.ok) return response;
    const error = problemError(response.status, response.statusText, await response.text().catch(() => ''));
    if (response.status === 401) {
      throw new CliError(`${error.message}. Run \`slipway login\` (or set SLIPWAY_TOKEN).`, error.details);
    }
    throw error;
  }

  /** Sends a request and reads its JSON answer. */
  async json<T>(path: string, request: ApiRequest = {}): Promise<T> {
    const response = await this.send(path, request);
    return (await response.json()) as T;
  }

  /** Sends a request and yields each line of its NDJSON answer. */
  async *stream<T>(path: string, request: ApiRequest = {}): AsyncGenerator<T, void, undefined> {
    const response = await this.send(path, request);
    if (!response.body) throw new CliError('The server answered without a body.');
    yield* readNdjson<T>(response.body);
  }

  /** The absolute URL of an API path. */
  urlOf(path: string, query: ApiRequest['query'] = {}): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
    const qs = search.toString();
    return `${this.connection.url}/api/v1${path}${qs ? `?${qs}` : ''}`;
  }
}

/** Builds the client for a resolved connection. */
export function apiFor(connection: Connection, fetchImpl: typeof fetch = fetch): ApiConnection {
  return new ApiConnection(connection, fetchImpl);
}
