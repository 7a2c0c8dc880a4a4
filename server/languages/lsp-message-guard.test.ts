import { describe, expect, it } from 'vitest';
import { LANGUAGE_MAX_MESSAGE_BYTES } from '../protocol/languages';
import { checkClientMessage } from './lsp-message-guard';

const request = (method: string, params: unknown, id: number | string = 1) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params });
const hover = (uri: string) =>
  request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });

describe('client messages to a language server', () => {
  it('forwards requests, notifications and responses about workspace files', () => {
    expect(checkClientMessage(hover('file:///workspace/app.py')).kind).toBe('forward');
    expect(checkClientMessage(hover('file:///workspace/my%20dir/a.py')).kind).toBe('forward');
    const init = request('initialize', {
      processId: null,
      rootUri: 'file:///workspace',
      rootPath: '/workspace',
      workspaceFolders: [{ uri: 'file:///workspace', name: 'workspace' }],
      capabilities: {},
    });
    expect(checkClientMessage(init)).toEqual({ kind: 'forward', text: init });
    expect(checkClientMessage(JSON.stringify({ jsonrpc: '2.0', method: 'initialized', params: {} })).kind).toBe(
      'forward',
    );
    expect(checkClientMessage(JSON.stringify({ jsonrpc: '2.0', id: 'srv-1', result: null })).kind).toBe('forward');
  });

  it('answers a request about a file outside the workspace with an error and forwards nothing', () => {
    for (const uri of [
      'file:///etc/passwd',
      'file:///workspace/../etc/passwd',
      'file:///workspace/%2e%2e/etc/passwd',
      'file:///workspace%2F..%2Fetc/passwd',
      'file:///workspacex/a.py',
      'file://host/workspace/a.py',
      'file:///workspace/a.py?x=1',
      'file:///workspace\\..\\etc',
      'untitled:Untitled-1',
      'not a uri',
    ]) {
      const verdict = checkClientMessage(hover(uri));
      expect(verdict.kind, uri).toBe('reply');
      if (verdict.kind !== 'reply') continue;
      expect(JSON.parse(verdict.text)).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32602 } });
    }
    const deep = request('workspace/symbol', { a: [{ b: { targetUri: 'file:///opt/pyright/x.py' } }] }, 'q');
    expect(checkClientMessage(deep).kind).toBe('reply');
    expect(checkClientMessage(request('initialize', { rootPath: '/', capabilities: {} })).kind).toBe('reply');
  });

  it('drops such notifications and turns such responses into errors for the server', () => {
    const open = JSON.stringify({
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: 'file:///etc/shadow', languageId: 'python', version: 1, text: '' } },
    });
    expect(checkClientMessage(open).kind).toBe('drop');
    const folders = JSON.stringify({ jsonrpc: '2.0', id: 3, result: [{ uri: 'file:///', name: 'root' }] });
    const verdict = checkClientMessage(folders);
    expect(verdict.kind).toBe('forward');
    if (verdict.kind === 'forward') expect(JSON.parse(verdict.text)).toMatchObject({ id: 3, error: { code: -32602 } });
  });

  it('refuses workspace/executeCommand', () => {
    const verdict = checkClientMessage(request('workspace/executeCommand', { command: 'pyright.restartserver' }, 7));
    expect(verdict.kind).toBe('reply');
    if (verdict.kind === 'reply') expect(JSON.parse(verdict.text)).toMatchObject({ id: 7, error: { code: -32601 } });
  });

  it('closes on anything that is not one JSON-RPC 2.0 message', () => {
    for (const text of [
      'not json',
      '[]',
      '[{"jsonrpc":"2.0","method":"initialized"}]',
      '{"method":"initialized"}',
      '{"jsonrpc":"2.0","id":{},"method":"x"}',
      '{"jsonrpc":"2.0","method":5}',
      '{"jsonrpc":"2.0","id":1}',
      JSON.stringify({ jsonrpc: '2.0', method: 'x', params: 'y'.repeat(LANGUAGE_MAX_MESSAGE_BYTES) }),
    ]) {
      expect(checkClientMessage(text).kind, text.slice(0, 60)).toBe('close');
    }
  });

  it('re-serialises what it checked, so duplicate keys cannot smuggle a second value past it', () => {
    const sneaky = '{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","method":"workspace/executeCommand"}';
    expect(checkClientMessage(sneaky).kind).toBe('reply');
  });
});
