import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppManifest } from '../../protocol/app-manifest';
import { INSTANCE_PATHS } from '../../runtime/instance-process';
import type { InstanceLayout, LaunchSpec } from '../toolchain';

/** Debian's interpreter: it sees Debian's python3-* packages (the `python3` on PATH may be a pyenv shim). */
export const DEBIAN_PYTHON = '/usr/bin/python3';
/** Where runtime/ (slipway_gunicorn.py, slipway_wsgi.py, slipway_cgi.py, …) is mounted in every sandbox. */
export const PYTHON_RUNTIME_SANDBOX_DIR = '/opt/slipway/python';
/** The folder holding the Python files Slipway ships (bound read-only into sandboxes). */
export const PYTHON_RUNTIME_DIR = fileURLToPath(new URL('./runtime', import.meta.url));
/** Where the Slipway SDK for Python (`import slipway`) is mounted in every sandbox. */
export const PYTHON_SDK_SANDBOX_DIR = '/opt/slipway/sdk-python';
/** The SDK's package folder in the repository (sdk/python). */
export const PYTHON_SDK_DIR = fileURLToPath(new URL('../../../sdk/python', import.meta.url));
/**
 * What pyright (the checker and the language server) needs to see `import slipway` as the
 * instances do: the SDK bound read-only, on the interpreter's path.
 */
export const PYTHON_SDK_FOR_CHECKS = {
  binds: [{ host: PYTHON_SDK_DIR, sandbox: PYTHON_SDK_SANDBOX_DIR, writable: false }],
  env: { PYTHONPATH: PYTHON_SDK_SANDBOX_DIR },
} as const;
/** The instance's HTTP socket, inside the sandbox. */
export const PYTHON_SOCKET_PATH = `${INSTANCE_PATHS.sockets}/app.sock`;

/** How gunicorn runs; the same for preview and production unless a caller tunes it. */
export interface GunicornOptions {
  /** Host folder with the runtime files (default: runtime/ next to this file). */
  runtimeDir: string;
  /**
   * Sync workers; one by default. Measured here (2 cores, python-hello): with one worker a reload
   * serves the new code after 11 ms (p50), with two after 30 ms (p50, tail over 100 ms) because both
   * boot while the old ones exit; static files take ~1 ms each, so one worker loses little for a
   * preview. Sync rather than gthread because sync workers close every connection: once the new
   * worker reports ready, no proxy can reuse a kept-alive connection to an old worker, so the next
   * request sees the new code. Production instances may ask for more.
   */
  workers: number;
  /** A worker silent for this long is killed and replaced (gunicorn --timeout). */
  timeoutSeconds: number;
  /** How long a stopping worker may finish its request (gunicorn --graceful-timeout). */
  gracefulTimeoutSeconds: number;
  /** Time limit of one CGI script; below `timeoutSeconds` so the script is stopped first. */
  cgiTimeoutSeconds: number;
}

/** Defaults suited to a preview (see each field). */
export const DEFAULT_GUNICORN_OPTIONS: GunicornOptions = {
  runtimeDir: PYTHON_RUNTIME_DIR,
  workers: 1,
  timeoutSeconds: 30,
  gracefulTimeoutSeconds: 2,
  cgiTimeoutSeconds: 20,
};

/** The WSGI callable gunicorn serves: Slipway's loader for "wsgi" apps, its CGI adapter for "cgi". */
export function gunicornAppFor(manifest: AppManifest): string {
  return manifest.kind === 'cgi' ? 'slipway_cgi:application' : 'slipway_wsgi:application';
}

/**
 * gunicorn from Debian on Debian's Python, serving the build output (a checked copy of the
 * project, see PythonToolchain.build) on a Unix socket.
 */
export function gunicornLaunchSpec(
  layout: InstanceLayout,
  manifest: AppManifest,
  options: GunicornOptions,
): LaunchSpec {
  if (manifest.runtime !== 'python' || manifest.kind === 'servlet') {
    throw new Error(`not a Python app: ${manifest.runtime}/${manifest.kind}`);
  }
  const command = [
    DEBIAN_PYTHON,
    // -P: no current folder on sys.path; the app's folder comes from --chdir only.
    '-P',
    '-m',
    'gunicorn',
    // An explicit config also stops gunicorn from running a gunicorn.conf.py found in the app.
    ...['--config', `${PYTHON_RUNTIME_SANDBOX_DIR}/slipway_gunicorn.py`],
    ...['--pythonpath', `${PYTHON_RUNTIME_SANDBOX_DIR},${PYTHON_SDK_SANDBOX_DIR}`],
    ...['--chdir', INSTANCE_PATHS.output],
    ...['--bind', `unix:${PYTHON_SOCKET_PATH}`],
    ...['--worker-class', 'sync', '--workers', String(options.workers)],
    ...['--timeout', String(options.timeoutSeconds), '--graceful-timeout', String(options.gracefulTimeoutSeconds)],
    // Access lines go to stdout as JSON (slipway_gunicorn.py); gunicorn's own log to stderr.
    ...['--access-logfile', '-', '--error-logfile', '-', '--log-level', 'info'],
    // Only the platform's proxy can reach the socket: trust its X-Forwarded-Proto.
    ...['--forwarded-allow-ips', '*'],
    gunicornAppFor(manifest),
  ];
  // gunicorn would read extra options from GUNICORN_CMD_ARGS (e.g. --preload, which loads the app
  // in the master, where an import error stops the instance): the platform owns its settings.
  const { GUNICORN_CMD_ARGS: _ignored, ...appEnv } = manifest.env;
  const env: Record<string, string> = {
    ...appEnv,
    SLIPWAY_APP_DATA_DIR: INSTANCE_PATHS.data,
    // The code is read-only and each worker imports it afresh after a reload.
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    // CGI scripts run as child processes: they find the SDK through the environment.
    PYTHONPATH: PYTHON_SDK_SANDBOX_DIR,
    ...(manifest.kind === 'cgi'
      ? { SLIPWAY_CGI_TIMEOUT_SECONDS: String(options.cgiTimeoutSeconds) }
      : { SLIPWAY_WSGI_ENTRY: manifest.entry }),
  };
  return {
    command,
    env,
    readOnlyBinds: [
      { host: path.resolve(options.runtimeDir), sandbox: PYTHON_RUNTIME_SANDBOX_DIR },
      { host: PYTHON_SDK_DIR, sandbox: PYTHON_SDK_SANDBOX_DIR },
      // The instance only reads its code; the checker is the one writer of the build output.
      { host: path.resolve(layout.outputDir), sandbox: INSTANCE_PATHS.output },
    ],
    writableBinds: [
      { host: path.resolve(layout.socketDir), sandbox: INSTANCE_PATHS.sockets },
      { host: path.resolve(layout.dataDir), sandbox: INSTANCE_PATHS.data },
    ],
    socketPath: PYTHON_SOCKET_PATH,
    healthPath: '/',
  };
}
