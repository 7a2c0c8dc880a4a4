import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { DomainError, invalidInput, isDomainError } from '../../core/errors';
import type { WorkspaceLimits } from '../../config';
import { createFileBodySchema, moveFileBodySchema, type SkippedArchiveEntry } from '../../protocol/files';
import { exportArchive } from '../../workspace/archive-export';
import { importArchive } from '../../workspace/archive-import';
import { contentTag } from '../../workspace/content-tag';
import { ProjectFiles } from '../../workspace/file-service';
import type { ProjectService } from '../../workspace/project-service';
import type { ApiEnv } from '../api-env';
import { parseWith, readBodyBytes, readJson } from '../request-body';

/** What the file routes need. */
export interface FileRouteDeps {
  projects: ProjectService;
  limits: WorkspaceLimits;
  /** Where archive uploads are unpacked before they move into the project (same disk). */
  stagingRoot: string;
}

const pathQuery = z.string().min(1, 'the query parameter "path" is required').max(1024);
const archiveFormat = z.enum(['zip', 'tar.gz']);

/**
 * `If-Match` on a save: the file must still have the content the editor loaded (its entity tag),
 * else 412 with the tag it has now. Checked just before the atomic write: a change landing in
 * between is not caught, a stale editor buffer is.
 */
async function requireUnchanged(files: ProjectFiles, path: string, expected: string): Promise<void> {
  let current: string | null;
  try {
    current = contentTag(await files.read(path));
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'not-found') throw error;
    current = null;
  }
  const accepted = expected.split(',').map((tag) => tag.trim());
  if (current !== null && (accepted.includes(current) || accepted.includes('*'))) return;
  throw new DomainError(
    'precondition-failed',
    current === null
      ? `"${path}" was deleted since it was opened; save again without If-Match to create it anew.`
      : `"${path}" changed since it was opened (in a terminal, by git or in another tab); reload it, or save again without If-Match to overwrite it.`,
    { path, etag: current },
  );
}

