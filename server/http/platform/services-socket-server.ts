import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Disposable } from '../../core/disposable';
import { SERVICES_SOCKET_NAME } from '../../protocol/platform-services';
import type { PlatformEnv } from './platform-env';

/**
 * The platform services on a Unix socket that every sandbox sees read-only at
 * `/run/slipway-services/services.sock`. Sandboxes bind the socket's folder, not the socket, so
 * instances that outlive a platform restart see the new socket when the platform comes back.
 */
export class ServicesSocketServer implements Disposable {
  private constructor(
    private readonly server: Server,
    /** The host folder holding the socket (what sandboxes bind). */
    readonly dir: string,
  ) {}

  static async listen(dir: string, app: Hono<PlatformEnv>): Promise<ServicesSocketServer> {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await chmod(dir, 0o755);
    const socketPath = path.join(dir, SERVICES_SOCKET_NAME);
    await rm(socketPath, { force: true });
    const listener = getRequestListener(app.fetch);
    const server = createServer((request, response) => void listener(request, response));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    // Any sandboxed user may connect: the token in every request is what authenticates.
    await chmod(socketPath, 0o666);
    return new ServicesSocketServer(server, dir);
  }

  get socketPath(): string {
    return path.join(this.dir, SERVICES_SOCKET_NAME);
  }

  async dispose(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
