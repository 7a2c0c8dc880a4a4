// Content-addressed artifacts: a version's build output packed as a deterministic tar.gz, stored
// under its sha256, and unpacked once (read-only files) for the instances that serve it.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create as createTar } from 'tar';
import { DomainError, invalidInput, notFound } from '../core/errors';
import { newId } from '../identity/tokens';
import { importArchive } from '../workspace/archive-import';
import type { ProjectLimits } from '../workspace/project-limits';
import { walkProject } from '../workspace/project-walk';

/** A stored artifact: its content address and size. */
export interface StoredArtifact {
  hash: string;
  bytes: number;
}

const HASH_PATTERN = /^[0-9a-f]{64}$/;
// Every entry gets this mtime, so the same build output always packs to the same bytes (and hash).
const FIXED_MTIME = new Date(0);

/** Artifacts under `<root>/sha256/<hash>.tar.gz`, unpacked under `<root>/unpacked/<hash>/`. */
export class ArtifactStore {
  private readonly unpacking = new Map<string, Promise<string>>();

  constructor(
    private readonly root: string,
    /** Limits of an artifact's content when it is unpacked (the same as a project's). */
    private readonly limits: ProjectLimits,
  ) {}

  /** Removes temporary files and half-unpacked folders a crash left behind. */
  async recover(): Promise<void> {
    for (const dir of [this.archiveDir, this.unpackedDir]) {
      await mkdir(dir, { recursive: true });
      for (const name of await readdir(dir)) {
        if (name.startsWith('.')) await rm(path.join(dir, name), { recursive: true, force: true });
      }
    }
  }

  /** Packs a folder's regular files and directories (symlinks and special files are left out). */
  async pack(dir: string, log: (line: string) => void = () => undefined): Promise<StoredArtifact> {
    const realDir = await realpath(dir);
    const entries = await walkProject(realDir, { maxEntries: this.limits.maxEntries });
    const names: string[] = [];
    for (const entry of entries) {
      if (entry.type === 'file' || entry.type === 'directory') names.push(entry.path);
      else log(`package: left out ${entry.type} "${entry.path}"`);
    }
    await mkdir(this.archiveDir, { recursive: true });
    const temp = path.join(this.archiveDir, `.pack-${newId()}.tar.gz`);
    try {
      const tar = createTar(
        { cwd: realDir, gzip: true, portable: true, mtime: FIXED_MTIME, noDirRecurse: true, follow: false },
        names,
      );
      await pipeline(tar as unknown as Readable, createWriteStream(temp, { mode: 0o444 }));
      return await this.adopt(temp);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Stores an archive received from elsewhere (a backup) and checks it has the expected hash. */
  async importStream(source: Readable, expectedHash: string, maxBytes: number): Promise<StoredArtifact> {
    assertHash(expectedHash);
    await mkdir(this.archiveDir, { recursive: true });
    const temp = path.join(this.archiveDir, `.import-${newId()}.tar.gz`);
    try {
      let total = 0;
      const limited = Readable.from(
        (async function* () {
          for await (const chunk of source as AsyncIterable<Buffer>) {
            total += chunk.length;
            if (total > maxBytes) {
              throw new DomainError('too-large', `an artifact is larger than ${maxBytes} bytes`, { limit: maxBytes });
            }
            yield chunk;
          }
        })(),
      );
      await pipeline(limited, createWriteStream(temp, { mode: 0o444 }));
      const stored = await this.adopt(temp);
      if (stored.hash !== expectedHash) {
        await this.remove(stored.hash).catch(() => undefined);
        throw invalidInput(`an artifact's content does not match its hash ${expectedHash}`, { hash: expectedHash });
      }
      return stored;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Whether an artifact is stored. */
  async has(hash: string): Promise<boolean> {
    assertHash(hash);
    return (await stat(this.archivePath(hash)).catch(() => undefined))?.isFile() ?? false;
  }

  /** The stored archive as a stream (for backups). */
  open(hash: string): Readable {
    assertHash(hash);
    return createReadStream(this.archivePath(hash));
  }

  /** The artifact's unpacked folder (files read-only), unpacking it the first time; checks its hash. */
  unpacked(hash: string): Promise<string> {
    assertHash(hash);
    let running = this.unpacking.get(hash);
    if (!running) {
      running = this.unpackOnce(hash).finally(() => this.unpacking.delete(hash));
      this.unpacking.set(hash, running);
    }
    return running;
  }

  /** Deletes an artifact and its unpacked folder (the caller knows no version refers to it). */
  async remove(hash: string): Promise<void> {
    assertHash(hash);
    await rm(path.join(this.unpackedDir, hash), { recursive: true, force: true });
    await rm(this.archivePath(hash), { force: true });
  }

  /** Hashes of every stored artifact (to collect the unreferenced ones). */
  async list(): Promise<string[]> {
    const names = await readdir(this.archiveDir).catch(() => [] as string[]);
    return names.map((name) => name.replace(/\.tar\.gz$/, '')).filter((name) => HASH_PATTERN.test(name));
  }

  private get archiveDir(): string {
    return path.join(this.root, 'sha256');
  }

  private get unpackedDir(): string {
    return path.join(this.root, 'unpacked');
  }

  private archivePath(hash: string): string {
    return path.join(this.archiveDir, `${hash}.tar.gz`);
  }

  /** Hashes a finished temp file and renames it to its content address (an existing copy wins). */
  private async adopt(temp: string): Promise<StoredArtifact> {
    const hash = await sha256Of(temp);
    const bytes = (await stat(temp)).size;
    await rename(temp, this.archivePath(hash));
    return { hash, bytes };
  }

  private async unpackOnce(hash: string): Promise<string> {
    const target = path.join(this.unpackedDir, hash);
    if (await stat(target).catch(() => undefined)) return target;
    if (!(await this.has(hash))) throw notFound(`artifact ${hash} is not stored`, { hash });
    if ((await sha256Of(this.archivePath(hash))) !== hash) {
      throw new DomainError('failed-dependency', `artifact ${hash} is damaged: its content no longer matches`, {
        hash,
      });
    }
    const staging = path.join(this.unpackedDir, `.unpack-${newId()}`);
    await mkdir(path.join(staging, 'tree'), { recursive: true });
    try {
      // The safe unpacker (no traversal, no links, size limits): a restored backup's archive is untrusted.
      await importArchive(createReadStream(this.archivePath(hash)), {
        projectRoot: path.join(staging, 'tree'),
        stagingRoot: path.join(staging, 'work'),
        limits: { ...this.limits, maxArchiveBytes: this.limits.maxProjectBytes },
      });
      await makeFilesReadOnly(path.join(staging, 'tree'));
      await rename(path.join(staging, 'tree'), target);
      return target;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}

/** Refuses anything that is not a lowercase sha256 hex digest (it becomes a file name). */
export function assertHash(hash: string): void {
  if (!HASH_PATTERN.test(hash)) throw invalidInput('an artifact hash is 64 lowercase hex digits', { hash });
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

// Directories stay writable by the platform so the folder can be deleted with its version.
async function makeFilesReadOnly(root: string): Promise<void> {
  for (const entry of await walkProject(root, { skipGit: false })) {
    if (entry.type === 'file') await chmod(path.join(root, entry.path), entry.stat.mode & 0o111 ? 0o555 : 0o444);
  }
}
