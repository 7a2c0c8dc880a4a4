import type { FileEntry } from '@/server/protocol/files';

const SOURCE = /\.(java|py)$/i;

function depth(path: string): number {
  return path.split('/').length;
}

/**
 * The file a freshly opened project shows first: its shallowest Java/Python source (what people
 * came to edit), else a README, else the app manifest, else the first file.
 */
export function pickDefaultFile(entries: FileEntry[]): string | null {
  const files = entries.filter((e) => e.type === 'file').map((e) => e.path);
  const sources = files.filter((p) => SOURCE.test(p) && !p.includes('/test/'));
  sources.sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  return (
    sources[0] ??
    files.find((p) => /^readme(\.md)?$/i.test(p)) ??
    files.find((p) => p === 'slipway.json') ??
    files[0] ??
    null
  );
}
