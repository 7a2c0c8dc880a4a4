import { access } from 'node:fs/promises';
import path from 'node:path';
import type { BuildRequest, BuildResult, InstanceLayout, LaunchSpec, Toolchain } from '../toolchain/toolchain';
import { INSTANCE_PATHS } from '../runtime/instance-process';

// A stand-in app server for the preview layer's own tests: it serves the project's files on the
// instance socket as they are on disk, so "reload" has nothing to do, and echoes request headers.
const SERVER = `
import http.server, json, os, socketserver
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/headers":
            body, kind = json.dumps(dict(self.headers)).encode(), "application/json"
        else:
            body, kind = open("/workspace/index.html", "rb").read(), "text/html; charset=utf-8"
        print("@slipway access GET " + self.path, flush=True)
        self.send_response(200); self.send_header("Content-Type", kind); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    def get_request(self):
        request, _ = super().get_request(); return request, ("local", 0)
Server("/run/slipway/app.sock", Handler).serve_forever()
`;

/**
 * A toolchain for testing the preview layer alone: a build fails while the project holds a file
 * named `broken`, and takes 300 ms (abortable) when `slow.txt` changed.
 */
export class PreviewTestToolchain implements Toolchain {
  readonly runtime = 'python' as const;
  builds = 0;
  reloads = 0;

  async build(request: BuildRequest): Promise<BuildResult> {
    this.builds++;
    request.log(`building ${request.changedPaths?.join(', ') ?? 'everything'}`);
    if (request.changedPaths?.includes('slow.txt')) await abortableSleep(300, request.signal);
    const broken = await access(path.join(request.projectDir, 'broken')).then(
      () => true,
      () => false,
    );
    if (!broken) return { ok: true, diagnostics: [] };
    return {
      ok: false,
      diagnostics: [{ file: 'broken', line: 1, column: 1, severity: 'error', message: 'remove me', source: 'python' }],
    };
  }

  launchSpec(layout: InstanceLayout): LaunchSpec {
    return {
      command: ['/usr/bin/python3', '-u', '-c', SERVER],
      env: {},
      readOnlyBinds: [],
      writableBinds: [{ host: layout.socketDir, sandbox: INSTANCE_PATHS.sockets }],
      socketPath: `${INSTANCE_PATHS.sockets}/app.sock`,
      healthPath: '/headers',
    };
  }

  reload(): Promise<void> {
    this.reloads++;
    return Promise.resolve();
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
