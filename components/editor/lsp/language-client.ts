import type * as monacoApi from 'monaco-editor';
import { LANGUAGE_WORKSPACE_URI } from '@/server/protocol/languages';
import { DocumentSync } from './document-sync';
import { LspConnection, type CancellationSignal } from './lsp-connection';
import { toCompletionItem, toDefinition, toHover, toLspPosition, toResolvedFields } from './lsp-to-monaco';
import type { LspCompletionItem, LspCompletionList, LspDefinition, LspHover } from './lsp-types';
import { registerWorkspaceOpener, type OpenLocation } from './workspace-opener';

type Monaco = typeof monacoApi;
type TextModel = monacoApi.editor.ITextModel;

/** What a language client needs to know about its language and the IDE. */
export interface LanguageClientOptions {
  /** Monaco's language id, e.g. `python`. */
  languageId: string;
  /** `ws:`/`wss:` URL of the language socket. */
  socketUrl: string;
  /** Characters that open the suggest widget by themselves (the server's list, known in advance). */
  triggerCharacters: string[];
  openLocation: OpenLocation;
}

const MAX_BACKOFF_MS = 30_000;
/** A connection that lasted this long resets the backoff; one that dies sooner (a crash loop) does not. */
const STABLE_CONNECTION_MS = 30_000;
/** pyright answers `initialize` in ~0.3 s; a minute means it is stuck. */
const INITIALIZE_TIMEOUT_MS = 60_000;
/** How long a request made while (re)connecting waits for the server before giving up. */
const READY_TIMEOUT_MS = 10_000;
/** A suggestion's LSP original, for `completionItem/resolve` (Monaco passes the same object back). */
const origins = new WeakMap<monacoApi.languages.CompletionItem, LspCompletionItem>();

const CLIENT_CAPABILITIES = {
  workspace: { configuration: true, workspaceFolders: true },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false },
    completion: {
      completionItem: {
        snippetSupport: true,
        documentationFormat: ['markdown', 'plaintext'],
        deprecatedSupport: true,
        preselectSupport: true,
        insertReplaceSupport: true,
        labelDetailsSupport: true,
        tagSupport: { valueSet: [1] },
        resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
      },
      contextSupport: true,
    },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    definition: { linkSupport: true },
  },
};

/**
 * A small LSP client for Monaco over the platform's language socket: it connects (and reconnects
 * with backoff), initialises the server with the project as workspace, keeps the language's models
 * in sync, and answers Monaco's completion, hover and definition requests from the server.
 * Diagnostics the server publishes are ignored: the build's checker owns the Problems panel.
 */
