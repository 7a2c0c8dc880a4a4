// One archive per app: its configuration, every version's record, their artifacts, the
// source repository (a git bundle) and the production datastore (JSON lines). Reading one back validates it like any upload.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create as createTar } from 'tar';
import { z } from 'zod';
import { invalidInput } from '../core/errors';
import { appManifestSchema, appNameSchema, appRuntimes, type AppManifest } from '../protocol/app-manifest';
import { importArchive } from '../workspace/archive-import';
import { assertRepositorySafe } from '../workspace/git-repository-guard';
import { runGit, type GitRunOptions } from '../workspace/git-runner';
import type { ArtifactStore } from './artifact-store';
import type { AppRow, VersionRow } from './app-records';

/** The backup's index file, at the archive's root. */
export const BACKUP_INDEX = 'slipway-app.json';
const BUNDLE = 'repository.bundle';
/** The app's production datastore: one exported entity (JSON) per line. */
const DATASTORE = 'datastore.jsonl';
const FORMAT = 'slipway-app-backup';

const versionEntrySchema = z.strictObject({
  number: z.int().min(1),
  state: z.enum(['ready', 'failed']),
  health: z.enum(['unknown', 'healthy', 'unhealthy']),
  source: z.enum(['ide', 'cli', 'war', 'import']),
  commit: z
    .string()
    .regex(/^[0-9a-f]{40,64}$/)
    .nullable(),
  artifactHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  manifest: z.unknown(),
  buildLog: z.string().max(4 << 20),
  createdAt: z.string().max(40),
});

const backupIndexSchema = z.strictObject({
  format: z.literal(FORMAT),
  formatVersion: z.literal(1),
  app: z.strictObject({ slug: appNameSchema, title: z.string().min(1).max(80), runtime: z.enum(appRuntimes) }),
  activeVersion: z.int().min(1).nullable(),
  hasRepository: z.boolean(),
  // Backups written before the datastore existed have no such member.
  hasDatastore: z.boolean().default(false),
  versions: z.array(versionEntrySchema).max(10_000),
});

/** A version as a backup holds it. */
export type BackupVersion = Omit<z.output<typeof versionEntrySchema>, 'manifest'> & { manifest: AppManifest };
/** A validated backup, unpacked in `dir`. */
export interface Backup {
  dir: string;
  app: z.output<typeof backupIndexSchema>['app'];
  activeVersion: number | null;
  versions: BackupVersion[];
  /** The git bundle of the app's source repository, when the backup has one. */
  repositoryBundle: string | undefined;
  /** The production datastore's entities, one JSON object per line, when the backup has them. */
  datastoreFile: string | undefined;
  artifactPath(hash: string): string;
}

/** Writes an app's backup as a tar.gz into `file`, staging its parts in `workDir`. */
export async function writeBackup(options: {
  app: AppRow;
  versions: VersionRow[];
  artifacts: ArtifactStore;
  /** The source repository: the project's folder, or a bundle kept from an earlier import. */
  repository: { projectDir: string } | { bundle: string } | undefined;
  /** The app's production datastore entities, written as they stream. */
  datastore?: AsyncIterable<unknown>;
  workDir: string;
  file: string;
}): Promise<void> {
  const { app, versions, workDir } = options;
  await mkdir(path.join(workDir, 'artifacts'), { recursive: true });
  const kept = versions.filter((v) => v.state === 'ready' && v.artifact_hash);
  for (const hash of new Set(kept.map((v) => v.artifact_hash!))) {
    await pipeline(options.artifacts.open(hash), createWriteStream(path.join(workDir, 'artifacts', `${hash}.tar.gz`)));
  }
  const repository = options.repository;
  const bundleFile = path.join(workDir, BUNDLE);
  const hasRepository = !repository
    ? false
    : 'projectDir' in repository
      ? await bundleRepository(repository.projectDir, bundleFile)
      : await copyFile(repository.bundle, bundleFile).then(
          () => true,
          () => false,
        );
  const hasDatastore = options.datastore ? await writeLines(options.datastore, path.join(workDir, DATASTORE)) : false;
  const active = versions.find((v) => v.id === app.active_version_id);
  const index: z.input<typeof backupIndexSchema> = {
    format: FORMAT,
    formatVersion: 1,
    app: { slug: app.slug, title: app.title, runtime: app.runtime as AppManifest['runtime'] },
    activeVersion: active?.number ?? null,
    hasRepository,
    hasDatastore,
    versions: versions
      .filter((v) => v.state !== 'building')
      .map((v) => ({
        number: v.number,
        state: v.state === 'ready' && v.artifact_hash ? 'ready' : 'failed',
        health: v.health as BackupVersion['health'],
        source: v.source as BackupVersion['source'],
        commit: v.commit_sha,
        artifactHash: v.state === 'ready' ? v.artifact_hash : null,
        manifest: JSON.parse(v.manifest) as unknown,
        buildLog: v.build_log,
        createdAt: v.created_at,
      })),
  };
  await writeFile(path.join(workDir, BACKUP_INDEX), JSON.stringify(index, null, 2));
  const names = [BACKUP_INDEX, 'artifacts', ...(hasRepository ? [BUNDLE] : []), ...(hasDatastore ? [DATASTORE] : [])];
  const tar = createTar({ cwd: workDir, gzip: true, portable: true }, names);
  await pipeline(tar as unknown as Readable, createWriteStream(options.file));
}

