/** One row of the results table. */
export interface Figure {
  name: string;
  measured: string;
  /** The target, or '—' when it sets none. */
  target: string;
  /** code-server 4.100 on this kind of machine, for scale. */
  codeServer: string;
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
