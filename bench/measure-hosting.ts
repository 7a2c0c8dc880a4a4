import type { ApiSession } from './api-session';
import { AppHostClient } from './app-host-client';
import { createBenchApp, type BenchApp, type BenchAppContext } from './bench-app';
import { farmInstanceProcess } from './farm-instance';
import type { BenchOutcome } from './figure';
import { HostingApi } from './hosting-api';
import { measureColdStart } from './measure-cold-start';
import { measureGatewayCase, type LoadedApp } from './measure-gateway';
import { measureInstanceMemory } from './measure-instance-memory';
import { measureNodeCapacity } from './measure-node-capacity';
import { measurePublish } from './measure-publish';
import { measurePublishUnderLoad } from './measure-publish-under-load';
import type { BenchPlatform } from './platform';

/** Always one instance, never scaled out or to zero: the load tests see one fixed backend. */
const STEADY = { min: 1, max: 1, idleSeconds: 300 };

/** The app's ready instance as the load generator addresses it; for a tenant-only app, signed in first. */
async function loadedApp(
  context: BenchAppContext,
  dataDir: string,
  bench: BenchApp,
  cookie?: string,
): Promise<LoadedApp> {
  if (!bench.app) throw new Error(`${bench.slug} is not published`);
  const [instance] = await context.api.readyInstances(bench.app);
  if (!instance) throw new Error(`${bench.slug} has no ready instance`);
  return {
    host: bench.host,
    instance: await farmInstanceProcess(dataDir, instance.id),
    ...(cookie ? { cookie } : {}),
  };
}

/** Publishes a tenant-only app, signs the operator in through the login hop and waits until it serves. */
async function publishTenantApp(context: BenchAppContext, bench: BenchApp): Promise<string> {
  bench.app = (await context.api.publish(bench.projectId, 'bench: members only')).app;
  bench.publishes++;
  const cookie = await context.client.signIn(bench.host, context.api.session);
  await context.client.waitForMarker(bench.host, bench.page, 'Hello', {
    timeoutMs: 60_000,
    intervalMs: 50,
    headers: { cookie },
  });
  return cookie;
}

/** Issue 4: publish, gateway throughput, publish under load, cold start, instance memory. */
export async function measureHosting(
  session: ApiSession,
  platform: BenchPlatform,
  step: (message: string) => void,
): Promise<BenchOutcome[]> {
  const api = new HostingApi(session);
  const context: BenchAppContext = {
    api,
    client: new AppHostClient(platform.gatewayPort),
    tenantSlug: await api.tenantSlug(),
    appsDomain: platform.appsDomain,
  };
  const outcomes: BenchOutcome[] = [];
  const record = (outcome: BenchOutcome): void => {
    outcomes.push(outcome);
    for (const figure of outcome.figures) step(`  ${figure.name}: ${figure.measured} [${figure.verdict}]`);
  };
  const python = await createBenchApp(context, 'python', 'bench-py', { access: 'public', scaling: STEADY });
  const java = await createBenchApp(context, 'java', 'bench-java', { access: 'public', scaling: STEADY });
  step('publish time, Python');
  record(await measurePublish(context, python));
  step('publish time, Java');
  record(await measurePublish(context, java));
  step('memory per idle instance');
  const memory = await measureInstanceMemory(context, platform.dataDir, [python, java]);

  step('tenant-only apps: publish and sign in through the login hop');
  const pythonMembers = await createBenchApp(context, 'python', 'bench-py-members', {
    access: 'tenant',
    scaling: STEADY,
  });
  const javaMembers = await createBenchApp(context, 'java', 'bench-java-members', {
    access: 'tenant',
    scaling: STEADY,
  });
  const pythonCookie = await publishTenantApp(context, pythonMembers);
  const javaCookie = await publishTenantApp(context, javaMembers);
  const processes = { platformPid: platform.pid, gatewayPort: platform.gatewayPort };
  record(
    await measureGatewayCase(
      processes,
      {
        label: 'Python / (gunicorn, 2 sync workers)',
        path: '/',
        publicApp: await loadedApp(context, platform.dataDir, python),
        tenantApp: await loadedApp(context, platform.dataDir, pythonMembers, pythonCookie),
      },
      step,
    ),
  );
  record(
    await measureGatewayCase(
      processes,
      {
        label: 'Java static /css/app.css (Tomcat)',
        path: '/css/app.css',
        publicApp: await loadedApp(context, platform.dataDir, java),
        tenantApp: await loadedApp(context, platform.dataDir, javaMembers, javaCookie),
      },
      step,
    ),
  );

  step('failed requests during a publish under load');
  record(await measurePublishUnderLoad(context, python, platform.gatewayPort));

  for (const runtime of ['python', 'java'] as const) {
    step(`cold start from zero, ${runtime}`);
    record(await measureColdStart(context, runtime));
  }

  record(memory.outcome);
  step('node capacity check');
  record(await measureNodeCapacity(context, platform.dataDir, platform.pid, memory.pss.get('python') ?? 0, step));
  return outcomes;
}
