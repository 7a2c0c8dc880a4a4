import path from 'node:path';
import type { Disposable } from '../../core/disposable';
import { DomainError } from '../../core/errors';
import type { AppManifest } from '../../protocol/app-manifest';
import type { DiagnosticDto } from '../../protocol/preview';
import type { InstanceProcess } from '../../runtime/instance-process';
import type { SandboxIdentityFiles } from '../../workspace/sandbox';
import type {
  BuildRequest,
  BuildResult,
  InstanceLayout,
  InstancePurpose,
  LaunchSpec,
  RunningInstance,
  Toolchain,
} from '../toolchain';
import { abortError, settleOrAbort } from './abortable';
import { runColdBuild } from './cold-build';
import { prepareLauncher, type LauncherBuild } from './launcher-cache';
import { extraJarBinds, javaLaunchSpec, type JarBind } from './java-launch-spec';
import {
  answers,
  compileReplySchema,
  describeCompile,
  newRequestId,
  parseLauncherLine,
  reloadReplySchema,
  toDiagnostics,
  type CompileReply,
} from './launcher-protocol';

/** How long the Java toolchain waits for its JVMs. */
export interface JavaToolchainTimeouts {
  /** A compile in the preview JVM; past it the JVM is killed and the build runs cold. */
  warmCompileMs: number;
  /** A whole cold build, JVM start included. */
  coldBuildMs: number;
  /** A reload, which runs the app's listeners. */
  reloadMs: number;
  /** How long an aborted build may take to stop before `build()` rejects anyway. */
  cancelGraceMs: number;
}

/** What the Java toolchain needs from the composition root. */
export interface JavaToolchainOptions {
  /** Cache for the compiled launcher and its class-data archive, e.g. `<dataDir>/toolchain/java`. */
  cacheDir: string;
  /** Dump an AppCDS archive on first use for faster instance starts (default true). */
  classDataSharing?: boolean;
  /** passwd/group for the sandboxes (see writeSandboxIdentityFiles). */
  identityFiles?: SandboxIdentityFiles;
  /** Host paths of jars every app compiles and runs with (later: the Slipway SDK). */
  extraJars?: readonly string[];
  timeouts?: Partial<JavaToolchainTimeouts>;
  /** Platform log for the one-off launcher compile. */
  log?: (line: string) => void;
}

const DEFAULT_TIMEOUTS: JavaToolchainTimeouts = {
  warmCompileMs: 60_000,
  coldBuildMs: 180_000,
  reloadMs: 60_000,
  cancelGraceMs: 3_000,
};

/**
 * Java servlet apps on embedded Tomcat 10.1. A build runs in the preview instance's own JVM when
 * the request names one (warm javax.tools compiler, incremental), else in a fresh sandboxed JVM
 * (cold); both write the exploded web app into the build output. The call order for a preview
 * is in this folder's README.md.
 */
export class JavaToolchain implements Toolchain, Disposable {
  readonly runtime = 'java' as const;
  private readonly timeouts: JavaToolchainTimeouts;
  private readonly extraJars: JarBind[];
  private readonly coldBuilds = new Set<InstanceProcess>();
  /** The tail of the build queue per output folder: builds of one output never overlap. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private disposed = false;

  private constructor(
    private readonly launcher: LauncherBuild,
    private readonly options: JavaToolchainOptions,
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.extraJars = extraJarBinds(options.extraJars ?? []);
  }

  /**
   * Prepares the launcher: compiled once per version into `cacheDir` with its class-data archive
   * (5–15 s the first time on this machine, then a file read). Call it once, at server start.
   */
  static async create(options: JavaToolchainOptions): Promise<JavaToolchain> {
    const launcher = await prepareLauncher({
      cacheDir: options.cacheDir,
      classDataSharing: options.classDataSharing ?? true,
      log: options.log ?? (() => undefined),
      ...(options.identityFiles ? { identityFiles: options.identityFiles } : {}),
    });
    return new JavaToolchain(launcher, options);
  }