/** Unpacks and validates a backup (safe unpack, index schema, manifests, artifact files present). */
export async function readBackup(
  body: Readable | Buffer,
  dir: string,
  limits: { maxArchiveBytes: number; maxFileBytes: number; maxEntries: number },
): Promise<Backup> {
  await mkdir(path.join(dir, 'tree'), { recursive: true });
  await importArchive(body, {
    projectRoot: path.join(dir, 'tree'),
    stagingRoot: path.join(dir, 'staging'),
    limits: {
      maxEntries: limits.maxEntries,
      maxFileBytes: limits.maxFileBytes,
      maxProjectBytes: limits.maxArchiveBytes * 4,
      maxArchiveBytes: limits.maxArchiveBytes,
    },
  });
  const root = path.join(dir, 'tree');
  const text = await readFile(path.join(root, BACKUP_INDEX), 'utf8').catch(() => {
    throw invalidInput(`The archive is not an app backup: it has no ${BACKUP_INDEX}.`);
  });
  const index = parseIndex(text);
  const numbers = new Set<number>();
  const versions = index.versions.map((entry) => {
    if (numbers.has(entry.number)) throw invalidInput(`The backup lists version ${entry.number} twice.`);
    numbers.add(entry.number);
    if (entry.state === 'ready' && !entry.artifactHash) {
      throw invalidInput(`Version ${entry.number} of the backup is ready but has no artifact.`);
    }
    const manifest = appManifestSchema.safeParse(entry.manifest);
    if (!manifest.success) throw invalidInput(`Version ${entry.number} of the backup has an invalid slipway.json.`);
    if (manifest.data.runtime !== index.app.runtime) {
      throw invalidInput(`Version ${entry.number} of the backup is not a ${index.app.runtime} app.`);
    }
    return { ...entry, manifest: manifest.data };
  });
  const active = versions.find((v) => v.number === index.activeVersion);
  if (index.activeVersion !== null && active?.state !== 'ready') {
    throw invalidInput('The backup’s active version is not one of its ready versions.');
  }
  const artifactPath = (hash: string) => path.join(root, 'artifacts', `${hash}.tar.gz`);
  const present = new Set(await readdir(path.join(root, 'artifacts')).catch(() => [] as string[]));
  for (const version of versions) {
    if (version.artifactHash && !present.has(`${version.artifactHash}.tar.gz`)) {
      throw invalidInput(`The backup lacks the artifact of version ${version.number}.`);
    }
  }
  const bundle = path.join(root, BUNDLE);
  const hasBundle = (await stat(bundle).catch(() => undefined))?.isFile() ?? false;
  const datastore = path.join(root, DATASTORE);
  const hasDatastore = (await stat(datastore).catch(() => undefined))?.isFile() ?? false;
  if (index.hasDatastore && !hasDatastore)
    throw invalidInput(`The backup lists datastore data but has no ${DATASTORE}.`);
  return {
    dir,
    app: index.app,
    activeVersion: index.activeVersion,
    versions,
    repositoryBundle: index.hasRepository && hasBundle ? bundle : undefined,
    datastoreFile: index.hasDatastore ? datastore : undefined,
    artifactPath,
  };
}

/** Stores a backup's artifact in the store, checking its content against its hash. */
export async function restoreArtifact(
  store: ArtifactStore,
  backup: Backup,
  hash: string,
  maxBytes: number,
): Promise<void> {
  if (await store.has(hash)) return;
  await store.importStream(createReadStream(backup.artifactPath(hash)), hash, maxBytes);
}

function parseIndex(text: string): z.output<typeof backupIndexSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidInput(`${BACKUP_INDEX} is not valid JSON.`);
  }
  const result = backupIndexSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalidInput(`${BACKUP_INDEX}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return result.data;
}

/** Writes one JSON line per item; false (and no file) when there was none. */
async function writeLines(items: AsyncIterable<unknown>, file: string): Promise<boolean> {
  const out = createWriteStream(file);
  let count = 0;
  try {
    for await (const item of items) {
      if (!out.write(`${JSON.stringify(item)}\n`)) await once(out, 'drain');
      count++;
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
  if (count === 0) await rm(file, { force: true });
  return count > 0;
}

/** The entities of a backup's datastore file, parsed line by line (the service checks each). */
export async function* readLines(file: string): AsyncIterable<unknown> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line) as unknown;
    } catch {
      throw invalidInput(`Line ${number} of the backup's ${DATASTORE} is not valid JSON.`);
    }
  }
}

/** Bundles every ref of the project's repository; false when it has no commit yet. */
async function bundleRepository(projectDir: string, file: string): Promise<boolean> {
  const options: GitRunOptions = {
    cwd: projectDir,
    env: { GIT_DIR: path.join(projectDir, '.git'), GIT_WORK_TREE: projectDir },
    config: ['protocol.allow=never'],
    timeoutMs: 120_000,
  };
  try {
    await assertRepositorySafe(projectDir, options);
    await runGit(['bundle', 'create', '--quiet', file, '--all'], options);
    return true;
  } catch {
    return false;
  }
}
