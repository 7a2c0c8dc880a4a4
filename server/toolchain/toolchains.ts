import path from 'node:path';
import type { AppManifest } from '../protocol/app-manifest';
import type { SandboxIdentityFiles } from '../workspace/sandbox';
import { JavaToolchain } from './java/java-toolchain';
import { PythonToolchain } from './python/python-toolchain';
import type { Toolchain } from './toolchain';

/** The toolchain of each runtime, looked up by the manifest's `runtime` (a registry, not a switch). */
export type ToolchainRegistry = Readonly<Record<AppManifest['runtime'], Toolchain>>;

/** Builds every runtime's toolchain; the first start compiles the Java launcher (seconds, then cached). */
export async function createToolchains(options: {
  dataDir: string;
  identityFiles: SandboxIdentityFiles;
  log: (line: string) => void;
}): Promise<ToolchainRegistry> {
  const java = await JavaToolchain.create({
    cacheDir: path.join(options.dataDir, 'toolchain', 'java'),
    identityFiles: options.identityFiles,
    log: options.log,
  });
  return { java, python: new PythonToolchain() };
}
