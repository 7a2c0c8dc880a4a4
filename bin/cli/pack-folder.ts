import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { create } from 'tar';
import { CliError } from './cli-errors';

/** What `slipway publish` uploads: the bytes, their content type, and a name suggestion. */
export interface PublishUpload {
  bytes: Uint8Array;
  contentType: 'application/gzip' | 'application/java-archive' | 'application/zip';
  /** From slipway.json's `name`, or the file's name for a WAR/zip; null when neither says. */
  suggestedName: string | null;
  /** What was packed, for messages. */
  description: string;
}

/**
 * Folder names never uploaded, wherever they appear: version control, dependency caches that
 * the platform rebuilds or that do not run on it, and build output the registry makes itself.
 */
export const EXCLUDED_NAMES: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.venv',
  'target',
  'build',
  '.gradle',
  '.idea',
  '.vscode',
  '.DS_Store',
]);

/** `.config/slipway` holds the CLI's own token when HOME is the project (the IDE terminal). */
const EXCLUDED_PATHS: ReadonlySet<string> = new Set(['.config/slipway']);

/** Whether a path inside the folder (relative, `/`-separated) is left out of the upload. */
export function isExcluded(relativePath: string): boolean {
  const parts = relativePath.split('/').filter((p) => p && p !== '.');
  if (parts.some((p) => EXCLUDED_NAMES.has(p) || p.endsWith('.pyc'))) return true;
  return parts.some((_, i) => EXCLUDED_PATHS.has(parts.slice(0, i + 1).join('/')));
}

/** Reads a `.war`/`.zip` as is, or packs a folder that has slipway.json into a tar.gz. */
export async function preparePublishUpload(target: string): Promise<PublishUpload> {
  const info = await stat(target).catch(() => null);
  if (!info) throw new CliError(`${target} does not exist.`);
  if (info.isFile()) return readArchive(target);
  if (!info.isDirectory()) throw new CliError(`${target} is neither a folder nor a .war/.zip file.`);
  const manifest = await readManifestName(target);
  return {
    bytes: await packFolder(target),
    contentType: 'application/gzip',
    suggestedName: manifest,
    description: `folder ${target}`,
  };
}

/** Packs a folder into a gzipped tar with paths relative to it, skipping {@link isExcluded} paths. */
export async function packFolder(dir: string): Promise<Uint8Array> {
  const entries = (await readdir(dir)).filter((name) => !isExcluded(name)).sort();
  const chunks: Buffer[] = [];
  const stream = create(
    {
      gzip: true,
      cwd: dir,
      portable: true, // no uid/gid/user names of this machine in the archive
      filter: (entryPath) => !isExcluded(entryPath),
    },
    entries,
  );
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function readManifestName(dir: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'slipway.json'), 'utf8');
  } catch {
    throw new CliError(`${dir} has no slipway.json: publish a folder with one, or a .war file with --name.`);
  }
  try {
    const manifest = JSON.parse(text) as { name?: unknown };
    return typeof manifest.name === 'string' ? manifest.name : null;
  } catch (error) {
    throw new CliError(`${path.join(dir, 'slipway.json')} is not valid JSON: ${(error as Error).message}`);
  }
}

async function readArchive(file: string): Promise<PublishUpload> {
  const extension = path.extname(file).toLowerCase();
  if (extension !== '.war' && extension !== '.zip') {
    throw new CliError(`${file}: only folders, .war and .zip files can be published.`);
  }
  return {
    bytes: await readFile(file),
    contentType: extension === '.war' ? 'application/java-archive' : 'application/zip',
    suggestedName: path.basename(file, extension),
    description: `${extension.slice(1).toUpperCase()} ${file}`,
  };
}
