'use client';

import { useEffect, useRef, useState, type RefObject } from 'react';
import type * as monacoApi from 'monaco-editor';
import type { DiagnosticDto } from '@/server/protocol/preview';
import { DiagnosticMarkers } from '@/components/problems/diagnostic-markers';
import { languageName, startMonaco, type Monaco } from './monaco-services';
import { EditorModels, type OpenFile } from './editor-models';
import type { EditorController, EditorStatus, RevealRequest } from './editor-controller';
import { FileNotice } from './file-notice';
import { markEditorReady } from './editor-ready';
import { activatePythonLanguage } from './lsp/python-activation';

const MONO_FONT = "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

interface Loaded {
  monaco: Monaco;
  editor: monacoApi.editor.IStandaloneCodeEditor;
  models: EditorModels;
  markers: DiagnosticMarkers;
}

type View =
  | { kind: 'empty' }
  | { kind: 'loading' }
  | { kind: 'text' }
  | { kind: 'notice'; file: Exclude<OpenFile, { kind: 'text' }> };

/** The Monaco editor for file tabs: one model per open file, swapped on tab change with view state kept. */
export default function CodeEditor({
  projectId,
  openPaths,
  activePath,
  hidden,
  diagnostics,
  reveal,
  controllerRef,
  onDirtyChange,
  onStatus,
  onOpenLocation,
}: {
  projectId: string;
  /** Paths of every open file tab; models of other paths are disposed. */
  openPaths: string[];
  /** The file to show, or null (no file tab active). */
  activePath: string | null;
  /** True while another kind of tab (a diff) covers the editor area. */
  hidden: boolean;
  /** Build and checker findings, shown as markers in every open file they concern. */
  diagnostics: readonly DiagnosticDto[];
  /** Put the cursor here once `reveal.path` is the file shown (Problems panel, build overlay). */
  reveal: RevealRequest | null;
  controllerRef: RefObject<EditorController | null>;
  onDirtyChange: (path: string, dirty: boolean) => void;
  onStatus: (status: EditorStatus | null) => void;
  /** Open a project file at a 1-based line and column (go to definition into another file). */
  onOpenLocation: (path: string, line: number, column: number) => void;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [view, setView] = useState<View>({ kind: 'loading' });
  const attached = useRef<string | null>(null);
  const revealed = useRef<number | null>(null);
  // Callbacks change identity on every render of the shell; Monaco listeners read the latest.
  const callbacks = useRef({ onDirtyChange, onStatus, onOpenLocation });
  callbacks.current = { onDirtyChange, onStatus, onOpenLocation };

  useEffect(() => {
    let cancelled = false;
    let dispose = (): void => {};
    void startMonaco().then((monaco) => {
      const container = containerRef.current;
      if (cancelled || !container) return;
      const editor = monaco.editor.create(container, {
        model: null,
        automaticLayout: true,
        fontFamily: MONO_FONT,
        fontSize: 14,
        fixedOverflowWidgets: true,
        scrollBeyondLastLine: false,
        renderWhitespace: 'selection',
        ariaLabel: 'Editor',
      });
      performance.mark('slipway:editor-created');
      const models = new EditorModels(monaco, projectId, (path, dirty) => callbacks.current.onDirtyChange(path, dirty));
      const report = (): void => {
        const model = editor.getModel();
        const position = editor.getPosition();
        if (!model || !position) return;
        const language = languageName(model.getLanguageId());
        callbacks.current.onStatus({ line: position.lineNumber, column: position.column, language });
      };
      const subscriptions = [
        editor.onDidChangeCursorPosition(report),
        editor.onDidChangeModelLanguage(report),
        editor.onDidChangeModel(report),
      ];
      const markers = new DiagnosticMarkers(monaco);
      const python = activatePythonLanguage(monaco, editor, projectId, (path, line, column) =>
        callbacks.current.onOpenLocation(path, line, column),
      );
      setLoaded({ monaco, editor, models, markers });
      dispose = () => {
        python.dispose();
        subscriptions.forEach((s) => s.dispose());
        editor.dispose();
        markers.dispose();
        models.dispose();
      };
    });
    return () => {
      cancelled = true;
      dispose();
      attached.current = null;
      setLoaded(null);
    };
  }, [projectId]);

  // Show the active file: keep the outgoing file's scroll/cursor, attach the incoming model.
  useEffect(() => {
    if (!loaded) return;
    const { editor, models } = loaded;
    const outgoing = attached.current ? models.get(attached.current) : undefined;
    if (outgoing?.kind === 'text' && editor.getModel() === outgoing.model) outgoing.viewState = editor.saveViewState();
    if (!activePath) {
      attached.current = null;
      editor.setModel(null);
      setView({ kind: 'empty' });
      callbacks.current.onStatus(null);
      return;
    }
    let cancelled = false;
    if (!models.get(activePath)) setView({ kind: 'loading' });
    void models.open(activePath).then((file) => {
      if (cancelled) return;
      attached.current = activePath;
      if (file.kind !== 'text') {
        editor.setModel(null);
        setView({ kind: 'notice', file });
        callbacks.current.onStatus(null);
        return;
      }
      editor.setModel(file.model);
      if (file.viewState) editor.restoreViewState(file.viewState);
      setView({ kind: 'text' });
      markEditorReady();
      void models.refreshIfChanged(activePath);
    });
    return () => {
      cancelled = true;
    };
  }, [loaded, activePath]);

  // Coming back to the editor (from the terminal, another window) shows what changed on disk meanwhile.
  useEffect(() => {
    if (!loaded) return;
    const { editor, models } = loaded;
    const refresh = () => {
      if (attached.current) void models.refreshIfChanged(attached.current);
    };
    const focus = editor.onDidFocusEditorText(refresh);
    window.addEventListener('focus', refresh);
    return () => {
      focus.dispose();
      window.removeEventListener('focus', refresh);
    };
  }, [loaded]);

  useEffect(() => {
    loaded?.markers.update(diagnostics);
  }, [loaded, diagnostics]);

  // Runs again when the requested file has been attached (`view` changes then).
  useEffect(() => {
    if (!loaded || !reveal || revealed.current === reveal.seq) return;
    if (attached.current !== reveal.path || view.kind !== 'text') return;
    revealed.current = reveal.seq;
    const position = { lineNumber: Math.max(1, reveal.line), column: Math.max(1, reveal.column) };
    loaded.editor.setPosition(position);
    loaded.editor.revealPositionInCenterIfOutsideViewport(position);
    loaded.editor.focus();
  }, [loaded, reveal, view]);

  // Closing a tab disposes its model.
  useEffect(() => {
    if (!loaded) return;
    for (const path of loaded.models.paths()) if (!openPaths.includes(path)) loaded.models.discard(path);
  }, [loaded, openPaths]);

  useEffect(() => {
    if (!loaded) return;
    const { editor, models } = loaded;
    controllerRef.current = {
      save: (path, options) => {
        const target = path ?? attached.current;
        return target ? models.save(target, options) : Promise.resolve(false);
      },
      saveAll: async () => {
        await Promise.all(
          models
            .paths()
            .filter((p) => models.isDirty(p))
            .map((p) => models.save(p)),
        );
      },
      discard: (path) => models.discard(path),
      rename: (from, to) => {
        const file = models.get(from);
        if (attached.current === from && file?.kind === 'text') {
          file.viewState = editor.saveViewState();
          attached.current = to;
        }
        models.rename(from, to);
      },
      reload: (path) => models.reload(path),
      focus: () => editor.focus(),
    };
    return () => {
      controllerRef.current = null;
    };
  }, [loaded, controllerRef]);

  const showEditor = !hidden && view.kind === 'text';
  return (
    <div className="code-editor" hidden={hidden}>
      <div
        ref={containerRef}
        className="monaco-host"
        data-testid="editor"
        style={{ visibility: showEditor ? 'visible' : 'hidden' }}
      />
      {!hidden && view.kind === 'loading' && activePath ? (
        <div className="editor-overlay hint">Loading {activePath}…</div>
      ) : null}
      {!hidden && view.kind === 'notice' && activePath ? (
        <div className="editor-overlay">
          <FileNotice projectId={projectId} path={activePath} file={view.file} />
        </div>
      ) : null}
    </div>
  );
}
