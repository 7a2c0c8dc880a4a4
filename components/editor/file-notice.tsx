'use client';

import { api } from '@/components/api/api-client';
import { formatSize } from '@/components/files/file-tree-model';
import type { OpenFile } from './editor-models';

/** Shown instead of Monaco for images (a preview), other binary files, huge files and load errors. */
export function FileNotice({
  projectId,
  path,
  file,
}: {
  projectId: string;
  path: string;
  file: Exclude<OpenFile, { kind: 'text' }>;
}) {
  const url = api.files.contentUrl(projectId, path);
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (file.kind === 'binary' && file.image) {
    return (
      <figure className="image-preview">
        <img src={url} alt={`Preview of ${name}`} />
        <figcaption className="hint">
          {name} · {formatSize(file.size)}
        </figcaption>
      </figure>
    );
  }
  const message =
    file.kind === 'binary'
      ? `${name} is a binary file (${formatSize(file.size)}) and is not shown in the editor.`
      : file.kind === 'too-large'
        ? `${name} is too large to edit here (${formatSize(file.size)}).`
        : `Could not open ${name}: ${file.message}`;
  return (
    <div className="file-notice" role={file.kind === 'error' ? 'alert' : 'status'}>
      <p>{message}</p>
      {file.kind !== 'error' ? (
        <a className="btn btn-secondary" href={url} download={name}>
          Download
        </a>
      ) : null}
    </div>
  );
}
