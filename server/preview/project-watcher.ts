import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Emitter, type Event } from '../core/event';
import type { Disposable } from '../core/disposable';

const IGNORED_DIRS = new Set(['.git', 'node_modules', '__pycache__']);
const MAX_WATCHED_DIRS = 5_000;

/**
 * Watches a project folder and reports changed project-relative paths in batches, whoever
 * changed them: the editor, the terminal or git. One inotify watch per directory: Node 20's
 * `recursive` option on Linux loses events after a file is replaced by rename (atomic saves).
 */
export class ProjectWatcher implements Disposable {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly onDidChangeEmitter = new Emitter<string[]>();
  /** Fires with the paths changed in one short burst. */
  readonly onDidChange: Event<string[]> = this.onDidChangeEmitter.event;

  constructor(
    private readonly root: string,
    // A save is a burst of events (write temp, rename); a few ms joins them without adding lag.
    private readonly batchMs = 8,
  ) {
    void this.watchTree('');
  }

  private async watchTree(relativeDir: string): Promise<void> {
    if (this.disposed || this.watchers.has(relativeDir) || this.watchers.size >= MAX_WATCHED_DIRS) return;
    const absolute = path.join(this.root, relativeDir);
    let watcher: FSWatcher;
    try {
      watcher = watch(absolute, (_event, name) => name && this.onEntry(relativeDir, name.toString()));
    } catch {
      return; // vanished meanwhile
    }
    watcher.on('error', () => this.unwatch(relativeDir));
    this.watchers.set(relativeDir, watcher);
    const entries = await readdir(absolute, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && !IGNORED_DIRS.has(entry.name))
        await this.watchTree(path.join(relativeDir, entry.name));
    }
  }

  private onEntry(relativeDir: string, name: string): void {
    if (IGNORED_DIRS.has(name) || name.endsWith('.slipway-tmp')) return;
    const relative = relativeDir ? `${relativeDir}/${name}` : name;
    // A new folder (mkdir, git checkout) gets its own watch; a removed one drops it.
    void this.watchTree(relative);
    this.pending.add(relative);
    this.timer ??= setTimeout(() => this.flush(), this.batchMs);
  }

  private unwatch(relativeDir: string): void {
    for (const [dir, watcher] of this.watchers) {
      if (dir === relativeDir || dir.startsWith(`${relativeDir}/`)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
  }

  private flush(): void {
    this.timer = undefined;
    const paths = [...this.pending];
    this.pending.clear();
    if (paths.length > 0) this.onDidChangeEmitter.fire(paths);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.onDidChangeEmitter.dispose();
  }
}
