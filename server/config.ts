import path from 'node:path';
import { parseArgs } from 'node:util';

/** Everything the platform reads from its environment and command line, read once at start. */
export interface PlatformConfig {
  host: string;
  port: number;
  dataDir: string;
  publicUrl: URL;
  databaseUrl: string | undefined;
  admin: { email: string; password: string | undefined };
  dev: boolean;
  templatesDir: string;
  limits: WorkspaceLimits;
  terminalGraceMs: number;
  /** Host suffix of preview origins: `<projectId>.<previewDomain>` must resolve to this server. */
  previewDomain: string;
  /** Lets project imports clone from loopback/private addresses (an on-premises git server). */
  gitAllowPrivateHosts: boolean;
}

/** Size limits for project files, uploads and request bodies. */
export interface WorkspaceLimits {
  maxFileBytes: number;
  maxProjectBytes: number;
  maxEntries: number;
  maxUploadBytes: number;
  maxJsonBytes: number;
}

const DEFAULT_LIMITS: WorkspaceLimits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxProjectBytes: 200 * 1024 * 1024,
  maxEntries: 20_000,
  maxUploadBytes: 50 * 1024 * 1024,
  maxJsonBytes: 1024 * 1024,
};

/** Flags win over environment variables, which win over the embedded defaults. */
export function readConfig(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  repoRoot: string,
): PlatformConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'public-url': { type: 'string' },
      dev: { type: 'boolean' },
    },
    strict: true,
  });
  const port = parsePort(values.port ?? env.PORT ?? '3000');
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  const publicUrl = new URL(values['public-url'] ?? env.SLIPWAY_PUBLIC_URL ?? `http://localhost:${port}`);
  return {
    host,
    port,
    dataDir: path.resolve(values['data-dir'] ?? env.SLIPWAY_DATA_DIR ?? path.join(repoRoot, 'data')),
    publicUrl,
    databaseUrl: env.DATABASE_URL || undefined,
    admin: {
      email: env.SLIPWAY_ADMIN_EMAIL ?? 'admin@slipway.localhost',
      password: env.SLIPWAY_ADMIN_PASSWORD || undefined,
    },
    dev: values.dev ?? false,
    templatesDir: path.join(repoRoot, 'templates'),
    limits: DEFAULT_LIMITS,
    terminalGraceMs: 60_000,
    previewDomain: env.SLIPWAY_PREVIEW_DOMAIN ?? 'preview.localhost',
    gitAllowPrivateHosts: env.SLIPWAY_GIT_ALLOW_PRIVATE_HOSTS === '1',
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got "${text}"`);
  return port;
}

/** A project's preview origin: its own host name, so the app's scripts never share the IDE's origin. */
export function previewOriginOf(
  config: Pick<PlatformConfig, 'publicUrl' | 'previewDomain'>,
  projectId: string,
): string {
  const port = config.publicUrl.port ? `:${config.publicUrl.port}` : '';
  return `${config.publicUrl.protocol}//${projectId}.${config.previewDomain}${port}`;
}
