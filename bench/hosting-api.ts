import type { AppDto, AppLogLineDto, InstanceDto, PublishEvent, PublishStage } from '../server/protocol/apps';
import type { SessionDto } from '../server/protocol/identity';
import type { ApiSession } from './api-session';

/** One line of a publish stream and when it arrived (ms after the request started). */
export interface TimedPublishEvent {
  atMs: number;
  event: PublishEvent;
}

/** A publish as the operator saw it: when it started (`performance.now()`), its events, the app. */
export interface PublishRun {
  startedAt: number;
  events: TimedPublishEvent[];
  /** When the stream's `done` line arrived, ms after the start. */
  doneMs: number;
  app: AppDto;
}

/** The manifest fields the benchmark changes between publishes. */
export interface ManifestChanges {
  name?: string;
  access?: 'public' | 'tenant';
  scaling?: { min: number; max: number; idleSeconds: number };
  env?: Record<string, string>;
}

/** The publish, app and file routes of the API, used as the operator's session. */
export class HostingApi {
  constructor(readonly session: ApiSession) {}

  private headers(json: boolean): Record<string, string> {
    const { session } = this;
    return {
      ...(json ? { 'content-type': 'application/json' } : {}),
      cookie: `${session.cookie.name}=${session.cookie.value}`,
      'x-csrf-token': session.csrfToken,
      origin: session.baseUrl,
    };
  }

  private async call(method: string, path: string, body?: string, json = true): Promise<Response> {
    const response = await fetch(`${this.session.baseUrl}/api/v1${path}`, {
      method,
      headers: this.headers(json),
      ...(body === undefined ? {} : { body }),
    });
    if (!response.ok) throw new Error(`${method} ${path} failed: ${response.status} ${await response.text()}`);
    return response;
  }

  /** Rewrites the project's slipway.json with `changes` merged in (what an edit in the IDE saves). */
  async editManifest(projectId: string, changes: ManifestChanges): Promise<void> {
    const path = `/projects/${projectId}/files/content?path=slipway.json`;
    const manifest = JSON.parse(await (await this.call('GET', path)).text()) as Record<string, unknown>;
    await this.call('PUT', path, JSON.stringify({ ...manifest, ...changes }, null, 2), false);
  }

  /** Saves a project file (PUT files/content), as the editor does. */
  async writeFile(projectId: string, filePath: string, text: string): Promise<void> {
    await this.call('PUT', `/projects/${projectId}/files/content?path=${encodeURIComponent(filePath)}`, text, false);
  }

  /** POST /projects/:id/publish, reading the NDJSON stream line by line as it arrives. */
  async publish(projectId: string, message: string): Promise<PublishRun> {
    const startedAt = performance.now();
    const response = await this.call('POST', `/projects/${projectId}/publish`, JSON.stringify({ message }));
    if (!response.body) throw new Error('the publish answered without a body');
    const events: TimedPublishEvent[] = [];
    const decoder = new TextDecoder();
    let pending = '';
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const atMs = performance.now() - startedAt;
      pending += decoder.decode(value, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) events.push({ atMs, event: JSON.parse(line) as PublishEvent });
    }
    const last = events.at(-1);
    if (last?.event.type === 'failed') {
      throw new Error(`publish failed at ${last.event.stage}: ${last.event.detail}`);
    }
    if (last?.event.type !== 'done') throw new Error('the publish stream ended without done');
    return { startedAt, events, doneMs: last.atMs, app: last.event.app };
  }

  /** The slug of the operator's tenant (app hosts are `<app>.<tenant slug>.<apps domain>`). */
  async tenantSlug(): Promise<string> {
    const session = (await (await this.call('GET', '/session')).json()) as SessionDto;
    const membership = session.memberships.find((m) => m.tenantId === this.session.tenantId);
    if (!membership) throw new Error('the operator is not a member of its tenant');
    return membership.tenantSlug;
  }

  /** The app's recent log lines (`GET /apps/:id/logs`, without follow: the stream ends). */
  async logs(appId: string): Promise<AppLogLineDto[]> {
    const text = await (await this.call('GET', `/apps/${appId}/logs`)).text();
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as AppLogLineDto);
  }

  async instances(appId: string): Promise<InstanceDto[]> {
    return (await (await this.call('GET', `/apps/${appId}/instances`)).json()) as InstanceDto[];
  }

  /** The instances that serve (ready) of the app's active version. */
  async readyInstances(app: AppDto): Promise<InstanceDto[]> {
    const instances = await this.instances(app.id);
    return instances.filter((instance) => instance.state === 'ready' && instance.version === app.activeVersion);
  }
}

/** Duration of each stage of a publish (from its `started` to its `done` line), in stream order. */
export function stageDurations(run: PublishRun): Map<PublishStage, number> {
  const started = new Map<PublishStage, number>();
  const durations = new Map<PublishStage, number>();
  for (const { atMs, event } of run.events) {
    if (event.type !== 'stage') continue;
    if (event.state === 'started') started.set(event.stage, atMs);
    else if (event.state === 'done') durations.set(event.stage, atMs - (started.get(event.stage) ?? atMs));
  }
  return durations;
}
