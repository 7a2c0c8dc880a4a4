import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where a process-driver instance runs: the root of its process tree and its Unix socket. */
export interface FarmInstanceProcess {
  instanceId: string;
  /** The keeper (`setsid --wait`) the driver spawned; bubblewrap and the app run under it. */
  pid: number;
  socketPath: string;
}

/**
 * Reads the process driver's record of an instance, `<dataDir>/farm/process/<id>/process.json`
 * (server/farm/drivers/process-launch.ts): its handle `<id>:<pid>:<start time>` and its endpoint,
 * the host path of the socket the app listens on (`<dataDir>/run/apps/<id>/app.sock` for
 * gunicorn, `…/http.sock` for Tomcat: the instance's socket folder, instance-lifecycle.ts).
 */
export async function farmInstanceProcess(dataDir: string, instanceId: string): Promise<FarmInstanceProcess> {
  const file = path.join(dataDir, 'farm', 'process', instanceId, 'process.json');
  const record = JSON.parse(await readFile(file, 'utf8')) as {
    handle: string;
    endpoint: { kind: string; path?: string };
  };
  const pid = Number(record.handle.split(':')[1]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in the handle ${record.handle}`);
  if (record.endpoint.kind !== 'unix' || !record.endpoint.path) {
    throw new Error(`instance ${instanceId} has no Unix socket endpoint`);
  }
  return { instanceId, pid, socketPath: record.endpoint.path };
}
