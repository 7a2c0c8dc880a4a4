import { mkdir } from 'node:fs/promises';
import { DomainError } from '../../core/errors';
import type { AppManifest } from '../../protocol/app-manifest';
import { INSTANCE_PATHS, InstanceProcess } from '../../runtime/instance-process';
import type { SandboxIdentityFiles } from '../../workspace/sandbox';
import { settleOrAbort } from './abortable';
import type { LauncherBuild } from './launcher-cache';
import { LAUNCHER_SANDBOX_DIR, launcherCommand } from './launcher-command';
import { answers, compileReplySchema, newRequestId, parseLauncherLine, type CompileReply } from './launcher-protocol';

/** One cold build: the launcher in build mode, in a fresh sandbox of its own. */
export interface ColdBuildOptions {
  readonly launcher: LauncherBuild;
  readonly projectDir: string;
  readonly outputDir: string;
  readonly manifest: AppManifest;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly identityFiles?: SandboxIdentityFiles;
  readonly extraClassPath: readonly string[];
  readonly extraBinds: readonly { host: string; sandbox: string }[];
  readonly timeoutMs: number;
  readonly cancelGraceMs: number;
  /** Called with the sandbox process so its owner can end it on dispose; returns an untrack function. */
  readonly track: (process: InstanceProcess) => () => void;
}

/**
 * Builds in a new JVM (the same AppBuilder as the warm path, so the same staging, static copy and
 * diagnostics), sandboxed like an instance: no network, project read-only at /workspace, only the
 * build output writable. It reads the project, which may hold symlinks or crafted paths, so it
 * must never run as the platform user outside a sandbox.
 */
export async function runColdBuild(options: ColdBuildOptions): Promise<CompileReply> {
  options.signal.throwIfAborted();
  await mkdir(options.outputDir, { recursive: true });
  const command = launcherCommand(
    'build',
    { webapp: INSTANCE_PATHS.output, project: INSTANCE_PATHS.project, webappSources: options.manifest.entry },
    { memoryMb: options.manifest.memory, archive: options.launcher.hasArchive, extraClassPath: options.extraClassPath },
  );
  const builder = new InstanceProcess(
    // A build has no socket or data folder; InstanceProcess reads only the project folder.
    { projectDir: options.projectDir, outputDir: options.outputDir, socketDir: '', dataDir: '' },
    {
      command,
      env: {},
      readOnlyBinds: [{ host: options.launcher.dir, sandbox: LAUNCHER_SANDBOX_DIR }, ...options.extraBinds],
      writableBinds: [{ host: options.outputDir, sandbox: INSTANCE_PATHS.output }],
      socketPath: `${INSTANCE_PATHS.output}/no-socket`,
      healthPath: '/',
    },
    options.identityFiles ? { identityFiles: options.identityFiles } : {},
  );
  const untrack = options.track(builder);
  // javac's own crashes and the JVM's complaints go to the build log.
  const output = builder.onDidOutput((line) => {
    if (!parseLauncherLine(line.text)) options.log(line.text);
  });
  try {
    const id = newRequestId();
    const answered = builder.waitForOutput((line) => answers(line, 'compiled', id), options.timeoutMs);
    builder.writeControl(`compile ${id}`);
    const line = await settleOrAbort(
      answered,
      options.signal,
      () => builder.writeControl(`cancel ${id}`),
      options.cancelGraceMs,
    );
    const parsed = parseLauncherLine(line);
    const reply = compileReplySchema.safeParse(parsed?.kind === 'reply' ? parsed.body : undefined);
    if (!reply.success || parsed?.kind !== 'reply' || parsed.reply !== 'compiled') {
      throw new DomainError('failed-dependency', 'the Java build did not report a result');
    }
    // Only now may it exit: its reply has been read, so no exit can overtake it.
    builder.writeControl('quit');
    await waitForExit(builder, 5_000);
    return reply.data;
  } finally {
    void output.dispose();
    await builder.dispose();
    untrack();
  }
}

function waitForExit(process: InstanceProcess, timeoutMs: number): Promise<void> {
  if (process.exit) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(finish, timeoutMs);
    const listener = process.onDidExit(finish);
    function finish(): void {
      clearTimeout(timer);
      void listener.dispose();
      resolve();
    }
  });
}
