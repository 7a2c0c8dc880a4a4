import type * as monacoApi from 'monaco-editor';
import { pythonLanguageSocketPath } from '@/server/protocol/languages';
import { LanguageClient } from './lsp/language-client';
import type { OpenLocation } from './lsp/workspace-opener';

/** pyright's completion trigger characters (its `initialize` answer lists the same four). */
const PYTHON_TRIGGER_CHARACTERS = ['.', '[', '"', "'"];

/**
 * Python completion, hover and go-to-definition in Monaco, answered by pyright running in the
 * project's sandbox on the server. Loaded as its own chunk (see python-activation.ts).
 */
export function startPythonLanguageClient(
  monaco: typeof monacoApi,
  projectId: string,
  openLocation: OpenLocation,
): monacoApi.IDisposable {
  // Same origin: the session cookie and the router's Origin check authenticate the socket.
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new LanguageClient(monaco, {
    languageId: 'python',
    socketUrl: `${scheme}//${window.location.host}${pythonLanguageSocketPath(projectId)}`,
    triggerCharacters: PYTHON_TRIGGER_CHARACTERS,
    openLocation,
  });
}
