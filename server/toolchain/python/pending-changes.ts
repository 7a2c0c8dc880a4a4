/**
 * The project paths not yet copied to the build output. A path leaves the set only when a check
 * that included it succeeded, so a file with a syntax error is checked again on every build until
 * fixed, and a build's diagnostics always cover every file that still fails.
 */
export class PendingChanges {
  // A new project starts with everything pending: the output may be missing or stale.
  private everything = true;
  private paths = new Set<string>();

  /** Adds changed paths; undefined means everything. */
  add(paths: readonly string[] | null | undefined): void {
    if (paths === undefined || paths === null) {
      this.everything = true;
      this.paths.clear();
    } else if (!this.everything) {
      for (const entry of paths) this.paths.add(entry);
    }
  }

  /** Takes all pending paths (null = everything) for one check; `restore` them if it fails. */
  take(): string[] | null {
    const taken = this.everything ? null : [...this.paths].sort();
    this.everything = false;
    this.paths = new Set();
    return taken;
  }

  restore(taken: readonly string[] | null): void {
    this.add(taken);
  }

  get isEmpty(): boolean {
    return !this.everything && this.paths.size === 0;
  }
}
