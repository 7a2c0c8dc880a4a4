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
