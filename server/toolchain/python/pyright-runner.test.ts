import { describe, expect, it } from 'vitest';
import { findPyrightPackage, parsePyrightReport } from './pyright-runner';

const report = JSON.stringify({
  version: '1.1.414',
  generalDiagnostics: [
    {
      file: '/workspace/pkg/helpers.py',
      severity: 'error',
      message: '"undefined_name" is not defined',
      range: { start: { line: 4, character: 11 }, end: { line: 4, character: 25 } },
      rule: 'reportUndefinedVariable',
    },
    { file: '/workspace/app.py', severity: 'information', message: 'note' },
    { file: '/usr/lib/python3/dist-packages/x.py', severity: 'warning', message: 'outside', range: undefined },
  ],
  summary: { filesAnalyzed: 2, errorCount: 1, warningCount: 0, informationCount: 1 },
});

describe('parsePyrightReport', () => {
  it('turns pyright findings into 1-based, project-relative diagnostics', () => {
    expect(parsePyrightReport(report, '/workspace')).toEqual([
      {
        file: 'pkg/helpers.py',
        line: 5,
        column: 12,
        endLine: 5,
        endColumn: 26,
        severity: 'error',
        message: '"undefined_name" is not defined',
        source: 'pyright',
        code: 'reportUndefinedVariable',
      },
      { file: 'app.py', line: 1, column: 1, severity: 'info', message: 'note', source: 'pyright' },
    ]);
  });

  it('rejects output that is not a pyright report', () => {
    expect(() => parsePyrightReport('{"generalDiagnostics": 3}', '/workspace')).toThrow();
  });
});

it('finds the installed pyright package', () => {
  expect(findPyrightPackage()).toMatch(/node_modules\/pyright$/);
});
