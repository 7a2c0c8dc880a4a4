import type * as monacoApi from 'monaco-editor';
import { workspacePathOfUri } from '@/server/protocol/languages';

type Monaco = typeof monacoApi;
type CodeEditor = monacoApi.editor.ICodeEditor;

/** Opens a project file in the IDE (a tab) with the cursor at a 1-based line and column. */
export type OpenLocation = (path: string, line: number, column: number) => void;

/** How long to wait for the IDE to show the file before handing the jump back to Monaco. */
const ATTACH_TIMEOUT_MS = 5_000;

/**
 * Lets Monaco's "go to definition" (F12, Ctrl+click) reach project files: the same model moves
 * the cursor, another file is opened through the IDE's tabs like a jump from the Problems panel.
 *
 * Without this, Monaco hands every jump to the workbench editor service, which this IDE does not
 * install (it throws "Unsupported"). The opener resolves only once the IDE has put the target's
 * model into the editor, so the highlight Monaco then draws lands in the right file.
 */
export function registerWorkspaceOpener(monaco: Monaco, openLocation: OpenLocation): monacoApi.IDisposable {
  return monaco.editor.registerEditorOpener({
    async openCodeEditor(source, resource, selectionOrPosition) {
      const path = workspacePathOfUri(resource.toString());
      if (path === null || path === '') return false;
      const start = startOf(selectionOrPosition);
      if (source.getModel()?.uri.toString() === resource.toString()) {
        reveal(source, selectionOrPosition ?? { lineNumber: start.lineNumber, column: start.column });
        return true;
      }
      const attached = modelAttached(source, resource.toString());
      openLocation(path, start.lineNumber, start.column);
      await attached;
      return true;
    },
  });
}

function startOf(target: monacoApi.IRange | monacoApi.IPosition | undefined): monacoApi.IPosition {
  if (!target) return { lineNumber: 1, column: 1 };
  return 'startLineNumber' in target ? { lineNumber: target.startLineNumber, column: target.startColumn } : target;
}

function reveal(editor: CodeEditor, target: monacoApi.IRange | monacoApi.IPosition): void {
  if ('startLineNumber' in target) {
    editor.setSelection(target);
    editor.revealRangeNearTopIfOutsideViewport(target);
  } else {
    editor.setPosition(target);
    editor.revealPositionNearTop(target);
  }
  editor.focus();
}

/** Resolves when `editor` shows the model of `uri`, or after a timeout (the file failed to open). */
function modelAttached(editor: CodeEditor, uri: string): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    };
    const subscription = editor.onDidChangeModel(() => {
      if (editor.getModel()?.uri.toString() === uri) done();
    });
    const timer = setTimeout(done, ATTACH_TIMEOUT_MS);
  });
}
