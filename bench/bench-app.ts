import type { AppDto } from '../server/protocol/apps';
import type { AppHostClient } from './app-host-client';
import type { HostingApi, ManifestChanges, PublishRun } from './hosting-api';

/** The two hello-world templates the section publishes, and the page of each that is watched. */
export const HELLO_TEMPLATES = {
  python: { templateId: 'python-hello', label: 'Python', page: '/' },
  // `/` is a static index.html; the servlet that reads GREETING answers /hello.
  java: { templateId: 'java-hello', label: 'Java', page: '/hello' },
} as const;
export type HelloRuntime = keyof typeof HELLO_TEMPLATES;

/** A project made from a template that the benchmark publishes as an app. */
export interface BenchApp {
  runtime: HelloRuntime;
  projectId: string;
  /** The app's slug (its slipway.json name) and host, `<slug>.<tenant>.<apps domain>`. */
  slug: string;
  host: string;
  /** The page whose text shows GREETING. */
  page: string;
  /** The app as the last publish left it. */
  app: AppDto | undefined;
  publishes: number;
}

/** What creating and publishing bench apps needs. */
export interface BenchAppContext {
  api: HostingApi;
  client: AppHostClient;
  tenantSlug: string;
  appsDomain: string;
}

/** A new project from the runtime's hello template, its manifest set to `manifest` (name = slug). */
export async function createBenchApp(
  context: BenchAppContext,
  runtime: HelloRuntime,
  slug: string,
  manifest: ManifestChanges,
): Promise<BenchApp> {
  const template = HELLO_TEMPLATES[runtime];
  const projectId = await context.api.session.createProject(slug, template.templateId);
  await context.api.editManifest(projectId, { ...manifest, name: slug });
  return {
    runtime,
    projectId,
    slug,
    host: `${slug}.${context.tenantSlug}.${context.appsDomain}`,
    page: template.page,
    app: undefined,
    publishes: 0,
  };
}

/** A timed publish: from the request's start to the first 200 through the gateway showing the new greeting. */
export interface TimedPublish {
  run: PublishRun;
  /** Click → first answer of the new version through the gateway. */
  servingMs: number;
  marker: string;
}

/**
 * Sets a new GREETING (a small edit, saved before the clock starts), publishes, and polls the
 * app's page through the gateway every `pollMs` until it shows the new greeting.
 */
export async function publishAndWait(
  context: BenchAppContext,
  bench: BenchApp,
  options: { pollMs?: number; headers?: Record<string, string> } = {},
): Promise<TimedPublish> {
  const marker = `Bench ${bench.slug} ${bench.publishes + 1}`;
  await context.api.editManifest(bench.projectId, { env: { GREETING: marker } });
  const started = performance.now();
  const publishing = context.api.publish(bench.projectId, `bench: ${marker}`);
  const serving = context.client.waitForMarker(bench.host, bench.page, marker, {
    timeoutMs: 180_000,
    intervalMs: options.pollMs ?? 10,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  // A failed publish must not leave the poller unobserved.
  serving.catch(() => undefined);
  const run = await publishing;
  const servedAt = await serving;
  bench.app = run.app;
  bench.publishes++;
  return { run, servingMs: servedAt - started, marker };
}