export class LanguageClient implements monacoApi.IDisposable {
  private connection: LspConnection | null = null;
  private socket: WebSocket | null = null;
  private readonly readyWaiters = new Set<(connection: LspConnection | null) => void>();
  private readonly sync: DocumentSync;
  private readonly registrations: monacoApi.IDisposable[];
  private attempt = 0;
  private connectedAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    private readonly monaco: Monaco,
    private readonly options: LanguageClientOptions,
  ) {
    this.sync = new DocumentSync(monaco, options.languageId);
    const { languages } = monaco;
    const id = options.languageId;
    this.registrations = [
      languages.registerCompletionItemProvider(id, {
        triggerCharacters: options.triggerCharacters,
        provideCompletionItems: (model, position, context, token) => this.complete(model, position, context, token),
        resolveCompletionItem: (item, token) => this.resolve(item, token),
      }),
      languages.registerHoverProvider(id, {
        provideHover: (model, position, token) => this.hover(model, position, token),
      }),
      languages.registerDefinitionProvider(id, {
        provideDefinition: (model, position, token) => this.definition(model, position, token),
      }),
      registerWorkspaceOpener(monaco, options.openLocation),
    ];
    window.addEventListener('online', this.reconnectNow);
    this.connect();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    window.removeEventListener('online', this.reconnectNow);
    if (this.timer) clearTimeout(this.timer);
    for (const registration of this.registrations) registration.dispose();
    // Close first: the server forgets every document with the connection, no didClose needed.
    this.connection?.dispose();
    this.socket?.close(1000, 'closed by the client');
    this.sync.dispose();
    this.settleWaiters(null);
  }

  private connect(): void {
    if (this.disposed) return;
    const socket = new WebSocket(this.options.socketUrl);
    this.socket = socket;
    socket.onopen = () => {
      const connection = new LspConnection(socket, {
        onRequest: (method) => this.answerServer(method),
        onNotification: () => undefined, // logMessage, progress, publishDiagnostics: nothing to show
        onClose: () => this.disconnected(socket),
      });
      void this.initialize(connection);
    };
    // Before `open` the connection does not exist yet; afterwards it reports the close itself.
    socket.onclose = () => this.disconnected(socket);
  }

  private async initialize(connection: LspConnection): Promise<void> {
    // A server that never answers would otherwise hold every request in ready() forever.
    const timer = setTimeout(() => connection.dispose(), INITIALIZE_TIMEOUT_MS);
    try {
      await connection.request('initialize', {
        // null, not our pid: the server runs in another PID namespace and would watch the wrong process.
        processId: null,
        clientInfo: { name: 'Slipway' },
        rootUri: LANGUAGE_WORKSPACE_URI,
        workspaceFolders: [{ uri: LANGUAGE_WORKSPACE_URI, name: 'workspace' }],
        capabilities: CLIENT_CAPABILITIES,
      });
    } catch {
      return connection.dispose(); // the close schedules the next attempt
    } finally {
      clearTimeout(timer);
    }
    if (this.disposed) return connection.dispose();
    connection.notify('initialized', {});
    this.connection = connection;
    this.connectedAt = Date.now();
    this.sync.attach(connection);
    this.settleWaiters(connection);
  }

  private disconnected(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.connection = null;
    this.sync.detach();
    if (this.disposed) return;
    if (this.connectedAt !== 0 && Date.now() - this.connectedAt >= STABLE_CONNECTION_MS) this.attempt = 0;
    this.connectedAt = 0;
    this.attempt += 1;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.connect();
      },
      Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempt),
    );
  }

  private readonly reconnectNow = (): void => {
    if (this.disposed || this.socket || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.connect();
  };

  /** Requests the server makes of a client; anything else is answered "method not found". */
  private answerServer(method: string): unknown {
    if (method === 'workspace/workspaceFolders') return [{ uri: LANGUAGE_WORKSPACE_URI, name: 'workspace' }];
    if (method === 'client/registerCapability' || method === 'client/unregisterCapability') return null;
    if (method === 'window/workDoneProgress/create') return null;
    return undefined;
  }

  private settleWaiters(connection: LspConnection | null): void {
    for (const waiter of this.readyWaiters) waiter(connection);
    this.readyWaiters.clear();
  }

  /** The connection once the server is initialised (waiting while it starts), or null. */
  private ready(token: CancellationSignal): Promise<LspConnection | null> {
    if (this.connection || this.disposed) return Promise.resolve(this.connection);
    return new Promise((resolve) => {
      const finish = (connection: LspConnection | null): void => {
        clearTimeout(timer);
        cancellation.dispose();
        this.readyWaiters.delete(finish);
        resolve(connection);
      };
      const timer = setTimeout(() => finish(null), READY_TIMEOUT_MS);
      const cancellation = token.onCancellationRequested(() => finish(null));
      this.readyWaiters.add(finish);
    });
  }

  /** Sends a request about a model, after its latest text; null when it cannot be answered. */
  private async ask<T>(
    model: TextModel,
    method: string,
    params: (uri: string) => object,
    token: CancellationSignal,
  ): Promise<T | null> {
    const connection = await this.ready(token);
    const uri = connection && !model.isDisposed() ? this.sync.synced(model) : null;
    if (!connection || !uri) return null;
    try {
      return await connection.request<T>(method, params(uri), token);
    } catch {
      return null; // cancelled, refused, or the connection dropped: Monaco shows nothing
    }
  }

  private async complete(
    model: TextModel,
    position: monacoApi.Position,
    context: monacoApi.languages.CompletionContext,
    token: monacoApi.CancellationToken,
  ): Promise<monacoApi.languages.CompletionList | null> {
    const result = await this.ask<LspCompletionList | LspCompletionItem[]>(
      model,
      'textDocument/completion',
      (uri) => ({
        textDocument: { uri },
        position: toLspPosition(position),
        // Monaco numbers trigger kinds from 0, LSP from 1.
        context: {
          triggerKind: context.triggerKind + 1,
          ...(context.triggerCharacter ? { triggerCharacter: context.triggerCharacter } : {}),
        },
      }),
      token,
    );
    if (!result) return null;
    const items = Array.isArray(result) ? result : result.items;
    const word = model.getWordUntilPosition(position);
    const range = new this.monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, position.column);
    const suggestions = items.map((item) => {
      const suggestion = toCompletionItem(this.monaco, item, range);
      origins.set(suggestion, item);
      return suggestion;
    });
    return { suggestions, incomplete: !Array.isArray(result) && result.isIncomplete };
  }

  private async resolve(
    item: monacoApi.languages.CompletionItem,
    token: monacoApi.CancellationToken,
  ): Promise<monacoApi.languages.CompletionItem> {
    const origin = origins.get(item);
    const connection = this.connection;
    if (!origin || !connection) return item;
    try {
      const resolved = await connection.request<LspCompletionItem>('completionItem/resolve', origin, token);
      return { ...item, ...toResolvedFields({ ...origin, ...resolved }) };
    } catch {
      return item;
    }
  }

  private async hover(
    model: TextModel,
    position: monacoApi.Position,
    token: monacoApi.CancellationToken,
  ): Promise<monacoApi.languages.Hover | null> {
    const result = await this.ask<LspHover>(
      model,
      'textDocument/hover',
      (uri) => ({ textDocument: { uri }, position: toLspPosition(position) }),
      token,
    );
    return toHover(result);
  }

  private async definition(
    model: TextModel,
    position: monacoApi.Position,
    token: monacoApi.CancellationToken,
  ): Promise<monacoApi.languages.Definition | null> {
    const result = await this.ask<LspDefinition>(
      model,
      'textDocument/definition',
      (uri) => ({ textDocument: { uri }, position: toLspPosition(position) }),
      token,
    );
    return toDefinition(this.monaco, result);
  }
}
