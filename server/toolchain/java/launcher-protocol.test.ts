import { describe, expect, it } from 'vitest';
import {
  answers,
  compileReplySchema,
  describeCompile,
  newRequestId,
  parseLauncherLine,
  toDiagnostics,
} from './launcher-protocol';

describe('parseLauncherLine', () => {
  it('reads access log lines', () => {
    expect(parseLauncherLine('@slipway access GET /hello 200 421 3')).toEqual({
      kind: 'access',
      method: 'GET',
      path: '/hello',
      status: 200,
      bytes: 421,
      ms: 3,
    });
  });

  it('reads the ready line and replies, even after unterminated app output', () => {
    expect(parseLauncherLine('@slipway ready - {"app":false,"ms":412}')).toEqual({
      kind: 'ready',
      appStarted: false,
      ms: 412,
    });
    expect(parseLauncherLine('partial app output@slipway reloaded abc_1 {"ok":true}')).toEqual({
      kind: 'reply',
      reply: 'reloaded',
      id: 'abc_1',
      body: { ok: true },
    });
  });

  it('leaves the app’s own output alone', () => {
    expect(parseLauncherLine('Hello from the app')).toBeUndefined();
    expect(parseLauncherLine('@slipway compiled x not-json')).toBeUndefined();
    expect(parseLauncherLine('@slipway access GET /a b 200 1 1')).toBeUndefined();
  });

  it('matches replies by id, and errors for that id', () => {
    const id = newRequestId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(answers(`@slipway compiled ${id} {"ok":true}`, 'compiled', id)).toBe(true);
    expect(answers(`@slipway error ${id} {"message":"no compiler"}`, 'compiled', id)).toBe(true);
    expect(answers(`@slipway compiled other {"ok":true}`, 'compiled', id)).toBe(false);
    expect(answers(`@slipway reloaded ${id} {"ok":true}`, 'compiled', id)).toBe(false);
  });
});

describe('toDiagnostics', () => {
  const found = {
    file: 'src/main/java/com/example/A.java',
    line: 3,
    column: 9,
    endLine: 3,
    endColumn: 15,
    severity: 'error' as const,
    message: 'incompatible types: String cannot be converted to int',
    code: 'compiler.err.prob.found.req',
  };

  it('keeps project-relative positions as javac gave them', () => {
    const reply = compileReplySchema.parse({ ok: false, diagnostics: [found] });
    expect(toDiagnostics(reply)).toEqual([
      {
        file: 'src/main/java/com/example/A.java',
        line: 3,
        column: 9,
        endLine: 3,
        endColumn: 15,
        severity: 'error',
        message: 'incompatible types: String cannot be converted to int',
        source: 'javac',
        code: 'compiler.err.prob.found.req',
      },
    ]);
  });

  it('never passes on a path outside the project', () => {
    const reply = compileReplySchema.parse({
      ok: false,
      diagnostics: [
        { ...found, file: '/etc/passwd' },
        { ...found, file: '../other/A.java' },
        { ...found, file: 'src/../../A.java' },
        { ...found, file: '', line: 0, column: 0, code: null, message: 'invalid flag' },
      ],
    });
    const diagnostics = toDiagnostics(reply);
    expect(diagnostics.map((diagnostic) => [diagnostic.file, diagnostic.line, diagnostic.column])).toEqual([
      ['src/main/java', 1, 1],
      ['src/main/java', 1, 1],
      ['src/main/java', 1, 1],
      ['src/main/java', 1, 1],
    ]);
    expect(diagnostics[3]).not.toHaveProperty('code');
  });

  it('summarises a compile for the Output panel', () => {
    const reply = compileReplySchema.parse({
      ok: false,
      full: false,
      compiled: 1,
      sources: 9,
      ms: 23.5,
      diagnostics: [found],
    });
    expect(describeCompile(reply, 'warm')).toBe(
      'javac (warm, incremental): 1 of 9 source files, failed with 1 error in 23.5 ms',
    );
  });
});
