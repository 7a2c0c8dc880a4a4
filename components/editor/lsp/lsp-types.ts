// The slice of the Language Server Protocol 3.17 the editor uses, declared here rather than
// pulled from vscode-languageserver-protocol: that package and its jsonrpc runtime would add
// ~100 kB to a chunk that needs a dozen interfaces.

/** Zero-based line and UTF-16 character offset. */
export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface LspLocation {
  uri: string;
  range: LspRange;
}

export interface LspLocationLink {
  originSelectionRange?: LspRange;
  targetUri: string;
  targetRange: LspRange;
  targetSelectionRange: LspRange;
}

export interface LspTextEdit {
  range: LspRange;
  newText: string;
}

export interface LspInsertReplaceEdit {
  newText: string;
  insert: LspRange;
  replace: LspRange;
}

export interface LspMarkupContent {
  kind: 'plaintext' | 'markdown';
  value: string;
}

/** Deprecated in LSP but still sent by some servers: markdown text or a code block. */
export type LspMarkedString = string | { language: string; value: string };

export interface LspCompletionItem {
  label: string;
  labelDetails?: { detail?: string; description?: string };
  /** 1 Text … 25 TypeParameter. */
  kind?: number;
  /** 1 = Deprecated. */
  tags?: number[];
  detail?: string;
  documentation?: string | LspMarkupContent;
  deprecated?: boolean;
  preselect?: boolean;
  sortText?: string;
  filterText?: string;
  insertText?: string;
  /** 1 = plain text, 2 = snippet. */
  insertTextFormat?: number;
  textEdit?: LspTextEdit | LspInsertReplaceEdit;
  additionalTextEdits?: LspTextEdit[];
  commitCharacters?: string[];
  /** Opaque to the client; sent back on `completionItem/resolve`. */
  data?: unknown;
}

export interface LspCompletionList {
  isIncomplete: boolean;
  items: LspCompletionItem[];
}

export interface LspHover {
  contents: LspMarkupContent | LspMarkedString | LspMarkedString[];
  range?: LspRange;
}

export type LspDefinition = LspLocation | LspLocation[] | LspLocationLink[] | null;

/** What `initialize` returns that the client looks at. */
export interface LspInitializeResult {
  capabilities: {
    completionProvider?: { triggerCharacters?: string[]; resolveProvider?: boolean };
    hoverProvider?: unknown;
    definitionProvider?: unknown;
  };
}
