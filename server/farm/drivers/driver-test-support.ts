import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DriverStartRequest } from '../driver';

/**
 * Makes an instance's folders under `root` (project, build, sock, data, and an sdk.jar) and
 * returns a start request that binds the build and the jar read-only and sock and data writable.
 */
export async function startRequestUnder(
  root: string,
  request: Pick<DriverStartRequest, 'instanceId' | 'versionId' | 'limits'> &
    Pick<DriverStartRequest['spec'], 'command' | 'env'>,
): Promise<DriverStartRequest> {
  for (const dir of ['project', 'build', 'sock', 'data']) await mkdir(path.join(root, dir), { recursive: true });
  await writeFile(path.join(root, 'sdk.jar'), 'jar');
  return {
    instanceId: request.instanceId,
    appId: 'app-1',
    versionId: request.versionId,
    tenantId: 'tenant-1',
    layout: {
      projectDir: path.join(root, 'project'),
      outputDir: path.join(root, 'build'),
      socketDir: path.join(root, 'sock'),
      dataDir: path.join(root, 'data'),
    },
    limits: request.limits,
    spec: {
      command: request.command,
      env: request.env,
      readOnlyBinds: [
        { host: path.join(root, 'build'), sandbox: '/app/build' },
        { host: path.join(root, 'sdk.jar'), sandbox: '/opt/slipway/lib/0-sdk.jar' },
      ],
      writableBinds: [
        { host: path.join(root, 'sock'), sandbox: '/run/slipway' },
        { host: path.join(root, 'data'), sandbox: '/app/data' },
      ],
      socketPath: '/run/slipway/http.sock',
      healthPath: '/',
    },
  };
}
