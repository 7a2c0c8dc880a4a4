import type { BenchOutcome, Figure } from './figure';
import type { MachineInfo } from './machine-info';

/** Everything one run of the benchmark reports. */
export interface BenchReport {
  title: string;
  machine: MachineInfo;
  date: Date;
  command: string;
  durationMs: number;
  /** Load averages (1 / 5 / 15 min) when the run started and ended. */
  load: { start: string; end: string };
  outcomes: BenchOutcome[];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The results as a markdown table (also what is printed to stdout). */
export function renderTable(figures: Figure[]): string {
  const rows = figures.map((f) => [f.name, f.measured, f.target, f.codeServer, f.verdict].map(cell).join(' | '));
  return [
    '| Figure | Measured | Target | code-server 4.100 | Verdict |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** The report's section of bench/RESULTS.md, starting with its `## title` heading. */
export function renderSection(report: BenchReport): string {
  const { machine } = report;
  const figures = report.outcomes.flatMap((o) => o.figures);
  const notes = report.outcomes.flatMap((o) => o.notes);
  return [
    `## ${report.title}`,
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGB.toFixed(1)} GB RAM, ${machine.os}`,
    `- Software: Node ${machine.node}, Chromium ${machine.chromium} (headless, Debian's /usr/bin/chromium)`,
    `- Date: ${report.date.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Command: \`${report.command}\` (took ${(report.durationMs / 1000).toFixed(0)} s)`,
    `- Load average (1 / 5 / 15 min): ${report.load.start} at the start, ${report.load.end} at the end`,
    '- Units: MB = 10^6 bytes. Load verdicts use the max of the runs; echo uses p95. See bench/README.md.',
    '',
    renderTable(figures),
    '',
    'Notes:',
    '',
    ...notes.map((note) => `- ${note}`),
  ].join('\n');
}
