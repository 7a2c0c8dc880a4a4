import { z } from 'zod';

export const commitBodySchema = z.object({
  message: z.string().trim().min(1, 'a commit message is required').max(5000),
  paths: z.array(z.string().min(1).max(1024)).max(10_000).optional(),
});

export const revertBodySchema = z.object({ path: z.string().min(1).max(1024) });

/** One changed path in `git status`. */
export interface GitFileStatusDto {
  path: string;
  /** Porcelain code for the index column (e.g. 'M', 'A', 'D', '?'). */
  index: string;
  /** Porcelain code for the working-tree column. */
  workingTree: string;
}

export interface GitStatusDto {
  branch: string;
  files: GitFileStatusDto[];
}

export interface GitDiffDto {
  path: string;
  original: string;
  modified: string;
  patch: string;
}

export interface GitCommitDto {
  hash: string;
  shortHash: string;
  message: string;
  authorName: string;
  authorEmail: string;
  date: string;
}
