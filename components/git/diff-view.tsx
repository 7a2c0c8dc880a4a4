'use client';

import { useEffect, useRef, useState } from 'react';
import type * as monacoApi from 'monaco-editor';
import { api, errorMessage } from '@/components/api/api-client';
import { startMonaco, type Monaco } from '@/components/editor/monaco-services';

let generation = 0;

/**
 * Models for one side of a diff. The URI keeps the file name (so the language is detected) and a
 * fresh generation, so a refresh never disposes the models the diff editor still shows.
 */
function sideModel(monaco: Monaco, side: 'original' | 'modified', path: string, text: string, gen: number) {
  const uri = monaco.Uri.from({ scheme: 'slipway-diff', path: `/${gen}/${side}/${path}` });
  return monaco.editor.createModel(text, undefined, uri);
}

/** Monaco diff editor: HEAD (left) against the working tree (right) for one file. Loaded lazily. */
export default function DiffView({
  projectId,
  path,
  refreshKey,
  onOpenFile,
}: {
  projectId: string;
  path: string;
  /** Changes when the file may have changed on disk, so the diff is refetched. */
  refreshKey: number;
  onOpenFile: (path: string) => void;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [editor, setEditor] = useState<{ monaco: Monaco; diff: monacoApi.editor.IStandaloneDiffEditor } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [binary, setBinary] = useState(false);

  useEffect(() => {
    let cancelled = false;
    let dispose = (): void => {};
    void startMonaco().then((monaco) => {
      if (cancelled || !hostRef.current) return;
      const diff = monaco.editor.createDiffEditor(hostRef.current, {
        automaticLayout: true,
        readOnly: true,
        originalEditable: false,
        renderSideBySide: true,
        fontSize: 14,
        fixedOverflowWidgets: true,
      });
      setEditor({ monaco, diff });
      dispose = () => {
        const model = diff.getModel();
        diff.dispose();
        model?.original.dispose();
        model?.modified.dispose();
      };
    });
    return () => {
      cancelled = true;
      dispose();
    };
  }, []);

  useEffect(() => {
    if (!editor) return;
    let cancelled = false;
    setError(null);
    api.git.diff(projectId, path).then(
      (result) => {
        if (cancelled) return;
        // git prints "Binary files a/x and b/x differ" instead of a text patch.
        setBinary(
          /^Binary files /m.test(result.patch) ||
            result.original.includes('\u0000') ||
            result.modified.includes('\u0000'),
        );
        const previous = editor.diff.getModel();
        const gen = ++generation;
        editor.diff.setModel({
          original: sideModel(editor.monaco, 'original', path, result.original, gen),
          modified: sideModel(editor.monaco, 'modified', path, result.modified, gen),
        });
        previous?.original.dispose();
        previous?.modified.dispose();
        // Like VS Code, scroll to the first change once the diff is computed.
        const once = editor.diff.onDidUpdateDiff(() => {
          once.dispose();
          editor.diff.revealFirstDiff();
        });
      },
      (e: unknown) => {
        if (!cancelled) setError(errorMessage(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [editor, projectId, path, refreshKey]);

  return (
    <div className="diff-view">
      <div className="diff-toolbar">
        <span>
          {path} <span className="hint">(HEAD ↔ working tree)</span>
        </span>
        <button type="button" className="btn btn-secondary" onClick={() => onOpenFile(path)}>
          Open file
        </button>
      </div>
      {error ? (
        <div className="alert" role="alert">
          {error}
        </div>
      ) : null}
      {binary ? (
        <p className="file-notice-inline hint">{path} is a binary file; there is no text diff to show.</p>
      ) : null}
      <div ref={hostRef} className="diff-host" data-testid="diff-editor" hidden={binary} />
    </div>
  );
}
