import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine a benchmark ran on, as printed in the results. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGB: number;
  os: string;
  node: string;
  chromium: string;
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

export function describeMachine(chromiumVersion: string): MachineInfo {
  const cpuinfo = readOr('/proc/cpuinfo', '');
  const osRelease = readOr('/etc/os-release', '');
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    ramGB: os.totalmem() / 1e9,
    os: `${/^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? os.type()}, Linux ${os.release()}`,
    node: process.version,
    chromium: chromiumVersion,
  };
}

/** The 1, 5 and 15 minute load averages: other work on this shared machine slows every figure. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' / ');
}

function firstLine(command: string, args: string[]): string | null {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) return null;
  return `${result.stdout}${result.stderr}`.trim().split('\n')[0] ?? null;
}

/** The toolchains previews run on, as installed on this machine (Debian packages). */
export function describeToolchains(): string {
  const java = firstLine('java', ['-version'])?.replace(/^openjdk version "([^"]+)".*$/, 'OpenJDK $1');
  const python = firstLine('/usr/bin/python3', ['--version']);
  const gunicorn = firstLine('/usr/bin/python3', ['-c', 'import gunicorn; print(gunicorn.__version__)']);
  const tomcat = firstLine('dpkg-query', ['-W', '-f', '${Version}', 'libtomcat10-embed-java']);
  return [
    java ?? 'Java: unknown',
    python ?? 'Python: unknown',
    `gunicorn ${gunicorn ?? 'unknown'}`,
    `embedded Tomcat ${tomcat ?? 'unknown'}`,
  ].join(', ');
}
