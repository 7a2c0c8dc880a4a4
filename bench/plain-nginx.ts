import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort } from './free-port';

/** Debian's nginx as a plain reverse proxy in front of one Unix socket: the gateway's yardstick. */
export interface PlainNginx {
  url: string;
  stop(): Promise<void>;
}

/**
 * The configuration a careful operator would write by hand for one backend: one worker per core,
 * keep-alive to the upstream, no access log (the gateway's own log is part of its cost, so
 * this baseline is the stricter one).
 */
function configFor(socketPath: string, port: number, prefix: string): string {
  // Run as root (as the bench is here), nginx would switch its workers to `nobody`, which cannot
  // reach an instance's socket in its 0700 folder; the gateway's workers run as root too.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${user}worker_processes auto;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  upstream app { server unix:${socketPath}; keepalive 32; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`;
}

/** Starts nginx in the foreground proxying to `socketPath`; resolves once it answers. */
export async function startPlainNginx(socketPath: string): Promise<PlainNginx> {
  const prefix = await mkdtemp(path.join(tmpdir(), 'slipway-bench-nginx-'));
  await mkdir(path.join(prefix, 'logs'));
  const port = await findFreePort();
  const conf = path.join(prefix, 'nginx.conf');
  await writeFile(conf, configFor(socketPath, port, prefix));
  const child = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 10_000;
  while (!(await answers(url))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('plain nginx did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      await exited;
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = request(url, (response) => {
      response.resume();
      resolve(true);
    });
    probe.on('error', () => resolve(false));
    probe.end();
  });
}
