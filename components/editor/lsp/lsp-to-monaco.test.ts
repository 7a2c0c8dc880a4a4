import { describe, expect, it, vi } from 'vitest';
import {
  toCompletionItem,
  toDefinition,
  toHover,
  toLspPosition,
  toMonacoRange,
  type MonacoForLsp,
} from './lsp-to-monaco';

// vitest does not know the `@/` path alias of the Next build.
vi.mock('@/server/protocol/languages', () => import('../../../server/protocol/languages'));

// Monaco's own numbering (editor.api.d.ts), which differs from LSP's.
const CompletionItemKind = { Method: 0, Function: 1, Variable: 4, Class: 5, Module: 8, Property: 9, Text: 18 };
const monaco = {
  languages: {
    CompletionItemKind,
    CompletionItemInsertTextRule: { InsertAsSnippet: 4 },
    CompletionItemTag: { Deprecated: 1 },
  },
  Uri: { parse: (value: string) => ({ value }) },
} as unknown as MonacoForLsp;

const lspRange = (line: number, from: number, to: number) => ({
  start: { line, character: from },
  end: { line, character: to },
});
const wordRange = { startLineNumber: 2, startColumn: 4, endLineNumber: 2, endColumn: 6 };

describe('LSP to Monaco', () => {
  it('shifts positions and ranges from 0-based to 1-based', () => {
    expect(toLspPosition({ lineNumber: 1, column: 1 })).toEqual({ line: 0, character: 0 });
    expect(toMonacoRange(lspRange(1, 3, 5))).toEqual(wordRange);
  });

  it('maps completion kinds by name and falls back to text', () => {
    const kinds = [9, 3, 6, 7, 2, undefined, 99].map(
      (kind) => toCompletionItem(monaco, { label: 'x', ...(kind ? { kind } : {}) }, wordRange).kind,
    );
    expect(kinds).toEqual([8, 1, 4, 5, 0, 18, 18]);
  });

  it('uses the item edit, else its insert text over the word before the cursor', () => {
    const plain = toCompletionItem(monaco, { label: 'path', kind: 9, sortText: '12.path' }, wordRange);
    expect(plain).toMatchObject({ label: 'path', insertText: 'path', range: wordRange, sortText: '12.path' });

    const edited = toCompletionItem(
      monaco,
      {
        label: 'join',
        insertTextFormat: 2,
        textEdit: { range: lspRange(1, 3, 5), newText: 'join(${1:a})' },
        additionalTextEdits: [{ range: lspRange(0, 0, 0), newText: 'import os\n' }],
        tags: [1],
        documentation: { kind: 'markdown', value: '**doc**' },
        labelDetails: { description: 'os.path' },
      },
      wordRange,
    );
    expect(edited).toMatchObject({
      label: { label: 'join', description: 'os.path' },
      insertText: 'join(${1:a})',
      insertTextRules: 4,
      range: wordRange,
      tags: [1],
      documentation: { value: '**doc**' },
      additionalTextEdits: [
        { range: { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 1 }, text: 'import os\n' },
      ],
    });

    const insertReplace = toCompletionItem(
      monaco,
      { label: 'a', textEdit: { newText: 'abc', insert: lspRange(0, 0, 1), replace: lspRange(0, 0, 3) } },
      wordRange,
    );
    expect(insertReplace.range).toEqual({
      insert: toMonacoRange(lspRange(0, 0, 1)),
      replace: toMonacoRange(lspRange(0, 0, 3)),
    });
  });

  it('turns every hover content form into markdown, escaping plain text', () => {
    expect(toHover({ contents: { kind: 'markdown', value: '```python\ndef f()\n```' } })?.contents).toEqual([
      { value: '```python\ndef f()\n```' },
    ]);
    expect(toHover({ contents: { kind: 'plaintext', value: 'a*b\nc' } })?.contents).toEqual([{ value: 'a\\*b  \nc' }]);
    expect(toHover({ contents: ['text', { language: 'python', value: 'x: int' }], range: lspRange(0, 0, 1) })).toEqual({
      contents: [{ value: 'text' }, { value: '```python\nx: int\n```' }],
      range: { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 2 },
    });
    expect(toHover({ contents: '' })).toBeNull();
    expect(toHover(null)).toBeNull();
  });

  it('keeps only definitions inside the project', () => {
    const definitions = toDefinition(monaco, [
      { uri: 'file:///workspace/helper.py', range: lspRange(0, 4, 9) },
      { uri: 'file:///opt/pyright/dist/typeshed-fallback/stdlib/os/__init__.pyi', range: lspRange(0, 0, 0) },
      { uri: 'file:///usr/lib/python3.11/os.py', range: lspRange(0, 0, 0) },
    ]);
    expect(definitions).toEqual([
      { uri: { value: 'file:///workspace/helper.py' }, range: toMonacoRange(lspRange(0, 4, 9)) },
    ]);
    const links = toDefinition(monaco, [
      { targetUri: 'file:///workspace/a.py', targetRange: lspRange(0, 0, 9), targetSelectionRange: lspRange(0, 4, 5) },
    ]);
    expect(links).toEqual([
      {
        uri: { value: 'file:///workspace/a.py' },
        range: toMonacoRange(lspRange(0, 0, 9)),
        targetSelectionRange: toMonacoRange(lspRange(0, 4, 5)),
      },
    ]);
    expect(toDefinition(monaco, null)).toEqual([]);
  });
});
