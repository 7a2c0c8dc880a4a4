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
  /** Where published apps are served; see {@link GatewayConfig}. */
  gateway: GatewayConfig;
  /** How app instances are run; see {@link FarmConfig}. */
  farm: FarmConfig;
  /** Mail apps send through the messaging service; see {@link MailConfig}. */
  mail: MailConfig;
}

/** Outgoing mail of the messaging service. */
export interface MailConfig {
  /**
   * The SMTP server (SLIPWAY_SMTP_URL): `smtp://user:password@host:587` (STARTTLS when offered)
   * or `smtps://user:password@host:465`. Unset: mail stays in the built-in outbox the IDE shows.
   */
  smtpUrl: URL | undefined;
  /** The From of every mail (SLIPWAY_MAIL_FROM, default `Slipway <noreply@<public host>>`). */
  from: string;
  /** Mails one app may send per hour and environment (SLIPWAY_MAIL_PER_HOUR, default 100). */
  perHour: number;
}

/** The gateway's data plane (nginx) and the public address of published apps. */
export interface GatewayConfig {
  /** Port nginx listens on for app traffic (SLIPWAY_GATEWAY_PORT, default 8080). */
  port: number;
  /**
   * Days the metering keeps each request's row (SLIPWAY_USAGE_RETENTION_DAYS, default 35, a
   * billing month and then some); the per-minute roll-ups are kept for good.
   */
  usageRetentionDays: number;
  /**
   * Public base of app URLs (SLIPWAY_APPS_URL, default `http://apps.localhost:<port>`): an app is
   * served at `<app>.<tenant>.<host of this URL>`, a site apart from the IDE's.
   */
  appsUrl: URL;
  /** nginx binary (SLIPWAY_NGINX, default Debian's /usr/sbin/nginx). */
  nginxPath: string;
}

/** Instance drivers: `process` (bubblewrap, the default), `docker` (Engine API), `kubernetes`. */
export interface FarmConfig {
  driver: 'process' | 'docker' | 'kubernetes';
  /** Docker Engine API socket for the docker driver (SLIPWAY_DOCKER_SOCKET, default /run/podman/podman.sock). */
  dockerSocket: string;
  /** Namespace the kubernetes driver applies objects to (SLIPWAY_KUBE_NAMESPACE, default "slipway-apps"). */
  kubeNamespace: string;
  /** The rest of the kubernetes driver's settings (docs/kubernetes.md). */
  kube: KubeFarmConfig;
}

/** Pods picked by namespace and labels: `SLIPWAY_KUBE_*_PODS` is `<namespace>:<key>=<value>,…`. */
export interface KubePods {
  namespace: string;
  /** Empty: every pod of the namespace. */
  labels: Record<string, string>;
}

/** What the kubernetes driver needs besides its namespace. */
export interface KubeFarmConfig {
  /** Runtime image the cluster pulls (SLIPWAY_KUBE_IMAGE, default "slipway-runtime:bookworm"). */
  image: string;
  /**
   * Base URL pods reach the platform at, for their file downloads (SLIPWAY_KUBE_PLATFORM_URL,
   * default `http://slipway.<platform namespace>.svc:<PORT>`).
   */
  platformUrl: URL;
  /** The platform pods' port, the only egress port the NetworkPolicy opens (PORT). */
  platformPort: number;
  /** The platform's pods (SLIPWAY_KUBE_PLATFORM_PODS, default `slipway:app.kubernetes.io/name=slipway`). */
  platform: KubePods;
  /** The gateway's pods, the only ones that may connect (SLIPWAY_KUBE_GATEWAY_PODS, default: the platform's). */
  gateway: KubePods;
  /** The cluster DNS (SLIPWAY_KUBE_DNS_PODS, default `kube-system:k8s-app=kube-dns`). */
  dns: KubePods;
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
    gateway: readGatewayConfig(env),
    farm: readFarmConfig(env, port),
    mail: readMailConfig(env, publicUrl),
  };
}

function readMailConfig(env: Readonly<Record<string, string | undefined>>, publicUrl: URL): MailConfig {
  const smtpUrl = env.SLIPWAY_SMTP_URL ? parseUrl('SLIPWAY_SMTP_URL', env.SLIPWAY_SMTP_URL) : undefined;
  if (smtpUrl && smtpUrl.protocol !== 'smtp:' && smtpUrl.protocol !== 'smtps:')
    throw new Error(`SLIPWAY_SMTP_URL must start with smtp:// or smtps://, got ${smtpUrl.protocol}//`);
  const perHour = Number(env.SLIPWAY_MAIL_PER_HOUR ?? '100');
  if (!Number.isInteger(perHour) || perHour < 1)
    throw new Error(`SLIPWAY_MAIL_PER_HOUR must be a whole number of at least 1, got "${env.SLIPWAY_MAIL_PER_HOUR}"`);
  return {
    smtpUrl,
    from: env.SLIPWAY_MAIL_FROM || `Slipway <noreply@${publicUrl.hostname}>`,
    perHour,
  };
}

