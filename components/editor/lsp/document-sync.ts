import type * as monacoApi from 'monaco-editor';
import { workspacePathOfUri } from '@/server/protocol/languages';

type Monaco = typeof monacoApi;
type TextModel = monacoApi.editor.ITextModel;

/** Where document notifications go: the current connection, or nowhere while disconnected. */
export interface DocumentChannel {
  /** False when the notification could not be sent (closed, or larger than a frame may be). */
  notify(method: string, params: unknown): boolean;
}

interface Tracked {
  model: TextModel;
  uri: string;
  /** The server has the document (didOpen went out on the current channel). */
  open: boolean;
  /** Edits not yet sent. */
  changed: boolean;
  subscription: monacoApi.IDisposable;
}

/**
 * Mirrors the open Monaco models of one language inside the workspace to the language server:
 * `didOpen` when a model appears or the connection (re)starts, `didChange` with the whole text
 * (full sync: simple, and one file's text is small next to a keystroke's round trip), `didClose`
 * when the model goes. Changes are batched for a moment while typing; a request flushes first, so
 * completions always see the text as it is.
 */
export class DocumentSync implements monacoApi.IDisposable {
  private readonly documents = new Map<TextModel, Tracked>();
  private readonly subscriptions: monacoApi.IDisposable[];
  private channel: DocumentChannel | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    monaco: Monaco,
    private readonly languageId: string,
    private readonly batchMs = 150,
  ) {
    this.subscriptions = [
      monaco.editor.onDidCreateModel((model) => this.update(model)),
      monaco.editor.onDidChangeModelLanguage(({ model }) => this.update(model)),
      monaco.editor.onWillDisposeModel((model) => this.forget(model)),
    ];
    for (const model of monaco.editor.getModels()) this.update(model);
  }

  /** Sends every tracked document to a freshly initialised server. */
  attach(channel: DocumentChannel): void {
    this.channel = channel;
    for (const document of this.documents.values()) this.open(document);
  }

  /** The connection is gone: nothing is open on the server any more. */
  detach(): void {
    this.channel = null;
    for (const document of this.documents.values()) document.open = false;
  }

  /** The document's URI once the server has its current text; null when it does not have it. */
  synced(model: TextModel): string | null {
    const document = this.documents.get(model);
    if (!document || !this.channel) return null;
    if (document.changed) this.sendChange(document);
    else if (!document.open) this.open(document);
    return document.open ? document.uri : null;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const model of [...this.documents.keys()]) this.forget(model);
  }

  private update(model: TextModel): void {
    const wanted = model.getLanguageId() === this.languageId && workspacePathOfUri(model.uri.toString()) !== null;
    if (!wanted) return this.forget(model);
    if (this.documents.has(model)) return;
    const document: Tracked = {
      model,
      uri: model.uri.toString(),
      open: false,
      changed: false,
      subscription: model.onDidChangeContent(() => {
        document.changed = true;
        this.timer ??= setTimeout(() => this.flush(), this.batchMs);
      }),
    };
    this.documents.set(model, document);
    this.open(document);
  }

  private forget(model: TextModel): void {
    const document = this.documents.get(model);
    if (!document) return;
    this.documents.delete(model);
    document.subscription.dispose();
    if (document.open) this.channel?.notify('textDocument/didClose', { textDocument: { uri: document.uri } });
  }

  private open(document: Tracked): void {
    if (!this.channel) return;
    // A file too large for one frame stays unknown to the server (no features there) until it shrinks.
    document.open = this.channel.notify('textDocument/didOpen', {
      textDocument: {
        uri: document.uri,
        languageId: this.languageId,
        version: document.model.getVersionId(),
        text: document.model.getValue(),
      },
    });
    document.changed = false;
  }

  private flush(): void {
    this.timer = null;
    for (const document of this.documents.values()) if (document.changed) this.sendChange(document);
  }

  private sendChange(document: Tracked): void {
    if (!this.channel) return;
    if (!document.open) return this.open(document);
    document.changed = false;
    const sent = this.channel.notify('textDocument/didChange', {
      textDocument: { uri: document.uri, version: document.model.getVersionId() },
      contentChanges: [{ text: document.model.getValue() }],
    });
    if (sent) return;
    // Grown past a frame: close it on the server rather than leave it answering for old text.
    this.channel.notify('textDocument/didClose', { textDocument: { uri: document.uri } });
    document.open = false;
  }
}
