import { api } from '@/components/api/api-client';

/** A file's content as the editor area needs it: text for Monaco, or what to show instead. */
export type LoadedFile =
  | { kind: 'text'; text: string; etag: string | null }
  | { kind: 'binary'; size: number; image: boolean }
  | { kind: 'too-large'; size: number };

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|ico|avif)$/i;
/** Beyond this Monaco gets sluggish and the tab is rarely what someone meant to open. */
const MAX_TEXT_BYTES = 5 * 1024 * 1024;

function classify(path: string, bytes: ArrayBuffer, etag: string | null): LoadedFile {
  if (IMAGE.test(path)) return { kind: 'binary', size: bytes.byteLength, image: true };
  if (bytes.byteLength > MAX_TEXT_BYTES) return { kind: 'too-large', size: bytes.byteLength };
  const view = new Uint8Array(bytes);
  // Like git: a NUL byte early on means binary.
  if (view.subarray(0, 8000).includes(0)) return { kind: 'binary', size: bytes.byteLength, image: false };
  try {
    return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true }).decode(view), etag };
  } catch {
    return { kind: 'binary', size: bytes.byteLength, image: false };
  }
}

// Requests started before the editor asked for them (the IDE shell prefetches the active file
// while Monaco is still loading); each is handed out once.
const prefetched = new Map<string, Promise<LoadedFile>>();

function key(projectId: string, path: string): string {
  return `${projectId}\u0000${path}`;
}

function fetchFile(projectId: string, path: string): Promise<LoadedFile> {
  return api.files.read(projectId, path).then(({ bytes, etag }) => classify(path, bytes, etag));
}

/** Starts loading a file now so it is ready when the editor wants it. */
export function prefetchFile(projectId: string, path: string): void {
  const k = key(projectId, path);
  if (prefetched.has(k)) return;
  const request = fetchFile(projectId, path);
  request.catch(() => prefetched.delete(k));
  prefetched.set(k, request);
  // Unclaimed content goes stale (the file may change); forget it after a while.
  setTimeout(() => {
    if (prefetched.get(k) === request) prefetched.delete(k);
  }, 30_000);
}

/** The prefetched content if any (once), else a fresh request. */
export function loadFile(projectId: string, path: string): Promise<LoadedFile> {
  const k = key(projectId, path);
  const request = prefetched.get(k);
  prefetched.delete(k);
  return request ?? fetchFile(projectId, path);
}

/** The content on disk now, never a prefetched copy (which may predate a change on disk). */
export function loadFreshFile(projectId: string, path: string): Promise<LoadedFile> {
  prefetched.delete(key(projectId, path));
  return fetchFile(projectId, path);
}

/** The file's content if it changed on disk since it had tag `etag`, else null. */
export async function loadFileIfChanged(projectId: string, path: string, etag: string): Promise<LoadedFile | null> {
  const changed = await api.files.readIfChanged(projectId, path, etag);
  return changed && classify(path, changed.bytes, changed.etag);
}
