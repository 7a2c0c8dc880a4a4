import type { LogEntryDto } from '../server/protocol/preview';

/** A signed-in API session of the benchmark's operator: the cookie for browsers, CSRF for changes. */
export class ApiSession {
  private constructor(
    readonly baseUrl: string,
    readonly cookie: { name: string; value: string },
    readonly csrfToken: string,
    readonly tenantId: string,
  ) {}

  static async logIn(baseUrl: string, email: string, password: string): Promise<ApiSession> {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseUrl },
      body: JSON.stringify({ email, password }),
    });
    if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const [pair = ''] = (response.headers.getSetCookie()[0] ?? '').split(';');
    const separator = pair.indexOf('=');
    if (separator < 1) throw new Error('login set no session cookie');
    const cookie = { name: pair.slice(0, separator), value: pair.slice(separator + 1) };
    const session = await fetch(`${baseUrl}/api/v1/session`, { headers: { cookie: pair } });
    const { memberships } = (await session.json()) as { memberships: { tenantId: string }[] };
    const tenantId = memberships[0]?.tenantId;
    if (!tenantId) throw new Error('the operator belongs to no tenant');
    return new ApiSession(baseUrl, cookie, csrfToken, tenantId);
  }

  private async post(path: string, body: unknown): Promise<Response> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: `${this.cookie.name}=${this.cookie.value}`,
        'x-csrf-token': this.csrfToken,
        origin: this.baseUrl,
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path} failed: ${response.status} ${await response.text()}`);
    return response;
  }

  /** Creates a project from a template (by default the Python hello world); returns its id. */
  async createProject(name: string, templateId = 'python-hello'): Promise<string> {
    const response = await this.post(`/tenants/${this.tenantId}/projects`, { name, templateId });
    return ((await response.json()) as { id: string }).id;
  }

  /** Stops the project's preview instance (the emulator's Stop). */
  async stopPreview(projectId: string): Promise<void> {
    await this.post(`/projects/${projectId}/preview/stop`, {});
  }

  /** The project's preview log (the Output panel's lines: build, app output, access log). */
  async previewLogs(projectId: string): Promise<LogEntryDto[]> {
    const response = await fetch(`${this.baseUrl}/api/v1/projects/${projectId}/preview/logs`, {
      headers: { cookie: `${this.cookie.name}=${this.cookie.value}` },
    });
    if (!response.ok) throw new Error(`GET preview logs failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as LogEntryDto[];
  }

  /** Ends this user's terminals in the project (what closing it in the IDE does). */
  async closeProject(projectId: string): Promise<void> {
    await this.post(`/projects/${projectId}/close`, {});
  }
}
