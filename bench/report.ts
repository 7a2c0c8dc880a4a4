import type { BenchOutcome, Figure } from './figure';
import type { MachineInfo } from './machine-info';

/** Everything one run of the benchmark reports. */
export interface BenchReport {
  title: string;
  machine: MachineInfo;
  date: Date;
  command: string;
  durationMs: number;
  /** Load averages (1 / 5 / 15 min) when the section started and ended. */
  load: { start: string; end: string };
  /** Heading of the table's column of figures for scale (`Figure.reference`). */
  referenceColumn: string;
  /** The section's conventions line: units, and which statistic each verdict uses. */
  conventions: string;
  /** More software the figures depend on (e.g. the preview toolchains), if any. */
  software?: string;
  outcomes: BenchOutcome[];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The results as a markdown table (also what is printed to stdout). */
export function renderTable(figures: Figure[], referenceColumn: string): string {
  const rows = figures.map((f) => [f.name, f.measured, f.target, f.reference, f.verdict].map(cell).join(' | '));
  return [
    `| Figure | Measured | Target | ${cell(referenceColumn)} | Verdict |`,
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
    `- Software: Node ${machine.node}, Chromium ${machine.chromium} (headless, Debian's /usr/bin/chromium)` +
      (report.software ? `; ${report.software}` : ''),
    `- Date: ${report.date.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Command: \`${report.command}\` (this section took ${(report.durationMs / 1000).toFixed(0)} s)`,
    `- Load average (1 / 5 / 15 min): ${report.load.start} at the start, ${report.load.end} at the end`,
    `- ${report.conventions}`,
    '',
    renderTable(figures, report.referenceColumn),
    '',
    'Notes:',
    '',
    ...notes.map((note) => `- ${note}`),
  ].join('\n');
}
