import type { GitCommitDto, GitDiffDto, GitStatusDto } from '@/server/protocol/git';
import type { LoginBody, SessionDto } from '@/server/protocol/identity';
import type { ProjectDto } from '@/server/protocol/projects';
import type { TemplateSummary } from '@/server/protocol/templates';
import { CSRF_HEADER } from '@/server/protocol/problem';
import { ApiError } from './api-error';
import type { FileEntry, SavedFileDto, UploadResultDto } from '@/server/protocol/files';
import type { TerminalInfo } from '@/server/protocol/terminal';
import type {
  LogEntryDto,
  PreviewLinkDto,
  PreviewPersona,
  PreviewPersonaDto,
  PreviewStatusDto,
} from '@/server/protocol/preview';
import type { AppDto, AppVersionDto, InstanceDto, PublishEvent } from '@/server/protocol/apps';
import type { OutboxMailDetailDto, OutboxPageDto, UserMessagesPageDto } from '@/server/protocol/messaging';
import type { LauncherDto } from '@/server/protocol/launcher';
import type { ServiceContractDto, UrlFetchLogEntryDto } from '@/server/protocol/platform-services';
import type { ProjectTasksDto } from '@/server/protocol/tasks';
import { readNdjson } from '@/server/protocol/ndjson';

export { ApiError, errorMessage } from './api-error';

const BASE = '/api/v1';

type Query = Record<string, string | number | boolean | undefined>;

interface RequestOptions {
  query?: Query;
  /** JSON-serialised unless it is a string, Blob or FormData (sent as is). */
  body?: unknown;
  /** Login and the session probe handle 401 themselves instead of redirecting. */
  redirectOn401?: boolean;
  keepalive?: boolean;
  headers?: Record<string, string>;
}

// The token is bound to the session cookie; cache it for the page's lifetime and refetch once
// when the server says it is stale (e.g. after logging in again in another tab).
let csrfToken: string | null = null;
let sessionRequest: Promise<SessionDto> | null = null;

function url(path: string, query?: Query): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.set(key, String(value));
  }
  const qs = search.toString();
  return `${BASE}${path}${qs ? `?${qs}` : ''}`;
}

