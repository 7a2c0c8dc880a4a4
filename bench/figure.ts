/** One row of the results table. */
export interface Figure {
  name: string;
  measured: string;
  /** The target, or '—' when it sets none. */
  target: string;
  /** A figure for scale, from the column its section names (e.g. code-server 4.100); '—' if none. */
  reference: string;
  verdict: 'met' | 'missed' | 'no target';
}

/** What one benchmark contributes to the report: table rows and notes explaining them. */
export interface BenchOutcome {
  figures: Figure[];
  notes: string[];
}

/** 'met' when the measured value is at most the limit. */
export function judge(measured: number, limit: number): Figure['verdict'] {
  return measured <= limit ? 'met' : 'missed';
}
