import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * After the run (the platform has been sent SIGTERM by then), stops the run's nginx if it is
 * still there and says so. nginx has its own process group so that published apps keep serving
 * through a platform crash; a platform that did not stop it in time would otherwise hold the
 * gateway port and make the next run fail to start.
 */
export function stopLeftoverNginxAtExit(dataDir: string): void {
  // Workers load the configuration too, and come and go while the platform runs: only the runner,
  // which stops the platform before it exits, may judge what is left over.
  if (process.env.TEST_WORKER_INDEX !== undefined) return;
  process.on('exit', () => {
    const pidFile = path.join(dataDir, 'gateway', 'run', 'nginx.pid');
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 1) return;
      process.kill(pid, 0);
    } catch {
      return; // no pid file, or nginx is gone: the platform stopped it
    }
    process.stderr.write(`e2e: the platform left its nginx (pid ${pid}) running after shutdown; stopping it\n`);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  });
}
