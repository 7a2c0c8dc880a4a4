import type * as monacoApi from 'monaco-editor';
import { api } from '@/components/api/api-client';
import { loadFile, loadFileIfChanged, loadFreshFile, type LoadedFile } from './file-content';

type Monaco = typeof monacoApi;
type TextModel = monacoApi.editor.ITextModel;
type ViewState = monacoApi.editor.ICodeEditorViewState | null;

/** One open file: a Monaco model plus what is needed for dirty tracking, or a non-text notice. */
export type OpenFile =
  | {
      kind: 'text';
      model: TextModel;
      savedVersion: number;
      /** The dirty state last reported, so each change is reported once, whoever changed it. */
      reportedDirty: boolean;
      viewState: ViewState;
      saving: Promise<boolean> | null;
      /** The entity tag of the content on disk this text started from; saves send it as If-Match. */
      etag: string | null;
    }
  | Exclude<LoadedFile, { kind: 'text' }>
  | { kind: 'error'; message: string };

/** `file:///workspace/<path>`, so language detection and TextMate see the real file name. */
export function modelUri(monaco: Monaco, path: string): monacoApi.Uri {
  return monaco.Uri.from({ scheme: 'file', path: `/workspace/${path}` });
}

/**
 * Owns one Monaco model per open file. Dirty state compares the model's alternative version id
 * with the one last saved, so undoing back to the saved text clears the marker (as in VS Code).
 */
export class EditorModels {
  private readonly files = new Map<string, OpenFile>();
  private readonly loading = new Map<string, Promise<OpenFile>>();
  private disposed = false;

  constructor(
    private readonly monaco: Monaco,
    private readonly projectId: string,
    private readonly onDirtyChange: (path: string, dirty: boolean) => void,
  ) {}

  get(path: string): OpenFile | undefined {
    return this.files.get(path);
  }

  /** Loads (once) and returns the open file for `path`. */
  open(path: string): Promise<OpenFile> {
    const existing = this.files.get(path);
    if (existing) return Promise.resolve(existing);
    let pending = this.loading.get(path);
    if (!pending) {
      pending = this.load(path).finally(() => this.loading.delete(path));
      this.loading.set(path, pending);
    }
    return pending;
  }

  private async load(path: string): Promise<OpenFile> {
    let file: OpenFile;
    try {
      const loaded = await loadFile(this.projectId, path);
      file = loaded.kind === 'text' ? this.createText(path, loaded.text, false, loaded.etag) : loaded;
    } catch (error) {
      file = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    if (this.disposed) {
      if (file.kind === 'text') file.model.dispose();
      return file;
    }
    this.files.set(path, file);
    return file;
  }

  private createText(path: string, text: string, dirty: boolean, etag: string | null): OpenFile & { kind: 'text' } {
    const uri = modelUri(this.monaco, path);
    // A model may survive from an earlier mount of the editor (React strict mode, fast refresh).
    this.monaco.editor.getModel(uri)?.dispose();
    const model = this.monaco.editor.createModel(text, undefined, uri);
    const file: OpenFile & { kind: 'text' } = {
      kind: 'text',
      model,
      savedVersion: dirty ? -1 : model.getAlternativeVersionId(),
      reportedDirty: false,
      viewState: null,
      saving: null,
      etag,
    };
    model.onDidChangeContent(() => this.reportDirty(path, file));
    this.reportDirty(path, file);
    return file;
  }

  private reportDirty(path: string, file: OpenFile & { kind: 'text' }): void {
    const dirty = file.model.getAlternativeVersionId() !== file.savedVersion;
    if (dirty === file.reportedDirty) return;
    file.reportedDirty = dirty;
    this.onDirtyChange(path, dirty);
  }

  isDirty(path: string): boolean {
    const file = this.files.get(path);
    return file?.kind === 'text' && file.model.getAlternativeVersionId() !== file.savedVersion;
  }

  /**
   * Writes the model's text to the server; saves of the same file are serialised. Unless told to
   * `overwrite`, the save only lands if the file on disk is still what this text started from
   * (else an ApiError with status 412: see `isChangedOnDisk`).
   */
  async save(path: string, options: { overwrite?: boolean } = {}): Promise<boolean> {
    const file = this.files.get(path);
    if (file?.kind !== 'text') return false;
    const previous = file.saving ?? Promise.resolve(true);
    const attempt = previous.then(async () => {
      const version = file.model.getAlternativeVersionId();
      const ifMatch = options.overwrite ? undefined : (file.etag ?? undefined);
      const saved = await api.files.write(this.projectId, path, file.model.getValue(), ifMatch);
      file.etag = saved.etag;
      file.savedVersion = version;
      this.reportDirty(path, file);
      return true;
    });
    file.saving = attempt.catch(() => false);
    return attempt;
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  discard(path: string): void {
    const file = this.files.get(path);
    this.files.delete(path);
    if (file?.kind === 'text') file.model.dispose();
  }

  rename(from: string, to: string): void {
    const file = this.files.get(from);
    if (!file) return;
    this.files.delete(from);
    if (file.kind !== 'text') {
      this.files.set(to, file);
      return;
    }
    const dirty = file.model.getAlternativeVersionId() !== file.savedVersion;
    const moved = this.createText(to, file.model.getValue(), dirty, file.etag);
    moved.viewState = file.viewState;
    file.model.dispose();
    this.files.set(to, moved);
  }

  /**
   * Brings a file without unsaved edits up to date with the disk (a terminal, git or another tab
   * changed it). The edit keeps the undo history; a file with unsaved edits is left as it is,
   * and its next save asks.
   */
  async refreshIfChanged(path: string): Promise<void> {
    const file = this.files.get(path);
    if (file?.kind !== 'text' || !file.etag || this.isDirty(path)) return;
    const fresh = await loadFileIfChanged(this.projectId, path, file.etag).catch(() => null);
    if (fresh?.kind !== 'text' || this.files.get(path) !== file || this.isDirty(path)) return;
    file.model.pushEditOperations([], [{ range: file.model.getFullModelRange(), text: fresh.text }], () => null);
    file.etag = fresh.etag;
    file.savedVersion = file.model.getAlternativeVersionId();
    this.reportDirty(path, file);
  }

  /** Replaces the text with what is on disk now and marks the file clean. */
  async reload(path: string): Promise<void> {
    const file = this.files.get(path);
    if (file?.kind !== 'text') {
      this.files.delete(path);
      return;
    }
    const fresh = await loadFreshFile(this.projectId, path);
    if (fresh.kind !== 'text' || this.files.get(path) !== file) return;
    file.model.setValue(fresh.text);
    file.etag = fresh.etag;
    file.savedVersion = file.model.getAlternativeVersionId();
    this.reportDirty(path, file);
  }

  dispose(): void {
    this.disposed = true;
    for (const file of this.files.values()) if (file.kind === 'text') file.model.dispose();
    this.files.clear();
  }
}
