/**
 * A stand-in platform process for the crash test (run with tsx): builds a Farm over the test's
 * folder and SQLite file, activates v1, then starts activating v2 and prints "@commit" when v2
 * waits for its commit, which never comes. The test SIGKILLs it there.
 * Usage: tsx crashing-platform.ts ROOT DATABASE_FILE VERSIONS_JSON
 */
import { readFile } from 'node:fs/promises';
import { openDatabase } from '../../db/database';
import { PythonToolchain } from '../../toolchain/python/python-toolchain';
import type { ToolchainRegistry } from '../../toolchain/toolchains';
import type { VersionToServe } from '../deployments';
import { createTestFarm } from '../farm-test-support';

async function main(): Promise<void> {
  const [root = '', databaseFile = '', versionsFile = ''] = process.argv.slice(2);
  const [v1, v2] = JSON.parse(await readFile(versionsFile, 'utf8')) as VersionToServe[];
  if (!v1 || !v2) throw new Error('two versions expected');
  const db = await openDatabase({ kind: 'sqlite', file: databaseFile });
  const toolchains = { python: new PythonToolchain() } as unknown as ToolchainRegistry;
  const { farm } = await createTestFarm(root, db, toolchains);
  await farm.start([]);
  const commitOf = (version: VersionToServe) => async () => {
    await db
      .updateTable('apps')
      .set({ active_version_id: version.versionId })
      .where('id', '=', version.appId)
      .execute();
  };
  await farm.activate(v1, { commit: commitOf(v1), progress: () => undefined });
  process.stdout.write('@v1\n');
  await farm.activate(v2, {
    commit: () => {
      process.stdout.write('@commit\n');
      return new Promise<void>(() => undefined);
    },
    progress: () => undefined,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
