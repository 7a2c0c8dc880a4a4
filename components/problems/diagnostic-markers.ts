import type * as monacoApi from 'monaco-editor';
import type { DiagnosticDto } from '@/server/protocol/preview';

type Monaco = typeof monacoApi;
type TextModel = monacoApi.editor.ITextModel;

/** Marker owner of build and checker diagnostics (other owners, e.g. language features, are left alone). */
export const MARKER_OWNER = 'slipway';
const WORKSPACE = '/workspace/';

function severity(monaco: Monaco, value: DiagnosticDto['severity']): monacoApi.MarkerSeverity {
  if (value === 'error') return monaco.MarkerSeverity.Error;
  return value === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info;
}

/** A diagnostic without an end underlines the word at its start (or one character), like javac's caret. */
function toMarker(monaco: Monaco, model: TextModel, d: DiagnosticDto): monacoApi.editor.IMarkerData {
  const line = Math.min(Math.max(1, d.line), model.getLineCount());
  const column = Math.min(Math.max(1, d.column), model.getLineMaxColumn(line));
  let endLine = d.endLine ?? line;
  let endColumn = d.endColumn ?? 0;
  if (endLine < line || (endLine === line && endColumn <= column)) {
    endLine = line;
    const word = model.getWordAtPosition({ lineNumber: line, column });
    endColumn = word ? word.endColumn : Math.min(column + 1, model.getLineMaxColumn(line));
  }
  return {
    severity: severity(monaco, d.severity),
    message: d.message,
    source: d.source,
    code: d.code,
    startLineNumber: line,
    startColumn: column,
    endLineNumber: endLine,
    endColumn,
  };
}

/**
 * Keeps Monaco's markers in step with the diagnostics: every open model of a file with findings
 * gets them, models opened later get them on creation, and a new set replaces the old one.
 */
export class DiagnosticMarkers {
  private byPath = new Map<string, DiagnosticDto[]>();
  private readonly subscription: monacoApi.IDisposable;

  constructor(private readonly monaco: Monaco) {
    this.subscription = monaco.editor.onDidCreateModel((model) => this.apply(model));
  }

  update(diagnostics: readonly DiagnosticDto[]): void {
    const byPath = new Map<string, DiagnosticDto[]>();
    for (const d of diagnostics) {
      const list = byPath.get(d.file);
      if (list) list.push(d);
      else byPath.set(d.file, [d]);
    }
    this.byPath = byPath;
    this.monaco.editor.removeAllMarkers(MARKER_OWNER);
    for (const model of this.monaco.editor.getModels()) this.apply(model);
  }

  private apply(model: TextModel): void {
    if (model.uri.scheme !== 'file' || !model.uri.path.startsWith(WORKSPACE)) return;
    const list = this.byPath.get(model.uri.path.slice(WORKSPACE.length));
    if (!list) return;
    this.monaco.editor.setModelMarkers(
      model,
      MARKER_OWNER,
      list.map((d) => toMarker(this.monaco, model, d)),
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.monaco.editor.removeAllMarkers(MARKER_OWNER);
  }
}
