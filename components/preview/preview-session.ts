import { api, errorMessage } from '@/components/api/api-client';
import type { BuildSummaryDto, DiagnosticDto, PreviewServerMessage, PreviewStatusDto } from '@/server/protocol/preview';
import { LogBuffer } from './log-buffer';
import { PreviewConnection, type PreviewConnectionState } from './preview-connection';

/** Everything the preview UI renders, replaced as a whole on each change (a `useSyncExternalStore` snapshot). */
export interface PreviewSnapshot {
  connection: PreviewConnectionState;
  status: PreviewStatusDto | null;
  /** The build in progress, if any. */
  building: number | null;
  /** The last build that finished (cancelled ones do not count). */
  lastBuild: BuildSummaryDto | null;
  /** Every diagnostic the IDE knows, whatever produced it. */
  diagnostics: readonly DiagnosticDto[];
  /** A Run/Stop request in flight. */
  pending: 'start' | 'stop' | null;
  /** Why the last Run/Stop request failed. */
  actionError: string | null;
}

type Listener = () => void;

// A page that logs in a tight loop must not flood the socket: at most this many console
// messages per second go to the server (the rest are still shown locally).
const CONSOLE_PER_SECOND = 50;

/**
 * One project's live preview state: the socket, the latest status and build, diagnostics and the
 * Output buffer. The emulator, the Problems and Output panels and the status bar all read it.
 */
export class PreviewSession {
  private state: PreviewSnapshot = {
    connection: 'connecting',
    status: null,
    building: null,
    lastBuild: null,
    diagnostics: [],
    pending: null,
    actionError: null,
  };
  private readonly diagnosticsBySource = new Map<string, readonly DiagnosticDto[]>();
  private readonly listeners = new Set<Listener>();
  private readonly logListeners = new Set<Listener>();
  private readonly reloadListeners = new Set<(generation: number) => void>();
  private readonly connection: PreviewConnection;
  private statusFromSocket = false;
  private consoleWindow = { start: 0, count: 0 };
  private disposed = false;
  readonly logs = new LogBuffer();

  constructor(readonly projectId: string) {
    this.connection = new PreviewConnection(projectId, {
      onMessage: (message) => this.receive(message),
      onState: (connection) => {
        this.update({ connection });
        if (connection === 'open') void this.catchUp();
      },
    });
    // The socket sends the status too; this answers first on a slow upgrade and covers a refused one.
    api.preview.status(projectId).then(
      (status) => {
        if (!this.statusFromSocket) this.applyStatus(status);
      },
      () => {},
    );
  }

  get snapshot(): PreviewSnapshot {
    return this.state;
  }

  /** For `useSyncExternalStore`: status, builds and diagnostics. */
  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** For `useSyncExternalStore`: the Output buffer (kept apart so log bursts re-render only the Output panel). */
  readonly subscribeLogs = (listener: Listener): (() => void) => {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  };

  /** Fires when the instance serves a new successful build: the frame should reload. */
  readonly onDidReload = (listener: (generation: number) => void): (() => void) => {
    this.reloadListeners.add(listener);
    return () => this.reloadListeners.delete(listener);
  };

  /** Run: builds and starts the instance; from `failed` or `crashed` it restarts it from scratch. */
  async start(): Promise<void> {
    const state = this.state.status?.state;
    this.update({ pending: 'start', actionError: null });
    try {
      // The server's start only acts on a stopped preview; a failed or crashed one is stopped first.
      if (state === 'failed' || state === 'crashed') await api.preview.stop(this.projectId);
      this.applyStatus(await api.preview.start(this.projectId));
      this.update({ pending: null });
    } catch (error) {
      this.update({ pending: null, actionError: errorMessage(error) });
    }
  }

  async stop(): Promise<void> {
    this.update({ pending: 'stop', actionError: null });
    try {
      await api.preview.stop(this.projectId);
      const status = this.state.status;
      if (status) this.applyStatus({ ...status, state: 'stopped', reason: null });
      this.update({ pending: null, building: null });
    } catch (error) {
      this.update({ pending: null, actionError: errorMessage(error) });
    }
  }

  /** Replaces the diagnostics of one producer (`build`, later `pyright`); the rest are kept. */
  setDiagnostics(source: string, diagnostics: readonly DiagnosticDto[]): void {
    this.diagnosticsBySource.set(source, diagnostics);
    const all = [...this.diagnosticsBySource.values()].flat();
    // Keeps the same (empty) array through clean builds, so nothing downstream recomputes.
    this.update({
      diagnostics: all.length === 0 && this.state.diagnostics.length === 0 ? this.state.diagnostics : all,
    });
  }

  /** A console message from the app's page: shown at once and forwarded to the server's log. */
  console(level: 'error' | 'warn' | 'log', text: string): void {
    const clipped = text.slice(0, 10_000);
    this.logs.addLocal('console', clipped);
    this.emitLogs();
    const now = Date.now();
    if (now - this.consoleWindow.start > 1000) this.consoleWindow = { start: now, count: 0 };
    if (++this.consoleWindow.count <= CONSOLE_PER_SECOND)
      this.connection.send({ type: 'console', level, text: clipped });
  }

  private receive(message: PreviewServerMessage): void {
    switch (message.type) {
      case 'status':
        this.statusFromSocket = true;
        this.applyStatus(message.status);
        break;
      case 'build-started':
        this.update({ building: message.buildId });
        break;
      case 'build-finished':
        this.applyBuild(message.build);
        break;
      case 'reloaded': {
        const status = this.state.status;
        if (status) this.update({ status: { ...status, generation: message.generation } });
        for (const listener of this.reloadListeners) listener(message.generation);
        break;
      }
      case 'logs':
        if (this.logs.add(message.entries)) this.emitLogs();
        break;
    }
  }

  private applyStatus(status: PreviewStatusDto): void {
    this.update({ status, building: status.state === 'stopped' ? null : this.state.building });
    const build = status.lastBuild;
    if (build && (this.state.lastBuild === null || build.id >= this.state.lastBuild.id)) this.applyBuild(build);
  }

  private applyBuild(build: BuildSummaryDto): void {
    const building = this.state.building === build.id ? null : this.state.building;
    // A cancelled build was superseded by a newer one: its (partial) results mean nothing.
    if (build.outcome === 'cancelled') return this.update({ building });
    this.update({ building, lastBuild: build });
    this.setDiagnostics('build', build.diagnostics);
  }

  /** After every (re)connect: fetch log lines missed while the socket was down. */
  private async catchUp(): Promise<void> {
    try {
      const entries = await api.preview.logs(this.projectId, this.logs.last || undefined);
      if (!this.disposed && this.logs.add(entries)) this.emitLogs();
    } catch {
      // History is a convenience; live lines keep coming on the socket.
    }
  }

  private update(patch: Partial<PreviewSnapshot>): void {
    if (this.disposed) return;
    // Every listener re-renders (the IDE shell among them): skip updates that change nothing,
    // such as the repeated "reconnecting" of a socket that keeps failing.
    const keys = Object.keys(patch) as (keyof PreviewSnapshot)[];
    if (keys.every((key) => this.state[key] === patch[key])) return;
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private emitLogs(): void {
    for (const listener of this.logListeners) listener();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.connection.dispose();
    this.listeners.clear();
    this.logListeners.clear();
    this.reloadListeners.clear();
  }
}
