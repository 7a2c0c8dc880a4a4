import type { ServicesAttachment } from '../services/services-attachment';
import path from 'node:path';
import type { Disposable } from '../core/disposable';
import type { AppManifest } from '../protocol/app-manifest';
import type { PreviewStatusDto } from '../protocol/preview';
import type { Toolchain } from '../toolchain/toolchain';
import type { SandboxIdentityFiles } from '../workspace/sandbox';
import type { ProjectHandle } from '../workspace/project-service';
import { PreviewSession } from './preview-session';

/** Configuration of the preview role. */
export interface PreviewServiceOptions {
  /** Folder under which each project's preview keeps its build output, sockets and data. */
  runRoot: string;
  toolchains: Readonly<Record<AppManifest['runtime'], Toolchain>>;
  /** The preview origin of a project, e.g. `http://<id>.preview.localhost:3000`. */
  originOf: (projectId: string) => string;
  /** passwd/group shown inside instance sandboxes. */
  identityFiles?: SandboxIdentityFiles;
  /** Connects preview instances to the platform services (their preview data). */
  services?: ServicesAttachment;
}

/** Owns the preview sessions of all projects: at most one per project, shared by its developers. */
export class PreviewService implements Disposable {
  private readonly sessions = new Map<string, PreviewSession>();

  constructor(private readonly options: PreviewServiceOptions) {}

  /** The session of a project, if one was started. */
  session(projectId: string): PreviewSession | undefined {
    return this.sessions.get(projectId);
  }

  /** Projects whose preview instance is serving now (tasks are delivered to them). */
  running(): string[] {
    return [...this.sessions.values()].flatMap((session) => (session.socketPath ? [session.target.projectId] : []));
  }

  status(projectId: string): PreviewStatusDto {
    return (
      this.sessions.get(projectId)?.status() ?? {
        projectId,
        state: 'stopped',
        reason: null,
        url: null,
        lastBuild: null,
        generation: 0,
      }
    );
  }

  /** Builds and starts the project's preview (or returns the running one's status). */
  start(handle: ProjectHandle): Promise<PreviewStatusDto> {
    return this.sessionFor(handle).start();
  }

  /** The project's session, created (stopped) if there is none yet, so listeners can attach early. */
  sessionFor(handle: ProjectHandle): PreviewSession {
    const projectId = handle.project.id;
    let session = this.sessions.get(projectId);
    if (!session) {
      session = new PreviewSession(
        {
          projectId,
          tenantId: handle.project.tenantId,
          projectDir: handle.dir,
          runDir: path.join(this.options.runRoot, projectId),
          url: this.options.originOf(projectId),
        },
        (runtime) => this.options.toolchains[runtime],
        this.options.identityFiles,
        this.options.services,
      );
      this.sessions.set(projectId, session);
    }
    return session;
  }

  async stop(projectId: string): Promise<void> {
    await this.sessions.get(projectId)?.stop();
  }

  /** Stops and forgets a project's preview (the project was deleted). */
  async forget(projectId: string): Promise<void> {
    const session = this.sessions.get(projectId);
    this.sessions.delete(projectId);
    await session?.dispose();
  }

  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((session) => session.dispose()));
    await Promise.all(Object.values(this.options.toolchains).map((toolchain) => toolchain.dispose()));
  }
}
