// Reads a .zip held in memory with yauzl, entry by entry, without trusting its headers.
import yauzl from 'yauzl';
import { DomainError, invalidInput, tooLarge } from '../core/errors';
import { kindFromUnixMode, type ArchiveEntryKind, type ArchiveVisitor } from './archive-entry';

const UNIX_HOST = 3;
const DOS_DIRECTORY_ATTRIBUTE = 0x10;

/**
 * Calls `visit` for each entry of a zip archive. Names are decoded but not checked (the caller
 * applies safe-path rules); backslashes are kept so the caller can refuse them.
 */
export async function readZipEntries(buffer: Buffer, visit: ArchiveVisitor, maxEntries: number): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buffer, {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch (error) {
    throw invalidInput(`The zip archive is malformed: ${messageOf(error)}`, { reason: 'malformed-archive' });
  }
  try {
    // The central directory's count is only a hint; the importer counts entries as they come.
    if (zip.entryCount > maxEntries) {
      throw tooLarge(`The archive has ${zip.entryCount} entries, over the limit of ${maxEntries}`, {
        limit: maxEntries,
        actual: zip.entryCount,
        limitName: 'maxEntries',
      });
    }
    for await (const entry of iterate(zip)) {
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      const madeOnUnix = entry.versionMadeBy >> 8 === UNIX_HOST;
      const mode = madeOnUnix ? entry.externalFileAttributes >>> 16 : 0;
      const kind = zipEntryKind(name, mode, entry.externalFileAttributes);
      if (kind === 'file' && entry.isEncrypted()) {
        throw new DomainError('unsupported', `Zip entry "${name}" is encrypted`, { entry: name });
      }
      if (kind === 'file' && !entry.canDecodeFileData()) {
        throw new DomainError('unsupported', `Zip entry "${name}" uses compression method ${entry.compressionMethod}`, {
          entry: name,
        });
      }
      await visit({
        name,
        kind,
        mode: mode & 0o7777,
        data: kind === 'file' ? () => zip.openReadStreamPromise(entry).catch(rethrowMalformed) : undefined,
        skip: () => undefined,
      });
    }
  } finally {
    zip.close();
  }
}

function zipEntryKind(name: string, mode: number, attributes: number): ArchiveEntryKind {
  const fromMode = kindFromUnixMode(mode);
  if (fromMode) return fromMode;
  if (name.endsWith('/') || (attributes & DOS_DIRECTORY_ATTRIBUTE) !== 0) return 'directory';
  return 'file';
}

// yauzl's own async iterator does not surface errors of the central directory consistently.
async function* iterate(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  while (true) {
    const next = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      const cleanup = (): void => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      const onEntry = (entry: yauzl.Entry): void => (cleanup(), resolve(entry));
      const onEnd = (): void => (cleanup(), resolve(undefined));
      const onError = (error: unknown): void => (cleanup(), reject(rethrowMalformedError(error)));
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
    if (!next) return;
    yield next;
  }
}

function rethrowMalformed(error: unknown): never {
  throw rethrowMalformedError(error);
}

function rethrowMalformedError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return invalidInput(`The zip archive is malformed: ${messageOf(error)}`, { reason: 'malformed-archive' });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