/** `ws:`/`wss:` URL of a WebSocket path on this origin (the cookie and Origin check do the rest). */
function socketUrl(path: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${path}`;
}

function redirectToLogin(): void {
  if (typeof window === 'undefined' || window.location.pathname === '/login') return;
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}

async function ensureCsrfToken(): Promise<string> {
  if (csrfToken) return csrfToken;
  return (await loadSession()).csrfToken;
}

function loadSession(): Promise<SessionDto> {
  sessionRequest ??= send<SessionDto>('GET', '/session', { redirectOn401: false })
    .then((session) => {
      csrfToken = session.csrfToken;
      return session;
    })
    .finally(() => {
      sessionRequest = null;
    });
  return sessionRequest;
}

async function send<T>(method: string, path: string, options: RequestOptions = {}, retried = false): Promise<T> {
  const response = await fetchRaw(method, path, options);
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    return (type.includes('json') ? await response.json() : await response.text()) as T;
  }
  const error = await ApiError.fromResponse(response);
  if (response.status === 403 && !retried && method !== 'GET' && /csrf/i.test(`${error.code} ${error.detail}`)) {
    csrfToken = null;
    return send<T>(method, path, options, true);
  }
  throw error;
}

/** Sends a request and returns the raw response (callers needing bytes use this). */
async function fetchRaw(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  let body: BodyInit | undefined;
  if (options.body instanceof FormData || options.body instanceof Blob) {
    body = options.body;
  } else if (typeof options.body === 'string') {
    body = options.body;
    headers.set('content-type', 'text/plain; charset=utf-8');
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers.set('content-type', 'application/json');
  }
  const isLogin = path === '/auth/login';
  if (method !== 'GET' && method !== 'HEAD' && !isLogin) {
    headers.set(CSRF_HEADER, await ensureCsrfToken());
  }
  headers.set('accept', 'application/json, application/problem+json, */*');
  const response = await fetch(url(path, options.query), {
    method,
    headers,
    body,
    credentials: 'same-origin',
    keepalive: options.keepalive,
  });
  if (response.status === 401 && options.redirectOn401 !== false && !isLogin) {
    csrfToken = null;
    redirectToLogin();
  }
  return response;
}

async function readBytes(
  path: string,
  query: Query,
  ifNoneMatch?: string,
): Promise<{ bytes: ArrayBuffer; etag: string | null } | null> {
  const headers = ifNoneMatch ? { 'if-none-match': ifNoneMatch } : undefined;
  const response = await fetchRaw('GET', path, { query, ...(headers ? { headers } : {}) });
  if (response.status === 304) return null;
  if (!response.ok) throw await ApiError.fromResponse(response);
  return { bytes: await response.arrayBuffer(), etag: response.headers.get('etag') };
}

const enc = encodeURIComponent;

/** The one typed client for Slipway's REST API; every UI call goes through it. */
export const api = {
  auth: {
    async login(body: LoginBody): Promise<SessionDto> {
      const session = await send<SessionDto>('POST', '/auth/login', { body, redirectOn401: false });
      csrfToken = session.csrfToken;
      return session;
    },
    async logout(): Promise<void> {
      await send<void>('POST', '/auth/logout', { redirectOn401: false });
      csrfToken = null;
    },
  },
  /** The signed-in session; redirects to /login when there is none. */
  async session(): Promise<SessionDto> {
    try {
      return await loadSession();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) redirectToLogin();
      throw error;
    }
  },
  templates: {
    list: () => send<TemplateSummary[]>('GET', '/templates'),
  },
  projects: {
    list: (tenantId: string) => send<ProjectDto[]>('GET', `/tenants/${enc(tenantId)}/projects`),
    create: (tenantId: string, body: { name: string; templateId: string }) =>
      send<ProjectDto>('POST', `/tenants/${enc(tenantId)}/projects`, { body }),
    importGit: (tenantId: string, body: { name: string; url: string }) =>
      send<ProjectDto>('POST', `/tenants/${enc(tenantId)}/projects/import`, { body }),
    get: (projectId: string) => send<ProjectDto>('GET', `/projects/${enc(projectId)}`),
    remove: (projectId: string) => send<void>('DELETE', `/projects/${enc(projectId)}`),
    /** Ends the user's terminals; `keepalive` lets it run while the page unloads. */
    close: (projectId: string, keepalive = false) =>
      send<void>('POST', `/projects/${enc(projectId)}/close`, { keepalive }),
  },
  files: {
    list: (projectId: string) => send<FileEntry[]>('GET', `/projects/${enc(projectId)}/files`),
    /** The file's bytes and entity tag (send it back as `ifMatch` when saving). */
    read: async (projectId: string, path: string) =>
      (await readBytes(`/projects/${enc(projectId)}/files/content`, { path }))!,
    /** The file's bytes and tag if its tag is no longer `etag`, else null (unchanged). */
    readIfChanged: (projectId: string, path: string, etag: string) =>
      readBytes(`/projects/${enc(projectId)}/files/content`, { path }, etag),
    contentUrl: (projectId: string, path: string) => url(`/projects/${enc(projectId)}/files/content`, { path }),
    /** Saves text; with `ifMatch` only if the file still has that tag (else ApiError 412). */
    write: (projectId: string, path: string, text: string, ifMatch?: string) =>
      send<SavedFileDto>('PUT', `/projects/${enc(projectId)}/files/content`, {
        query: { path },
        body: text,
        ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}),
      }),
    create: (projectId: string, body: { path: string; type: 'file' | 'directory'; content?: string }) =>
      send<unknown>('POST', `/projects/${enc(projectId)}/files`, { body }),
    move: (projectId: string, from: string, to: string) =>
      send<unknown>('POST', `/projects/${enc(projectId)}/files/move`, { body: { from, to } }),
    remove: (projectId: string, path: string) =>
      send<void>('DELETE', `/projects/${enc(projectId)}/files`, { query: { path } }),
    upload(projectId: string, dir: string, files: File[], extract = false): Promise<UploadResultDto> {
      const form = new FormData();
      if (extract) form.set('extract', 'true');
      for (const file of files) form.append('file', file, file.name);
      return send<UploadResultDto>('POST', `/projects/${enc(projectId)}/files/upload`, { query: { dir }, body: form });
    },
    archiveUrl: (projectId: string, format: 'zip' | 'tar.gz' = 'zip') =>
      url(`/projects/${enc(projectId)}/archive`, { format }),
  },
  git: {
    status: (projectId: string) => send<GitStatusDto>('GET', `/projects/${enc(projectId)}/git/status`),
    diff: (projectId: string, path: string) =>
      send<GitDiffDto>('GET', `/projects/${enc(projectId)}/git/diff`, { query: { path } }),
    commit: (projectId: string, body: { message: string; paths?: string[] }) =>
      send<{ hash: string }>('POST', `/projects/${enc(projectId)}/git/commit`, { body }),
    log: (projectId: string, limit = 50) =>
      send<GitCommitDto[]>('GET', `/projects/${enc(projectId)}/git/log`, { query: { limit } }),
    revert: (projectId: string, path: string) =>
      send<unknown>('POST', `/projects/${enc(projectId)}/git/revert`, { body: { path } }),
  },
  terminals: {
    create: (projectId: string, size: { cols: number; rows: number }) =>
      send<TerminalInfo>('POST', `/projects/${enc(projectId)}/terminals`, { body: size }),
    list: (projectId: string) => send<TerminalInfo[]>('GET', `/projects/${enc(projectId)}/terminals`),
    remove: (projectId: string, terminalId: string) =>
      send<void>('DELETE', `/projects/${enc(projectId)}/terminals/${enc(terminalId)}`),
    socketUrl: (terminalId: string) => socketUrl(`/ws/terminals/${enc(terminalId)}`),
  },
  preview: {
    status: (projectId: string) => send<PreviewStatusDto>('GET', `/projects/${enc(projectId)}/preview`),
    /** Builds and starts the project's preview instance. */
    start: (projectId: string) => send<PreviewStatusDto>('POST', `/projects/${enc(projectId)}/preview/start`),
    stop: (projectId: string) => send<void>('POST', `/projects/${enc(projectId)}/preview/stop`),
    /** A short-lived URL on the preview origin that signs this browser in there and opens `path`. */
    link: (projectId: string, body: { path: string; purpose: 'frame' | 'phone' }) =>
      send<PreviewLinkDto>('POST', `/projects/${enc(projectId)}/preview/link`, { body }),
    /** Output history; `after` is the last `seq` already shown. */
    logs: (projectId: string, after?: number) =>
      send<LogEntryDto[]>('GET', `/projects/${enc(projectId)}/preview/logs`, { query: { after } }),
    /** Who the preview shows the signed-in developer as. */
    persona: (projectId: string) => send<PreviewPersonaDto>('GET', `/projects/${enc(projectId)}/preview/persona`),
    setPersona: (projectId: string, persona: PreviewPersona) =>
      send<PreviewPersonaDto>('PUT', `/projects/${enc(projectId)}/preview/persona`, { body: { persona } }),
    socketUrl: (projectId: string) => socketUrl(`/ws/projects/${enc(projectId)}/preview`),
  },
  apps: {
    list: (tenantId: string) => send<AppDto[]>('GET', '/apps', { query: { tenantId } }),
    /** The app published from a project; a 404 ApiError before its first publish. */
    ofProject: (projectId: string) => send<AppDto>('GET', `/projects/${enc(projectId)}/app`),
    versions: (appId: string) => send<AppVersionDto[]>('GET', `/apps/${enc(appId)}/versions`),
    instances: (appId: string) => send<InstanceDto[]>('GET', `/apps/${enc(appId)}/instances`),
    /** Serves `version` again (default: the previous ready one); resolves once the switch is done. */
    rollback: (appId: string, version?: number) =>
      send<AppDto>('POST', `/apps/${enc(appId)}/rollback`, { body: version === undefined ? {} : { version } }),
    /** Serves a newer ready version (one that was rolled back from). */
    promote: (appId: string, version: number) =>
      send<AppDto>('POST', `/apps/${enc(appId)}/promote`, { body: { version } }),
    /** Publishes the project (its working tree, committed first) and yields the progress as it streams. */
    async *publishProject(projectId: string, body: { message?: string } = {}): AsyncGenerator<PublishEvent> {
      const response = await fetchRaw('POST', `/projects/${enc(projectId)}/publish`, { body });
      if (!response.ok) throw await ApiError.fromResponse(response);
      if (!response.body) throw new Error('The server answered the publish without a body.');
      yield* readNdjson<PublishEvent>(response.body);
    },
  },
  outbox: {
    /** The mail the project's previews and its published app sent, newest first. */
    list: (projectId: string, cursor?: string) =>
      send<OutboxPageDto>('GET', `/projects/${enc(projectId)}/outbox`, { query: { cursor } }),
    /** One mail with its text and HTML. */
    get: (projectId: string, mailId: string) =>
      send<OutboxMailDetailDto>('GET', `/projects/${enc(projectId)}/outbox/${enc(mailId)}`),
  },
  tasks: {
    /** The project's waiting tasks and dead letters (its previews and its published app). */
    list: (projectId: string) => send<ProjectTasksDto>('GET', `/projects/${enc(projectId)}/tasks`),
    /** Runs a dead task again from its first attempt. */
    retry: (projectId: string, taskId: string) =>
      send<{ id: string }>('POST', `/projects/${enc(projectId)}/tasks/${enc(taskId)}/retry`),
  },
  messages: {
    /** The signed-in user's in-platform messages from apps (of one organisation when given), newest first. */
    list: (query: { tenantId?: string; cursor?: string }) => send<UserMessagesPageDto>('GET', '/messages', { query }),
    markRead: (messageId: string) => send<void>('POST', `/messages/${enc(messageId)}/read`),
  },
  services: {
    /** The organisation's service contract: which services its apps may call, and where URL fetch may go. */
    contract: (tenantId: string) => send<ServiceContractDto>('GET', `/tenants/${enc(tenantId)}/contract`),
    /** Operators only. */
    setContract: (tenantId: string, contract: ServiceContractDto) =>
      send<ServiceContractDto>('PUT', `/tenants/${enc(tenantId)}/contract`, { body: contract }),
    /** URL fetch attempts of the organisation's apps, newest first; `before` is the last id already shown. */
    fetchLog: (
      tenantId: string,
      query: { before?: string; outcome?: UrlFetchLogEntryDto['outcome']; limit?: number },
    ) => send<UrlFetchLogEntryDto[]>('GET', `/tenants/${enc(tenantId)}/urlfetch-log`, { query }),
  },
  launcher: {
    /** The mobile launcher: the user's organisations, the chosen one's apps and its push token. */
    get: (tenantId?: string) => send<LauncherDto>('GET', '/launcher', { query: { tenantId } }),
  },
};
