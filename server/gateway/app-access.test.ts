import { describe, expect, it } from 'vitest';
import { admits } from './app-access';

describe('admits', () => {
  it('lets anyone use a public app', () => {
    expect(admits('public', [])).toBe(true);
  });

  it('lets members of the tenant use a tenant app, and nobody else', () => {
    expect(admits('tenant', ['user'])).toBe(true);
    expect(admits('tenant', [])).toBe(false);
  });

  it('needs one of the listed roles', () => {
    expect(admits(['manager', 'developer'], ['developer'])).toBe(true);
    expect(admits(['manager'], ['developer', 'user'])).toBe(false);
    expect(admits(['manager'], [])).toBe(false);
  });
});
