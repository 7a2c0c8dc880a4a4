/**
 * A minimal, deterministic ustar writer for the runtime image's root file system: the same
 * entries always give the same bytes (fixed times, owners and order), so the archive's hash
 * names the image. node-tar reads from disk and stamps real times; this needs neither.
 */

/** One entry of an in-memory tar archive; paths are relative, without a leading slash. */
export type TarEntry =
  | { kind: 'directory'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; content: string; uid?: number; gid?: number }
  | { kind: 'symlink'; path: string; target: string };

const BLOCK = 512;

/** The archive's bytes: each entry's header (and content), then two zero blocks. */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.kind === 'file' ? Buffer.from(entry.content, 'utf8') : Buffer.alloc(0);
    parts.push(header(entry, content.length));
    if (content.length > 0) parts.push(content, Buffer.alloc(padding(content.length)));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const name = entry.kind === 'directory' ? `${entry.path}/` : entry.path;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const mode = entry.kind === 'symlink' ? 0o777 : entry.mode;
  const owner = entry.kind === 'file' ? { uid: entry.uid ?? 0, gid: entry.gid ?? 0 } : { uid: 0, gid: 0 };
  writeText(block, 0, 100, name);
  writeOctal(block, 100, 8, mode);
  writeOctal(block, 108, 8, owner.uid);
  writeOctal(block, 116, 8, owner.gid);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 0); // mtime: fixed, so the bytes depend on the entries only
  block.fill(' ', 148, 156); // the checksum is computed with its own field as spaces
  writeText(block, 156, 1, typeFlag(entry));
  if (entry.kind === 'symlink') writeText(block, 157, 100, entry.target);
  writeText(block, 257, 6, 'ustar');
  writeText(block, 263, 2, '00');
  writeText(block, 265, 32, 'root');
  writeText(block, 297, 32, 'root');
  const checksum = block.reduce((sum, byte) => sum + byte, 0);
  writeText(block, 148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function typeFlag(entry: TarEntry): string {
  switch (entry.kind) {
    case 'file':
      return '0';
    case 'symlink':
      return '2';
    case 'directory':
      return '5';
  }
}

function writeText(block: Buffer, offset: number, length: number, text: string): void {
  block.write(text, offset, length, 'utf8');
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeText(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
