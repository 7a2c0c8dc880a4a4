import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceLayout, LaunchSpec } from '../toolchain/toolchain';
import { INSTANCE_PATHS, InstanceProcess } from './instance-process';

// A tiny HTTP server on a Unix socket that also reports whether it can reach a TCP port.
const SERVER = `
import http.server, os, socket, socketserver, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        probe = socket.socket()
        try:
            probe.settimeout(1); probe.connect(("127.0.0.1", int(sys.argv[1]))); reached = "reached"
        except OSError as error:
            reached = "blocked"
        body = (open("/workspace/hello.txt").read() + " " + reached).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def address_string(self): return "local"
class Server(socketserver.UnixStreamServer):
    def get_request(self):
        request, _ = super().get_request(); return request, ("local", 0)
print("listening", flush=True)
Server("/run/slipway/app.sock", Handler).serve_forever()
`;

let root: string;
let layout: InstanceLayout;
let instance: InstanceProcess | undefined;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-instance-'));
  layout = {
    projectDir: path.join(root, 'project'),
    outputDir: path.join(root, 'out'),
    socketDir: path.join(root, 'sock'),
    dataDir: path.join(root, 'data'),
  };
  for (const dir of [layout.projectDir, layout.outputDir, layout.socketDir, layout.dataDir])
    await mkdir(dir, { recursive: true });
  await writeFile(path.join(layout.projectDir, 'hello.txt'), 'hello from the project');
});
afterEach(async () => {
  await instance?.dispose();
  await rm(root, { recursive: true, force: true });
});

function get(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('InstanceProcess (real bwrap)', () => {
  it('serves HTTP on its Unix socket, reads the project, cannot reach TCP, and leaves nothing behind', async () => {
    const tcp = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => tcp.once('listening', resolve));
    const port = (tcp.address() as AddressInfo).port;
    const spec: LaunchSpec = {
      command: ['/usr/bin/python3', '-c', SERVER, String(port)],
      env: {},
      readOnlyBinds: [],
      writableBinds: [{ host: layout.socketDir, sandbox: INSTANCE_PATHS.sockets }],
      socketPath: `${INSTANCE_PATHS.sockets}/app.sock`,
      healthPath: '/',
    };
    instance = new InstanceProcess(layout, spec);
    await instance.waitForOutput((line) => line === 'listening', 5_000);
    await instance.waitUntilReady(5_000);
    expect(await get(instance.hostSocketPath)).toBe('hello from the project blocked');
    const pid = instance.pid;
    await instance.dispose();
    expect(() => process.kill(pid, 0)).toThrow();
    tcp.close();
  });

  it('reports a launcher that dies during start-up', async () => {
    const spec: LaunchSpec = {
      command: ['/usr/bin/python3', '-c', 'import sys; print("boom", file=sys.stderr); sys.exit(3)'],
      env: {},
      readOnlyBinds: [],
      writableBinds: [{ host: layout.socketDir, sandbox: INSTANCE_PATHS.sockets }],
      socketPath: `${INSTANCE_PATHS.sockets}/app.sock`,
      healthPath: '/',
    };
    instance = new InstanceProcess(layout, spec);
    const lines: string[] = [];
    instance.onDidOutput((line) => lines.push(line.text));
    await expect(instance.waitUntilReady(5_000)).rejects.toThrow(/exit code 3/);
    expect(lines).toContain('boom');
  });
});