/** The project file API: tree, read, write, create, move, delete, upload, download. */
export function fileRoutes(deps: FileRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const filesOf = async (c: Context<ApiEnv>) => {
    const { dir } = await deps.projects.open(c.get('principal'), c.req.param('projectId') ?? '');
    return { dir, files: new ProjectFiles({ root: dir, limits: deps.limits }) };
  };

  routes.get('/projects/:projectId/files', async (c) => c.json(await (await filesOf(c)).files.tree()));

  routes.get('/projects/:projectId/files/content', async (c) => {
    const path = parseWith(pathQuery, c.req.query('path'));
    const data = await (await filesOf(c)).files.read(path);
    const etag = contentTag(data);
    // The editor asks whether an open file changed on disk: unchanged, it gets no body back.
    if (
      c.req
        .header('if-none-match')
        ?.split(',')
        .some((tag) => tag.trim() === etag)
    )
      return c.body(null, 304, { etag, 'cache-control': 'no-store' });
    return c.body(new Uint8Array(data), 200, {
      'content-type': looksLikeText(data) ? 'text/plain; charset=utf-8' : 'application/octet-stream',
      etag,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  });

  routes.put('/projects/:projectId/files/content', async (c) => {
    const path = parseWith(pathQuery, c.req.query('path'));
    const { files } = await filesOf(c);
    const data = await readBodyBytes(c, deps.limits.maxFileBytes);
    const expected = c.req.header('if-match');
    if (expected !== undefined) await requireUnchanged(files, path, expected);
    await files.write(path, data, { create: true, overwrite: true });
    const etag = contentTag(data);
    c.header('etag', etag);
    return c.json({ path, size: data.byteLength, etag });
  });

  routes.post('/projects/:projectId/files', async (c) => {
    const body = await readJson(c, createFileBodySchema, deps.limits.maxFileBytes + 64 * 1024);
    const { files } = await filesOf(c);
    if (body.type === 'directory') await files.createDirectory(body.path);
    else await files.write(body.path, Buffer.from(body.content ?? '', 'utf8'), { create: true, overwrite: false });
    return c.json({ path: body.path, type: body.type }, 201);
  });

  routes.post('/projects/:projectId/files/move', async (c) => {
    const body = await readJson(c, moveFileBodySchema, deps.limits.maxJsonBytes);
    await (await filesOf(c)).files.move(body.from, body.to, { overwrite: body.overwrite ?? false });
    return c.json({ from: body.from, to: body.to });
  });

  routes.delete('/projects/:projectId/files', async (c) => {
    const path = parseWith(pathQuery, c.req.query('path'));
    await (await filesOf(c)).files.remove(path);
    return c.body(null, 204);
  });

  routes.post('/projects/:projectId/files/upload', async (c) => {
    const { dir, files } = await filesOf(c);
    const targetDir = c.req.query('dir') ?? '';
    const uploads = await readUploads(c, deps.limits.maxUploadBytes);
    const written: string[] = [];
    const skipped: SkippedArchiveEntry[] = [];
    for (const upload of uploads.files) {
      if (uploads.extract) {
        const result = await importArchive(upload.data, {
          projectRoot: dir,
          targetDir,
          stagingRoot: deps.stagingRoot,
          limits: { ...deps.limits, maxArchiveBytes: deps.limits.maxUploadBytes },
        });
        written.push(...result.written);
        skipped.push(...result.skipped);
      } else {
        const path = targetDir ? `${targetDir}/${upload.name}` : upload.name;
        await files.write(path, upload.data, { create: true, overwrite: true });
        written.push(path);
      }
    }
    return c.json({ written, skipped }, 201);
  });

  routes.get('/projects/:projectId/archive', async (c) => {
    const format = parseWith(archiveFormat, c.req.query('format') ?? 'zip');
    const { dir } = await filesOf(c);
    const { project } = await deps.projects.open(c.get('principal'), c.req.param('projectId'));
    const archive = exportArchive(dir, format);
    c.header('content-type', format === 'zip' ? 'application/zip' : 'application/gzip');
    c.header('content-disposition', `attachment; filename="${project.name}.${format}"`);
    return stream(c, async (out) => {
      for await (const chunk of archive) await out.write(chunk as Uint8Array);
    });
  });

  return routes;
}

/** Reads a multipart upload: one or more `file` fields and an optional `extract=true`. */
async function readUploads(
  c: Context<ApiEnv>,
  maxBytes: number,
): Promise<{ extract: boolean; files: { name: string; data: Buffer }[] }> {
  if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) {
    throw invalidInput('Upload files as multipart/form-data with one or more "file" fields.');
  }
  const raw = await readBodyBytes(c, maxBytes);
  const form = await new Request('http://upload/', {
    method: 'POST',
    headers: { 'content-type': c.req.header('content-type') ?? '' },
    body: new Uint8Array(raw),
  })
    .formData()
    .catch(() => {
      throw invalidInput('The multipart body could not be parsed.');
    });
  const files: { name: string; data: Buffer }[] = [];
  for (const value of form.getAll('file')) {
    if (typeof value === 'string') throw invalidInput('The "file" field must carry a file.');
    if (!value.name || value.name.includes('/') || value.name.includes('\\')) {
      throw invalidInput(`Invalid upload file name "${value.name}".`);
    }
    files.push({ name: value.name, data: Buffer.from(await value.arrayBuffer()) });
  }
  if (files.length === 0) throw invalidInput('No "file" field in the upload.');
  return { extract: form.get('extract') === 'true', files };
}

/** UTF-8 without NUL bytes in the first 8 KiB is treated as text. */
function looksLikeText(data: Buffer): boolean {
  const head = data.subarray(0, 8192);
  if (head.includes(0)) return false;
  return Buffer.from(head.toString('utf8'), 'utf8').equals(head) || head.length === 8192;
}
