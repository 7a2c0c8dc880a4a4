import { expect, it } from 'vitest';
import { pythonLanguageSocketPath, workspacePathOfUri } from './languages';

it('maps workspace URIs to project paths and everything else to null', () => {
  expect(workspacePathOfUri('file:///workspace')).toBe('');
  expect(workspacePathOfUri('file:///workspace/')).toBe('');
  expect(workspacePathOfUri('file:///workspace/pkg/mod.py')).toBe('pkg/mod.py');
  expect(workspacePathOfUri('file:///workspace/a%20b.py')).toBe('a b.py');
  expect(workspacePathOfUri('file:///workspace/x/../y.py')).toBe('y.py');
  expect(workspacePathOfUri('file:///workspace/../y.py')).toBeNull();
  expect(workspacePathOfUri('file:///workspace/%2E%2E/y.py')).toBeNull();
  expect(workspacePathOfUri('file:///workspace/a%2F..%2F..%2Fy.py')).toBeNull();
  expect(workspacePathOfUri('file:///workspace/a%00.py')).toBeNull();
  expect(workspacePathOfUri('file:///opt/pyright/dist/typeshed-fallback/stdlib/os/__init__.pyi')).toBeNull();
  expect(workspacePathOfUri('https://workspace/a.py')).toBeNull();
});

it('builds the socket path', () => {
  expect(pythonLanguageSocketPath('p_1')).toBe('/ws/projects/p_1/languages/python');
});
