import type { PublishEvent } from '../../server/protocol/apps';

const STAGE_MARK = { started: '▸', done: '✓', failed: '✗' } as const;

/** The lines a person sees for one publish event (stages, build log, outcome). */
export function renderPublishEvent(event: PublishEvent): string[] {
  switch (event.type) {
    case 'stage':
      return [`${STAGE_MARK[event.state]} ${event.stage}${event.detail ? `: ${event.detail}` : ''}`];
    case 'log':
      return event.line.split('\n').map((line) => `    ${line}`);
    case 'done':
      return [`Published ${event.app.slug} v${event.version.number}: ${event.app.url}`];
    case 'failed':
      return [`Publish failed at ${event.stage}: ${event.detail}`, 'Nothing that serves was changed.'];
  }
}

/** What `publish --json` prints on success: one object scripts can rely on. */
export function publishResultJson(event: Extract<PublishEvent, { type: 'done' }>): Record<string, unknown> {
  return {
    ok: true,
    url: event.app.url,
    version: event.version.number,
    appId: event.app.id,
    app: event.app.slug,
    tenantId: event.app.tenantId,
    versionId: event.version.id,
    operationId: event.operation.id,
    artifactHash: event.version.artifactHash,
  };
}

/** A slug the registry accepts, made from a folder or file name: lowercase, digits, dashes. */
export function slugFrom(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug.length >= 2 ? slug : `app-${slug}`.replace(/-$/, '');
}
