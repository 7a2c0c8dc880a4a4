import type * as monacoApi from 'monaco-editor';
import { workspacePathOfUri } from '@/server/protocol/languages';
import type {
  LspCompletionItem,
  LspDefinition,
  LspHover,
  LspLocation,
  LspLocationLink,
  LspMarkedString,
  LspMarkupContent,
  LspPosition,
  LspRange,
  LspTextEdit,
} from './lsp-types';

/** The parts of the monaco API the conversions need (tests pass a stand-in). */
export type MonacoForLsp = Pick<typeof monacoApi, 'languages' | 'Uri'>;
type IRange = monacoApi.IRange;
type IMarkdownString = monacoApi.IMarkdownString;

// LSP counts lines and UTF-16 code units from 0; Monaco counts both from 1 (also in UTF-16 units).

export function toLspPosition(position: monacoApi.IPosition): LspPosition {
  return { line: position.lineNumber - 1, character: position.column - 1 };
}

export function toMonacoRange(range: LspRange): IRange {
  return {
    startLineNumber: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLineNumber: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

export function toMonacoEdit(edit: LspTextEdit): monacoApi.editor.ISingleEditOperation {
  return { range: toMonacoRange(edit.range), text: edit.newText };
}

/** LSP's CompletionItemKind 1…25 by name; Monaco's enum has the same names, other numbers. */
const KIND_NAMES = [
  'Text',
  'Method',
  'Function',
  'Constructor',
  'Field',
  'Variable',
  'Class',
  'Interface',
  'Module',
  'Property',
  'Unit',
  'Value',
  'Enum',
  'Keyword',
  'Snippet',
  'Color',
  'File',
  'Reference',
  'Folder',
  'EnumMember',
  'Constant',
  'Struct',
  'Event',
  'Operator',
  'TypeParameter',
] as const;

export function toCompletionKind(
  monaco: MonacoForLsp,
  kind: number | undefined,
): monacoApi.languages.CompletionItemKind {
  const name = kind === undefined ? undefined : KIND_NAMES[kind - 1];
  return monaco.languages.CompletionItemKind[name ?? 'Text'];
}

/** Plain text shown through Monaco's markdown renderer must not be read as markdown. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&').replace(/\n/g, '  \n');
}

/**
 * Markdown for Monaco. Left untrusted (Monaco's default): links cannot run editor commands and
 * raw HTML is not rendered, whatever the language server wrote.
 */
export function toMarkdown(content: string | LspMarkupContent | LspMarkedString): IMarkdownString {
  if (typeof content === 'string') return { value: content };
  if ('kind' in content) return { value: content.kind === 'markdown' ? content.value : escapeMarkdown(content.value) };
  return { value: `\`\`\`${content.language}\n${content.value}\n\`\`\`` };
}

export function toHover(hover: LspHover | null): monacoApi.languages.Hover | null {
  if (!hover) return null;
  const parts = Array.isArray(hover.contents) ? hover.contents : [hover.contents];
  const contents = parts.map(toMarkdown).filter((part) => part.value.trim() !== '');
  if (contents.length === 0) return null;
  return { contents, ...(hover.range ? { range: toMonacoRange(hover.range) } : {}) };
}

/**
 * A Monaco suggestion for an LSP completion item. `defaultRange` (the word before the cursor) is
 * replaced when the item carries no edit of its own; an insert/replace edit keeps both ranges so
 * Monaco's "insert" and "replace" modes both work.
 */
export function toCompletionItem(
  monaco: MonacoForLsp,
  item: LspCompletionItem,
  defaultRange: IRange,
): monacoApi.languages.CompletionItem {
  const edit = item.textEdit;
  let range: IRange | monacoApi.languages.CompletionItemRanges = defaultRange;
  let insertText = item.insertText ?? item.label;
  if (edit && 'range' in edit) {
    range = toMonacoRange(edit.range);
    insertText = edit.newText;
  } else if (edit) {
    range = { insert: toMonacoRange(edit.insert), replace: toMonacoRange(edit.replace) };
    insertText = edit.newText;
  }
  const { languages } = monaco;
  const deprecated = item.deprecated === true || (item.tags ?? []).includes(1);
  return {
    label: item.labelDetails ? { label: item.label, ...item.labelDetails } : item.label,
    kind: toCompletionKind(monaco, item.kind),
    insertText,
    range,
    ...(item.insertTextFormat === 2 ? { insertTextRules: languages.CompletionItemInsertTextRule.InsertAsSnippet } : {}),
    ...(item.detail ? { detail: item.detail } : {}),
    ...(item.documentation ? { documentation: toMarkdown(item.documentation) } : {}),
    ...(item.sortText ? { sortText: item.sortText } : {}),
    ...(item.filterText ? { filterText: item.filterText } : {}),
    ...(item.preselect ? { preselect: true } : {}),
    ...(item.commitCharacters ? { commitCharacters: item.commitCharacters } : {}),
    ...(item.additionalTextEdits ? { additionalTextEdits: item.additionalTextEdits.map(toMonacoEdit) } : {}),
    ...(deprecated ? { tags: [languages.CompletionItemTag.Deprecated] } : {}),
  };
}

/** What `completionItem/resolve` adds to a suggestion already shown. */
export function toResolvedFields(
  item: LspCompletionItem,
): Pick<monacoApi.languages.CompletionItem, 'detail' | 'documentation' | 'additionalTextEdits'> {
  return {
    ...(item.detail ? { detail: item.detail } : {}),
    ...(item.documentation ? { documentation: toMarkdown(item.documentation) } : {}),
    ...(item.additionalTextEdits ? { additionalTextEdits: item.additionalTextEdits.map(toMonacoEdit) } : {}),
  };
}

/**
 * Definitions Monaco can open: only files of the project. Library stubs and the interpreter's own
 * modules live in the sandbox, where the IDE cannot show them; they are left out.
 */
export function toDefinition(
  monaco: MonacoForLsp,
  definition: LspDefinition,
): monacoApi.languages.Location[] | monacoApi.languages.LocationLink[] {
  if (!definition) return [];
  const list: (LspLocation | LspLocationLink)[] = Array.isArray(definition) ? definition : [definition];
  const links: monacoApi.languages.LocationLink[] = [];
  for (const entry of list) {
    const uri = 'targetUri' in entry ? entry.targetUri : entry.uri;
    if (workspacePathOfUri(uri) === null) continue;
    if ('targetUri' in entry) {
      links.push({
        uri: monaco.Uri.parse(uri),
        range: toMonacoRange(entry.targetRange),
        targetSelectionRange: toMonacoRange(entry.targetSelectionRange),
        ...(entry.originSelectionRange ? { originSelectionRange: toMonacoRange(entry.originSelectionRange) } : {}),
      });
    } else {
      links.push({ uri: monaco.Uri.parse(uri), range: toMonacoRange(entry.range) });
    }
  }
  return links;
}
