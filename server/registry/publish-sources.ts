// Where a publish gets its files: a commit of a project (checked out clean, without anything the
// working tree adds), or an upload from `slipway publish` (a folder's tar.gz or zip, or a WAR).
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { conflict, DomainError, invalidInput } from '../core/errors';
import { appManifestFileName, parseAppManifest, type AppManifest } from '../protocol/app-manifest';
import { importArchive } from '../workspace/archive-import';
import { ProjectGit, type GitAuthor } from '../workspace/git-service';
import { assertRepositorySafe } from '../workspace/git-repository-guard';
import { GitCommandError, runGit, type GitRunOptions } from '../workspace/git-runner';
import type { ProjectLimits } from '../workspace/project-limits';

/** A folder ready to build, with its validated manifest. */
export interface PreparedSource {
  dir: string;
  manifest: AppManifest;
  /** The commit it was taken from (IDE publishes). */
  commit: string | null;
  /** True when the folder is already a built web app (a WAR): the build stage only checks it. */
  prebuilt: boolean;
}

/** Size limits of what a publish unpacks. */
export interface SourceLimits extends ProjectLimits {
  /** Bytes of an upload as sent (compressed). */
  maxUploadBytes: number;
}

/**
 * Commits the working tree as `author` (or takes `commit` when given) and returns the commit hash.
 * A clean working tree publishes HEAD.
 */
export async function commitForPublish(
  projectDir: string,
  request: { commit?: string; message?: string; author: GitAuthor },
): Promise<string> {
  if (request.commit) return resolveCommit(projectDir, request.commit);
  try {
    return await new ProjectGit(projectDir).commit({ message: request.message ?? 'Publish', author: request.author });
  } catch (error) {
    if (!(error instanceof DomainError && error.data.reason === 'nothing-to-commit')) throw error;
    const [head] = await new ProjectGit(projectDir).log({ limit: 1 });
    if (!head) throw conflict('The project has no commit to publish.');
    return head.hash;
  }
}

/** The full hash of a commit of the project; an unknown one is invalid input. */
export async function resolveCommit(projectDir: string, commit: string): Promise<string> {
  const output = await git(
    projectDir,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${commit}^{commit}`],
    [0, 1],
  );
  const hash = output.trim();
  if (!/^[0-9a-f]{40,64}$/.test(hash)) throw invalidInput(`The project has no commit ${commit}.`, { commit });
  return hash;
}

/** Reads slipway.json as it is in a commit (to name the app before the publish runs). */
export async function manifestAtCommit(projectDir: string, commit: string): Promise<AppManifest> {
  const text = await git(projectDir, ['show', '--no-textconv', `${commit}:${appManifestFileName}`], [0, 128]);
  if (text === '') throw invalidInput(`The commit has no ${appManifestFileName} at its root.`);
  return parseAppManifest(text);
}

/** Writes the commit's files (no .git, nothing untracked) into `targetDir`, within the limits. */
export async function checkoutCommit(
  projectDir: string,
  commit: string,
  targetDir: string,
  limits: ProjectLimits,
): Promise<PreparedSource> {
  await mkdir(targetDir, { recursive: true });
  const archive = `${targetDir}.tar`;
  try {
    await git(projectDir, ['archive', '--format=tar', '-o', archive, '--end-of-options', commit]);
    await importArchive(createReadStream(archive), {
      projectRoot: targetDir,
      stagingRoot: `${targetDir}.staging`,
      limits: { ...limits, maxArchiveBytes: limits.maxProjectBytes * 2 },
    });
  } finally {
    await rm(archive, { force: true });
    await rm(`${targetDir}.staging`, { recursive: true, force: true });
  }
  return { dir: targetDir, manifest: await readManifest(targetDir), commit, prebuilt: false };
}

/**
 * Unpacks an upload into `targetDir`: a folder with slipway.json at its root (or inside its only
 * top-level folder), or a WAR (a zip with WEB-INF/ and no slipway.json), which needs `name`.
 */
export async function unpackUpload(
  body: Readable | Buffer,
  targetDir: string,
  options: { name?: string; limits: SourceLimits },
): Promise<PreparedSource> {
  await mkdir(targetDir, { recursive: true });
  await importArchive(body, {
    projectRoot: targetDir,
    stagingRoot: `${targetDir}.staging`,
    limits: { ...options.limits, maxArchiveBytes: options.limits.maxUploadBytes },
  }).finally(() => rm(`${targetDir}.staging`, { recursive: true, force: true }));
  const root = await appRoot(targetDir);
  if (await isFile(path.join(root, appManifestFileName))) {
    const manifest = await readManifest(root);
    if (options.name !== undefined && options.name !== manifest.name) {
      throw invalidInput(
        `The upload's ${appManifestFileName} names the app "${manifest.name}", not "${options.name}".`,
      );
    }
    return { dir: root, manifest, commit: null, prebuilt: false };
  }
  if (await isDirectory(path.join(root, 'WEB-INF')))
    return { dir: root, manifest: warManifest(options.name), commit: null, prebuilt: true };
  throw invalidInput(
    `The upload has no ${appManifestFileName} at its root and is not a web application archive (no WEB-INF/).`,
  );
}

function warManifest(name: string | undefined): AppManifest {
  if (name === undefined) throw invalidInput('A WAR upload needs the app name (?name=…).');
  return parseAppManifest(JSON.stringify({ name, runtime: 'java', kind: 'servlet' }));
}

// `tar czf app.tgz my-app` wraps everything in one folder: look inside it.
async function appRoot(dir: string): Promise<string> {
  const names = await readdir(dir);
  if (names.length !== 1 || names[0] === appManifestFileName || names[0] === 'WEB-INF') return dir;
  const only = path.join(dir, names[0]!);
  return (await isDirectory(only)) ? only : dir;
}

async function readManifest(dir: string): Promise<AppManifest> {
  const file = path.join(dir, appManifestFileName);
  if (!(await isFile(file))) throw invalidInput(`The app has no ${appManifestFileName} at its root.`);
  return parseAppManifest(await readFile(file, 'utf8'));
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

async function isDirectory(dir: string): Promise<boolean> {
  return (await stat(dir).catch(() => undefined))?.isDirectory() ?? false;
}

async function git(projectDir: string, args: string[], okExitCodes: number[] = [0]): Promise<string> {
  const options: GitRunOptions = {
    cwd: projectDir,
    env: { GIT_DIR: path.join(projectDir, '.git'), GIT_WORK_TREE: projectDir },
    config: ['protocol.allow=never'],
    okExitCodes,
  };
  await assertRepositorySafe(projectDir, options);
  try {
    return await runGit(args, options);
  } catch (error) {
    if (error instanceof GitCommandError) {
      throw new DomainError('failed-dependency', `git ${args[0] ?? ''} failed: ${error.stderr.trim()}`, {
        exitCode: error.exitCode,
      });
    }
    throw error;
  }
}
