import { ApiError } from '@/components/api/api-error';

/** What the IDE shell can ask of the editor area (filled in once the editor has loaded). */
export interface EditorController {
  /**
   * Saves one open file (default: the active one); resolves false if it had no model. Rejects
   * when the file changed on disk since it was opened, unless told to `overwrite`.
   */
  save(path?: string, options?: { overwrite?: boolean }): Promise<boolean>;
  saveAll(): Promise<void>;
  /** Drops a file's model without saving (tab closed, or file deleted). */
  discard(path: string): void;
  /** Re-keys an open file after a move/rename, keeping unsaved edits. */
  rename(from: string, to: string): void;
  /** Reloads a file from disk, dropping unsaved edits (after a git revert). */
  reload(path: string): Promise<void>;
  focus(): void;
}

/** Cursor and language shown in the status bar. */
export interface EditorStatus {
  line: number;
  column: number;
  language: string;
}

/** Where to put the cursor in a file; `seq` makes a repeated request for the same place count again. */
export interface RevealRequest {
  path: string;
  line: number;
  column: number;
  seq: number;
}

/** True for a save refused because the file changed (or was deleted) on disk since it was opened. */
export function isChangedOnDisk(error: unknown): boolean {
  return error instanceof ApiError && error.status === 412;
}
