import { describe, expect, it } from 'vitest';
import { formatAccessEntry, parsePythonInstanceLine } from './python-instance-output';

describe('parsePythonInstanceLine', () => {
  it('reads access lines, in the Java launcher’s format', () => {
    const line = '@slipway access GET /static/a%20b.css 200 643 1';
    const parsed = parsePythonInstanceLine(line);
    expect(parsed).toEqual({
      kind: 'access',
      entry: { method: 'GET', path: '/static/a%20b.css', status: 200, bytes: 643, ms: 1 },
    });
    if (parsed.kind === 'access') expect(formatAccessEntry(parsed.entry)).toBe('GET /static/a%20b.css 200 643 B 1 ms');
  });

  it('reads worker ready lines, also after an unterminated line of the app', () => {
    const parsed = parsePythonInstanceLine(
      'loading…@slipway ready - {"app":false,"ms":12,"pid":6,"master":2,"generation":3,"workers":1,"error":"NameError"}',
    );
    expect(parsed).toEqual({
      kind: 'worker-ready',
      worker: { app: false, ms: 12, pid: 6, master: 2, generation: 3, workers: 1, error: 'NameError' },
    });
  });

  it('leaves everything else as the app wrote it', () => {
    for (const text of ['hello', '@slipway access GET', '@slipway ready - {"app":true}', '@slipway ready - {', '']) {
      expect(parsePythonInstanceLine(text)).toEqual({ kind: 'text', text });
    }
  });
});
