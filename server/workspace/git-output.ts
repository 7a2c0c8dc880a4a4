// Parsers for git's machine-readable output (`status --porcelain=v2 -z`, `log -z`, `ls-tree -z`).
import type { GitCommitDto, GitFileStatusDto, GitStatusDto } from '../protocol/git';

/** Field separator of the log format below; commits are separated by NUL through `-z`. */
export const LOG_FORMAT = '%H%x00%h%x00%an%x00%ae%x00%aI%x00%B';
const LOG_FIELDS = 6;

// Porcelain v2 writes "." for "unchanged"; the DTO uses the porcelain v1 letters (" " unchanged).
function code(letter: string | undefined): string {
  return letter === undefined || letter === '.' ? ' ' : letter;
}

/** Parses `git status --porcelain=v2 -z --branch --no-renames`. */
export function parseStatus(output: string): GitStatusDto {
  let branch = '';
  const files: GitFileStatusDto[] = [];
  const records = output.split('\0');
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i] ?? '';
    if (record.startsWith('# branch.head ')) {
      branch = record.slice('# branch.head '.length);
    } else if (record.startsWith('1 ')) {
      // 1 XY sub mH mI mW hH hI path
      const fields = splitFields(record, 8);
      files.push(entry(fields[8], fields[1]));
    } else if (record.startsWith('2 ')) {
      // 2 XY sub mH mI mW hH hI Xscore path NUL origPath (only without --no-renames; kept for safety)
      const fields = splitFields(record, 9);
      files.push(entry(fields[9], fields[1]));
      i += 1;
    } else if (record.startsWith('u ')) {
      // u XY sub m1 m2 m3 mW h1 h2 h3 path
      const fields = splitFields(record, 10);
      files.push(entry(fields[10], fields[1]));
    } else if (record.startsWith('? ')) {
      files.push({ path: record.slice(2), index: '?', workingTree: '?' });
    }
  }
  return { branch, files };
}

function entry(path: string | undefined, xy: string | undefined): GitFileStatusDto {
  return { path: path ?? '', index: code(xy?.[0]), workingTree: code(xy?.[1]) };
}

// Splits off `count` space-separated fields; the rest (a path that may contain spaces) is last.
function splitFields(record: string, count: number): string[] {
  const fields: string[] = [];
  let rest = record;
  for (let n = 0; n < count; n += 1) {
    const space = rest.indexOf(' ');
    if (space < 0) break;
    fields.push(rest.slice(0, space));
    rest = rest.slice(space + 1);
  }
  fields.push(rest);
  return fields;
}

/** Parses `git log -z --format=LOG_FORMAT`. */
export function parseLog(output: string): GitCommitDto[] {
  const fields = output.split('\0');
  const commits: GitCommitDto[] = [];
  for (let i = 0; i + LOG_FIELDS <= fields.length; i += LOG_FIELDS) {
    const [hash, shortHash, authorName, authorEmail, date, message] = fields.slice(i, i + LOG_FIELDS);
    if (!hash) continue;
    commits.push({
      hash: hash.replace(/^\n/, ''),
      shortHash: shortHash ?? '',
      message: (message ?? '').trim(),
      authorName: authorName ?? '',
      authorEmail: authorEmail ?? '',
      date: date ?? '',
    });
  }
  return commits;
}

/** One object listed by `git ls-tree -z`. */
export interface TreeObject {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

/** Parses `git ls-tree -z` (`<mode> SP <type> SP <oid> TAB <path>` per record). */
export function parseLsTree(output: string): TreeObject[] {
  const objects: TreeObject[] = [];
  for (const record of output.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', type = '', oid = ''] = record.slice(0, tab).split(' ');
    objects.push({ mode, type, oid, path: record.slice(tab + 1) });
  }
  return objects;
}
