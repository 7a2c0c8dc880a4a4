import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../core/errors';
import { appNameSchema } from '../../protocol/app-manifest';
import { publishProjectBodySchema, type PublishEvent } from '../../protocol/apps';
import type { PublishRun, RegistryService } from '../../registry/registry-service';
import type { ApiEnv } from '../api-env';
import { parseWith, readJson } from '../request-body';

/** What the publish routes need. */
export interface PublishRouteDeps {
  registry: RegistryService;
  maxJsonBytes: number;
}

/** NDJSON: one PublishEvent per line, ending with `done` or `failed`. */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

const UPLOAD_TYPES: Record<string, 'archive' | 'war'> = {
  'application/gzip': 'archive',
  'application/x-gzip': 'archive',
  'application/x-tar': 'archive',
  'application/zip': 'archive',
  'application/octet-stream': 'archive',
  'application/java-archive': 'war',
};

/** Publishing from the IDE (a project) and from `slipway publish` (an uploaded folder or WAR). */
export function publishRoutes(deps: PublishRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  routes.post('/projects/:projectId/publish', async (c) => {
    const body = hasNoBody(c) ? {} : await readJson(c, publishProjectBodySchema, deps.maxJsonBytes);
    const run = await deps.registry.publishProject(c.get('principal'), c.req.param('projectId'), body);
    return streamPublish(c, run);
  });

  routes.post('/tenants/:tenantId/apps/publish', async (c) => {
    const kind = UPLOAD_TYPES[(c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()];
    if (!kind) {
      throw new DomainError(
        'unsupported',
        'Send a tar.gz or zip of the app folder, or a WAR (application/java-archive).',
      );
    }
    const name = parseWith(appNameSchema.optional(), c.req.query('name'));
    const stream = c.req.raw.body;
    const body = stream ? Readable.fromWeb(stream as NodeReadableStream<Uint8Array>) : Buffer.alloc(0);
    const run = await deps.registry.publishUpload(c.get('principal'), c.req.param('tenantId'), {
      body,
      war: kind === 'war',
      ...(name !== undefined ? { name } : {}),
    });
    return streamPublish(c, run);
  });

  return routes;
}

// The publish goes on when the client goes away: its result is in the versions list.
function streamPublish(c: Context<ApiEnv>, run: PublishRun): Response {
  const encoder = new TextEncoder();
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: PublishEvent) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch {
          open = false;
        }
      };
      void run.run(send).finally(() => {
        if (open) controller.close();
        open = false;
      });
    },
    cancel() {
      open = false;
    },
  });
  return c.body(stream, 200, { 'content-type': NDJSON_CONTENT_TYPE, 'cache-control': 'no-store' });
}

/** Query flag parser shared with the app routes (`?follow=1`). */
export const flagSchema = z
  .enum(['0', '1', 'true', 'false'])
  .optional()
  .transform((value) => value === '1' || value === 'true');

/** A POST without a body (no content type, nothing to read) means "all defaults". */
export function hasNoBody(c: Context): boolean {
  return c.req.header('content-length') === '0' || (!c.req.header('content-type') && c.req.raw.body === null);
}
