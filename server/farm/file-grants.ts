// The kubernetes driver's pods download their files (the artifact, the runtime's files) from the
// platform with no session: the URL carries a signed, short-lived grant naming one host path,
// so the download endpoint serves only what the farm handed out (decision 010).
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { create as createTar } from 'tar';
import { DomainError, invalidInput, notFound } from '../core/errors';
import { SignedTokens } from '../identity/signed-tokens';
import { walkProject } from '../workspace/project-walk';

/** What a verified grant allows: downloading `hostPath` for one instance until `expiresAt`. */
export interface FileGrant {
  hostPath: string;
  instanceId: string;
  expiresAt: Date;
}

/** How long a grant lives unless told otherwise: a pod that is replaced later needs it again. */
export const FILE_GRANT_TTL_MS = 24 * 60 * 60 * 1000;

/** The secret's file under the data dir. */
export function fileGrantKeyFile(dataDir: string): string {
  return path.join(dataDir, 'farm', 'file-grants.key');
}

interface GrantPayload {
  /** Absolute host path. */
  p: string;
  /** Instance id. */
  i: string;
  /** Expiry, Unix seconds. */
  e: number;
}

/**
 * Signs and verifies download grants: `v1.<payload>.<mac>`, the payload base64url JSON, the
 * MAC an HMAC-SHA256 under a per-installation secret kept in the data dir (mode 0600, created
 * atomically the first time a grant is signed).
 */
export class FileGrants {
  private readonly tokens: SignedTokens;

  constructor(
    keyFile: string,
    private readonly now: () => number = Date.now,
  ) {
    // Binds the MAC to this use, so the secret can never vouch for another kind of token.
    this.tokens = new SignedTokens(keyFile, 'v1', 'slipway-farm-files-v1\n', false);
  }

  /** A token granting `hostPath` (absolute) to `instanceId` for `ttlMs`. */
  async sign(grant: { hostPath: string; instanceId: string }, ttlMs: number = FILE_GRANT_TTL_MS): Promise<string> {
    if (!path.isAbsolute(grant.hostPath))
      throw invalidInput(`a file grant needs an absolute path, got "${grant.hostPath}"`);
    const payload: GrantPayload = {
      p: path.resolve(grant.hostPath),
      i: grant.instanceId,
      e: Math.floor((this.now() + ttlMs) / 1000),
    };
    return this.tokens.sign(payload);
  }

  /**
   * The grant a token carries. Throws not-found for something that is not a grant at all,
   * unauthenticated for a grant this installation did not sign (or altered) and for an expired one.
   */
  async verify(token: string): Promise<FileGrant> {
    const opened = await this.tokens.open(token);
    if ('fault' in opened && opened.fault === 'malformed')
      throw notFound('This is not a farm download link: it has no signed grant in the expected form.');
    if ('fault' in opened)
      throw new DomainError(
        'unauthenticated',
        'This download link was not signed by this installation, or it was altered after signing.',
      );
    const payload = parsePayload(opened.payload);
    if (!payload) throw notFound('This download link is signed but its grant cannot be read.');
    const expiresAt = new Date(payload.e * 1000);
    if (expiresAt.getTime() <= this.now())
      throw new DomainError(
        'unauthenticated',
        `This download link expired at ${expiresAt.toISOString()}; restart the instance to hand out a new one.`,
      );
    return { hostPath: payload.p, instanceId: payload.i, expiresAt };
  }
}

function parsePayload(payload: unknown): GrantPayload | undefined {
  const value = payload as Partial<GrantPayload> | null;
  if (
    typeof value?.p === 'string' &&
    path.isAbsolute(value.p) &&
    typeof value.i === 'string' &&
    typeof value.e === 'number' &&
    Number.isInteger(value.e)
  )
    return { p: value.p, i: value.i, e: value.e };
  return undefined;
}

/**
 * A granted path as a gzip'd tar: a folder's regular files and folders at the archive's root
 * (links and special files inside it are left out, never followed; `.git` is skipped), or a
 * single file as one entry named after the granted path. The grant's own path may be a link
 * (a Debian jar in /usr/share/java): it was handed out as is, so its target is served.
 */
export async function packGrantedPath(hostPath: string, maxEntries = 100_000): Promise<Readable> {
  const missing = () => notFound('The granted files no longer exist on the platform.');
  const real = await realpath(hostPath).catch(() => undefined);
  const stats = real ? await stat(real).catch(() => undefined) : undefined;
  if (!real || !stats) throw missing();
  const common = { gzip: true, portable: true, noDirRecurse: true } as const;
  if (stats.isFile()) {
    // `follow` applies to this one entry only: the granted path itself.
    const isLink = (await lstat(hostPath)).isSymbolicLink();
    const tar = createTar({ ...common, cwd: path.dirname(hostPath), follow: isLink }, [path.basename(hostPath)]);
    return Readable.from(tar as AsyncIterable<Buffer>);
  }
  if (!stats.isDirectory()) throw missing();
  const entries = await walkProject(real, { maxEntries });
  const names = entries.filter((entry) => entry.type === 'file' || entry.type === 'directory').map((e) => e.path);
  // node-tar refuses an empty list: an empty folder is two zero blocks.
  if (names.length === 0) return Readable.from([gzipSync(Buffer.alloc(1024))]);
  const tar = createTar({ ...common, cwd: real, follow: false }, names);
  return Readable.from(tar as AsyncIterable<Buffer>);
}
