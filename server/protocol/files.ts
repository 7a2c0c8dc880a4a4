// Contracts of the workspace's file and archive endpoints (git's are in git.ts), shared by the server and the UI.
// No Node imports here: the browser bundle compiles this file too.
import { z } from 'zod';

/** Longest project-relative path accepted, in UTF-8 bytes (segments: 255 bytes each). */
export const MAX_PROJECT_PATH_BYTES = 1024;

/** What an entry of a project's file tree is; symbolic links are reported, never followed. */
export type FileEntryType = 'file' | 'directory' | 'symlink';

/** One entry of a project's file tree; `path` is project-relative with `/` separators. */
export interface FileEntry {
  path: string;
  type: FileEntryType;
  /** Bytes for files, the link text's length for symlinks, 0 for directories. */
  size: number;
}

/** Bytes and entries a project uses, `.git` excluded. */
export interface ProjectUsage {
  bytes: number;
  entries: number;
}

/** A project-relative path as the client sends it; the server checks it fully (safe-path rules). */
export const projectPathSchema = z.string().min(1).max(MAX_PROJECT_PATH_BYTES);

/** Body of "create a file or a directory". */
export const createFileBodySchema = z
  .object({
    path: projectPathSchema,
    type: z.enum(['file', 'directory']),
    content: z.string().optional(),
  })
  .refine((body) => body.type === 'file' || body.content === undefined, {
    message: 'a directory has no content',
    path: ['content'],
  });
/** Body of "create a file or a directory". */
export type CreateFileBody = z.infer<typeof createFileBodySchema>;

/** Body of "move or rename an entry". */
export const moveFileBodySchema = z.object({
  from: projectPathSchema,
  to: projectPathSchema,
  overwrite: z.boolean().optional(),
});
/** Body of "move or rename an entry". */
export type MoveFileBody = z.infer<typeof moveFileBodySchema>;

/** Archive formats an upload may have (detected from the content, not the file name). */
export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz';

/** Archive formats a project can be downloaded as. */
export const exportFormatSchema = z.enum(['zip', 'tar.gz']);
/** Archive formats a project can be downloaded as. */
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** An archive entry that was not unpacked, and why. */
export interface SkippedArchiveEntry {
  path: string;
  reason: string;
}

/** Outcome of unpacking an uploaded archive into a project. */
export interface ArchiveImportResult {
  format: ArchiveFormat;
  /** Project-relative paths of the files and directories written. */
  written: string[];
  skipped: SkippedArchiveEntry[];
}

/** Answer of "save a file's content". */
export interface SavedFileDto {
  path: string;
  size: number;
  /** The saved content's entity tag (also the `ETag` header): send it as `If-Match` next time. */
  etag: string;
}

/** Answer of "upload files or an archive": what was written, and archive entries left out. */
export interface UploadResultDto {
  written: string[];
  skipped?: SkippedArchiveEntry[];
}
