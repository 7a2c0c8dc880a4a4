import type * as monacoApi from 'monaco-editor';
import type { OpenLocation } from './workspace-opener';

/**
 * Starts the Python language client the first time the editor shows a Python file. The client is
 * a separate chunk, imported only then: it stays out of the JavaScript the editor needs before it
 * is usable, and the import starts after the first file is attached (the editor-ready moment).
 * Returns a disposable that stops the client (its socket, and so the server's pyright).
 */
export function activatePythonLanguage(
  monaco: typeof monacoApi,
  editor: monacoApi.editor.ICodeEditor,
  projectId: string,
  openLocation: OpenLocation,
): monacoApi.IDisposable {
  let client: monacoApi.IDisposable | null = null;
  let loading = false;
  let disposed = false;
  const check = (): void => {
    if (loading || disposed || editor.getModel()?.getLanguageId() !== 'python') return;
    loading = true;
    import('../python-language-client').then(
      ({ startPythonLanguageClient }) => {
        if (!disposed) client = startPythonLanguageClient(monaco, projectId, openLocation);
      },
      () => {
        loading = false; // the chunk did not load (offline, a new deployment): the next Python file retries
      },
    );
  };
  const subscriptions = [editor.onDidChangeModel(check), editor.onDidChangeModelLanguage(check)];
  check();
  return {
    dispose() {
      disposed = true;
      for (const subscription of subscriptions) subscription.dispose();
      client?.dispose();
    },
  };
}