  /**
   * Compiles changed sources and mirrors static files into `outputDir`. Resolves `ok: false` with
   * the diagnostics when javac finds errors (the output keeps the last good build); rejects with
   * the signal's reason when aborted (output intact, nothing of this build still running).
   */
  build(request: BuildRequest): Promise<BuildResult> {
    if (this.disposed) return Promise.reject(new DomainError('conflict', 'the Java toolchain was disposed'));
    const key = path.resolve(request.outputDir);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.buildNow(request));
    this.queues.set(key, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.queues.get(key) === next) this.queues.delete(key);
      });
    return next;
  }

  launchSpec(layout: InstanceLayout, manifest: AppManifest, purpose: InstancePurpose = 'preview'): LaunchSpec {
    return javaLaunchSpec({ layout, manifest, purpose, launcher: this.launcher, extraJars: this.extraJars });
  }

  /**
   * Makes the instance serve the output's current build: restarts the web app context when
   * classes, jars or web.xml changed (static files alone show at once). Resolves after the new
   * classes serve; rejects if the app then failed to start (a listener threw: see its log).
   */
  async reload(instance: RunningInstance, _manifest: AppManifest): Promise<void> {
    const id = newRequestId();
    const answered = instance.waitForOutput((line) => answers(line, 'reloaded', id), this.timeouts.reloadMs);
    instance.writeControl(`reload ${id}`);
    const parsed = parseLauncherLine(await answered);
    const reply = reloadReplySchema.safeParse(parsed?.kind === 'reply' ? parsed.body : undefined);
    if (!reply.success || parsed?.kind !== 'reply' || parsed.reply !== 'reloaded') {
      throw new DomainError('failed-dependency', 'the instance cannot reload');
    }
    if (!reply.data.ok) {
      throw new DomainError('failed-dependency', 'the app did not start after the reload; its log says why', {
        error: reply.data.error ?? null,
      });
    }
  }

  /** Ends running cold builds; idempotent. Instances belong to their owners, not to the toolchain. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.coldBuilds].map((process) => process.dispose()));
  }

  private async buildNow(request: BuildRequest): Promise<BuildResult> {
    request.signal.throwIfAborted();
    const { instance } = request;
    if (instance && sameFolders(instance.layout, request)) {
      const reply = await this.warmBuild(instance, request);
      if (reply) return this.result(reply, 'warm', request);
    }
    try {
      const reply = await runColdBuild({
        launcher: this.launcher,
        projectDir: request.projectDir,
        outputDir: request.outputDir,
        manifest: request.manifest,
        signal: request.signal,
        log: request.log,
        extraClassPath: this.extraClassPath(),
        extraBinds: this.extraJars,
        timeoutMs: this.timeouts.coldBuildMs,
        cancelGraceMs: this.timeouts.cancelGraceMs,
        track: (process) => {
          this.coldBuilds.add(process);
          return () => this.coldBuilds.delete(process);
        },
        ...(this.options.identityFiles ? { identityFiles: this.options.identityFiles } : {}),
      });
      return this.result(reply, 'cold', request);
    } catch (error) {
      if (request.signal.aborted) throw abortError(request.signal);
      if (!(error instanceof DomainError)) throw error;
      // The JVM died or hung: an expected failure the developer sees, not a platform bug.
      request.log(`java build failed: ${error.message}`);
      return { ok: false, diagnostics: [buildFailure(`The Java build did not finish: ${error.message}`)] };
    }
  }

  /** Compiles in the preview JVM; undefined when that JVM cannot (gone, hung, or production). */
  private async warmBuild(instance: RunningInstance, request: BuildRequest): Promise<CompileReply | undefined> {
    const id = newRequestId();
    const answered = instance.waitForOutput((line) => answers(line, 'compiled', id), this.timeouts.warmCompileMs);
    answered.catch(() => undefined); // may settle after an abort stopped waiting for it
    instance.writeControl(`compile ${id}`);
    let line: string;
    try {
      line = await settleOrAbort(
        answered,
        request.signal,
        () => instance.writeControl(`cancel ${id}`),
        this.timeouts.cancelGraceMs,
      );
    } catch (error) {
      if (request.signal.aborted) throw error;
      // Exited or did not answer in time: a JVM stuck in javac cannot serve either; end it so its
      // owner restarts it, and build cold meanwhile.
      request.log('the preview JVM did not answer the compile; stopping it and building in a fresh JVM');
      instance.signal('SIGKILL');
      return undefined;
    }
    const parsed = parseLauncherLine(line);
    const reply = compileReplySchema.safeParse(parsed?.kind === 'reply' ? parsed.body : undefined);
    if (parsed?.kind !== 'reply' || parsed.reply !== 'compiled' || !reply.success) return undefined;
    if (reply.data.cancelled) throw abortError(request.signal);
    return reply.data;
  }

  private result(reply: CompileReply, where: 'warm' | 'cold', request: BuildRequest): BuildResult {
    if (reply.error) {
      request.log(`java build failed: ${reply.error}`);
      return { ok: false, diagnostics: [buildFailure(`The Java build failed: ${reply.error}`)] };
    }
    const diagnostics = toDiagnostics(reply);
    for (const found of diagnostics) {
      request.log(`${found.file}:${found.line}:${found.column}: ${found.severity}: ${found.message}`);
    }
    request.log(describeCompile(reply, where));
    return { ok: reply.ok, diagnostics };
  }

  private extraClassPath(): string[] {
    return this.extraJars.map((jar) => jar.sandbox);
  }
}

function sameFolders(layout: InstanceLayout, request: BuildRequest): boolean {
  return (
    path.resolve(layout.projectDir) === path.resolve(request.projectDir) &&
    path.resolve(layout.outputDir) === path.resolve(request.outputDir)
  );
}

function buildFailure(message: string): DiagnosticDto {
  return { file: 'src/main/java', line: 1, column: 1, severity: 'error', message, source: 'javac' };
}
