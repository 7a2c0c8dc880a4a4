import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';

/** Reads a whole .tar.gz into its entries by path: each entry's type and content as text. */
export async function tarGzEntries(gzipped: Uint8Array): Promise<Map<string, { type: string; data: string }>> {
  const result = new Map<string, { type: string; data: string }>();
  const parser = new Parser({ strict: true });
  const pending: Promise<void>[] = [];
  parser.on('entry', (entry: ReadEntry) => {
    pending.push(
      (async () => {
        const parts: Buffer[] = [];
        for await (const part of entry as AsyncIterable<Buffer>) parts.push(part);
        result.set(entry.path, { type: entry.type, data: Buffer.concat(parts).toString() });
      })(),
    );
  });
  parser.end(gunzipSync(gzipped));
  await new Promise((resolve) => parser.on('end', resolve));
  await Promise.all(pending);
  return result;
}
