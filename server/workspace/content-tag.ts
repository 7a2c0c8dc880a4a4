import { createHash } from 'node:crypto';

/**
 * A file content's entity tag: its SHA-256, quoted as HTTP wants it. The editor sends it back in
 * `If-Match` when it saves, so a file changed since it was opened (in a terminal, by git, in
 * another tab) is not overwritten unnoticed.
 */
export function contentTag(data: Uint8Array): string {
  return `"${createHash('sha256').update(data).digest('base64url')}"`;
}
