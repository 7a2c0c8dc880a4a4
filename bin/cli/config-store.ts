import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { CliError } from './cli-errors';

/** Environment variables as the CLI reads them (not Node's ProcessEnv, which Next's types narrow). */
export type CliEnv = Readonly<Record<string, string | undefined>>;

/** What `slipway login` saves: where the platform is and the API token to use there. */
export interface SavedConfig {
  url: string;
  token: string;
  /** Who the token belongs to, for messages only. */
  email?: string;
}

/** The server and token a command uses, after environment overrides. */
export interface Connection {
  url: string;
  token: string;
}

/** `$XDG_CONFIG_HOME/slipway/config.json`, else `~/.config/slipway/config.json`. */
export function configPath(env: CliEnv): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'slipway', 'config.json');
}

/** Reads the saved config; null when there is none yet. A damaged file is an error, not "none". */
export async function readConfig(file: string): Promise<SavedConfig | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as Partial<SavedConfig>;
    if (typeof value.url !== 'string' || typeof value.token !== 'string') throw new Error('url or token missing');
    return { url: value.url, token: value.token, ...(typeof value.email === 'string' ? { email: value.email } : {}) };
  } catch (error) {
    throw new CliError(`${file} is damaged (${(error as Error).message}); run \`slipway login\` again.`);
  }
}

/**
 * Saves the config atomically and privately: the token is a credential, so the file is created
 * 0600 (in a 0700 folder) before any byte is written, and replaces the old one by rename, so a
 * crash never leaves a half-written or world-readable file.
 */
export async function writeConfig(file: string, config: SavedConfig): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // In the IDE terminal HOME is the project, a git work tree the IDE's Publish commits: a
  // `.gitignore` of `*` keeps the token (and itself) out of it. Harmless anywhere else.
  await writeFile(path.join(dir, '.gitignore'), '*\n', { flag: 'wx', mode: 0o600 }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  const temp = path.join(dir, `.config.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(temp, 0o600); // a umask cannot widen it, but an odd filesystem might ignore `mode`
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new CliError(`Cannot save ${file}: ${(error as Error).message}`);
  }
}

/** The connection to use: SLIPWAY_URL / SLIPWAY_TOKEN win over the saved config. */
export function resolveConnection(saved: SavedConfig | null, env: CliEnv): Connection {
  const url = env.SLIPWAY_URL || saved?.url;
  const token = env.SLIPWAY_TOKEN || saved?.token;
  if (!url) throw new CliError('No server known: run `slipway login --url URL …` or set SLIPWAY_URL.');
  if (!token) {
    throw new CliError(`Not logged in to ${url}: run \`slipway login --url ${url} --email E --password P\`.`);
  }
  return { url: normaliseUrl(url), token };
}

/** Checks and trims a server URL: http(s) only, no trailing slash. */
export function normaliseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`"${raw}" is not a URL (expected e.g. http://localhost:3000).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`"${raw}" must start with http:// or https://.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