function readGatewayConfig(env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  const port = parsePort(env.SLIPWAY_GATEWAY_PORT ?? '8080');
  const usageRetentionDays = Number(env.SLIPWAY_USAGE_RETENTION_DAYS ?? '35');
  if (!Number.isInteger(usageRetentionDays) || usageRetentionDays < 1 || usageRetentionDays > 3650)
    throw new Error(
      `SLIPWAY_USAGE_RETENTION_DAYS must be a whole number of days from 1 to 3650, got "${env.SLIPWAY_USAGE_RETENTION_DAYS}"`,
    );
  return {
    port,
    usageRetentionDays,
    appsUrl: new URL(env.SLIPWAY_APPS_URL ?? `http://apps.localhost:${port}`),
    nginxPath: env.SLIPWAY_NGINX ?? '/usr/sbin/nginx',
  };
}

const farmDrivers = ['process', 'docker', 'kubernetes'] as const;

function readFarmConfig(env: Readonly<Record<string, string | undefined>>, port: number): FarmConfig {
  const driver = env.SLIPWAY_FARM_DRIVER ?? 'process';
  if (!farmDrivers.some((known) => known === driver))
    throw new Error(`SLIPWAY_FARM_DRIVER must be one of ${farmDrivers.join(', ')}, got "${driver}"`);
  return {
    driver: driver as FarmConfig['driver'],
    dockerSocket: env.SLIPWAY_DOCKER_SOCKET ?? '/run/podman/podman.sock',
    kubeNamespace: env.SLIPWAY_KUBE_NAMESPACE ?? 'slipway-apps',
    kube: readKubeConfig(env, port),
  };
}

function readKubeConfig(env: Readonly<Record<string, string | undefined>>, port: number): KubeFarmConfig {
  const platform = parseKubePods(
    'SLIPWAY_KUBE_PLATFORM_PODS',
    env.SLIPWAY_KUBE_PLATFORM_PODS || 'slipway:app.kubernetes.io/name=slipway',
  );
  return {
    image: env.SLIPWAY_KUBE_IMAGE || 'slipway-runtime:bookworm',
    platformUrl: new URL(env.SLIPWAY_KUBE_PLATFORM_URL || `http://slipway.${platform.namespace}.svc:${port}`),
    platformPort: port,
    platform,
    gateway: env.SLIPWAY_KUBE_GATEWAY_PODS
      ? parseKubePods('SLIPWAY_KUBE_GATEWAY_PODS', env.SLIPWAY_KUBE_GATEWAY_PODS)
      : platform,
    dns: parseKubePods('SLIPWAY_KUBE_DNS_PODS', env.SLIPWAY_KUBE_DNS_PODS || 'kube-system:k8s-app=kube-dns'),
  };
}

/** `<namespace>:<key>=<value>,…` (labels optional). */
function parseKubePods(name: string, text: string): KubePods {
  const [namespace = '', labelText = '', ...rest] = text.split(':');
  const labels: Record<string, string> = {};
  for (const pair of labelText.split(',').filter(Boolean)) {
    const [key = '', value, ...extra] = pair.split('=');
    if (!key || value === undefined || extra.length > 0) throw new Error(`${name}: "${pair}" is not key=value`);
    labels[key.trim()] = value.trim();
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) || rest.length > 0)
    throw new Error(`${name} must be <namespace>:<key>=<value>,…, got "${text}"`);
  return { namespace, labels };
}

/** A URL from the environment; the error does not repeat it (it may hold a password). */
function parseUrl(name: string, text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new Error(`${name} is not a valid URL`);
  }
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

/** A published app's public origin: `<app>.<tenant>.<apps domain>`, never the IDE's site. */
export function appOriginOf(config: Pick<PlatformConfig, 'gateway'>, appSlug: string, tenantSlug: string): string {
  const { appsUrl } = config.gateway;
  const port = appsUrl.port ? `:${appsUrl.port}` : '';
  return `${appsUrl.protocol}//${appSlug}.${tenantSlug}.${appsUrl.hostname}${port}`;
}
