import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { Hono } from 'hono';
import { DomainError } from '../../core/errors';
import { appNameSchema } from '../../protocol/app-manifest';
import type { BackupService } from '../../registry/backup-service';
import type { ApiEnv } from '../api-env';
import { parseWith } from '../request-body';

/** What the backup routes need. */
export interface BackupRouteDeps {
  backups: BackupService;
}

const ARCHIVE_TYPES = new Set(['application/gzip', 'application/x-gzip', 'application/octet-stream']);

/** Exporting an app to one archive, and importing such an archive into a tenant. */
export function backupRoutes(deps: BackupRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  routes.get('/apps/:appId/export', async (c) => {
    const download = await deps.backups.exportApp(c.get('principal'), c.req.param('appId'));
    return c.body(Readable.toWeb(download.stream) as ReadableStream, 200, {
      'content-type': 'application/gzip',
      'content-length': String(download.bytes),
      'content-disposition': `attachment; filename="${download.fileName}"`,
      'cache-control': 'no-store',
    });
  });

  routes.post('/tenants/:tenantId/apps/import', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!ARCHIVE_TYPES.has(type)) throw new DomainError('unsupported', 'Send the app backup as application/gzip.');
    const name = parseWith(appNameSchema.optional(), c.req.query('name'));
    const stream = c.req.raw.body;
    const body = stream ? Readable.fromWeb(stream as NodeReadableStream<Uint8Array>) : Buffer.alloc(0);
    return c.json(await deps.backups.importApp(c.get('principal'), c.req.param('tenantId'), body, name), 201);
  });

  return routes;
}
