// The shape every archive reader (zip, tar) hands to the importer, one entry at a time.

/** What an archive entry would create; only files and directories are ever unpacked. */
export type ArchiveEntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'other';

/** One entry read from an archive; `name` is raw and untrusted. */
export interface ArchiveEntry {
  name: string;
  kind: ArchiveEntryKind;
  /** Unix permission bits when the archive records them (0 otherwise). */
  mode: number;
  /** The entry's content (files only); must be consumed or the entry skipped with `skip()`. */
  data?: () => Promise<AsyncIterable<Buffer>>;
  /** Discards the entry's content without reading it. */
  skip(): void;
}

/** Receives entries one after the other; the next entry is read only after the promise settles. */
export type ArchiveVisitor = (entry: ArchiveEntry) => Promise<void>;

/** Maps the file-type bits of a Unix mode (`st_mode`) to an entry kind; 0 means "not recorded". */
export function kindFromUnixMode(mode: number): ArchiveEntryKind | undefined {
  switch (mode & 0o170000) {
    case 0:
      return undefined;
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'symlink';
    case 0o020000:
    case 0o060000:
      return 'device';
    case 0o010000:
      return 'fifo';
    default:
      return 'other';
  }
}
