/** A fuzzy match of a query against a path: higher scores rank first; `positions` index matched characters. */
export interface FuzzyMatch {
  path: string;
  score: number;
  positions: number[];
}

const SEPARATORS = new Set(['/', '.', '-', '_', ' ']);

/**
 * Subsequence match in the spirit of VS Code's quick open: every query character must appear in
 * order; consecutive runs, word starts and matches inside the file name (not its folders) score
 * higher, and shorter paths win ties.
 */
export function fuzzyMatch(query: string, path: string): FuzzyMatch | null {
  const q = query.replace(/\s+/g, '').toLowerCase();
  if (!q) return { path, score: 0, positions: [] };
  const lower = path.toLowerCase();
  const nameStart = path.lastIndexOf('/') + 1;

  // Prefer matching inside the file name when the whole query fits there.
  const attempt = (from: number): FuzzyMatch | null => {
    const positions: number[] = [];
    let score = 0;
    let last = -2;
    let i = from;
    for (const ch of q) {
      const found = lower.indexOf(ch, i);
      if (found < 0) return null;
      positions.push(found);
      score += 1;
      if (found === last + 1) score += 5;
      const prev = path[found - 1];
      if (found === 0 || (prev !== undefined && SEPARATORS.has(prev))) score += 8;
      else if (path[found] !== lower[found] && prev !== undefined && prev === prev.toLowerCase()) score += 6;
      if (found >= nameStart) score += 3;
      last = found;
      i = found + 1;
    }
    score -= path.length * 0.05;
    return { path, score, positions };
  };

  const inName = attempt(nameStart);
  const anywhere = attempt(0);
  if (inName && anywhere) return inName.score >= anywhere.score ? inName : anywhere;
  return inName ?? anywhere;
}

/** The best `limit` matches of `query` among `paths`. */
export function rankPaths(query: string, paths: string[], limit = 50): FuzzyMatch[] {
  const matches: FuzzyMatch[] = [];
  for (const path of paths) {
    const match = fuzzyMatch(query, path);
    if (match) matches.push(match);
  }
  if (query.trim()) matches.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  return matches.slice(0, limit);
}
