import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors';
import { parseAppManifest, type AppManifestInput } from './app-manifest';

const minimalWsgi: AppManifestInput = {
  name: 'expense-reports',
  title: 'Expense reports',
  description: 'Record expenses.',
  runtime: 'python',
  kind: 'wsgi',
  entry: 'app:app',
};

function parse(value: unknown) {
  return parseAppManifest(JSON.stringify(value));
}

function rejectionOf(value: unknown): DomainError {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('parseAppManifest', () => {
  it('fills in defaults for everything optional', () => {
    expect(parse(minimalWsgi)).toEqual({
      ...minimalWsgi,
      env: {},
      scaling: { min: 0, max: 1, idleSeconds: 300 },
      memory: 256,
      services: [],
      cron: [],
      access: 'tenant',
      affinity: false,
    });
  });

  it('accepts a complete manifest unchanged', () => {
    const complete = {
      ...minimalWsgi,
      env: { CURRENCY: 'EUR', _DEBUG: '' },
      scaling: { min: 1, max: 4, idleSeconds: 0 },
      memory: 512,
      services: ['datastore', 'push'],
      cron: [{ path: '/tasks/remind', schedule: '0 7 * * MON-FRI' }],
      access: ['approvers', 'finance-team'],
      affinity: true,
    };
    expect(parse(complete)).toEqual(complete);
  });

  it('routes Java apps to one instance per user by default, and takes an explicit choice', () => {
    const servlet = { name: 'approvals', runtime: 'java', kind: 'servlet' };
    expect(parse(servlet).affinity).toBe(true);
    expect(parse({ ...servlet, affinity: false }).affinity).toBe(false);
    expect(parse(minimalWsgi).affinity).toBe(false);
    expect(parse({ ...minimalWsgi, affinity: true }).affinity).toBe(true);
    expect(rejectionOf({ ...minimalWsgi, affinity: 'yes' }).message).toMatch(/affinity/);
  });

  it('defaults the entry of servlet and cgi apps', () => {
    const java = parse({ ...minimalWsgi, runtime: 'java', kind: 'servlet', entry: undefined });
    expect(java.entry).toBe('src/main/webapp');
    const cgi = parse({ ...minimalWsgi, kind: 'cgi', entry: undefined });
    expect(cgi.entry).toBe('cgi-bin/');
  });

  it('fills in the missing scaling fields only', () => {
    expect(parse({ ...minimalWsgi, scaling: { max: 3 } }).scaling).toEqual({ min: 0, max: 3, idleSeconds: 300 });
  });

  it.each([
    ['Bad_Name', 'name'],
    ['a', 'name'],
  ])('rejects the app name %j', (name, field) => {
    const error = rejectionOf({ ...minimalWsgi, name });
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain(`${field}:`);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown runtime', { runtime: 'ruby' }, 'runtime'],
    ['a java app of kind wsgi', { runtime: 'java', kind: 'wsgi' }, 'kind'],
    ['a python servlet', { kind: 'servlet', entry: undefined }, 'kind'],
    ['a wsgi app without entry', { entry: undefined }, 'entry'],
    ['a malformed wsgi entry', { entry: 'app.py' }, 'entry'],
    ['a cgi app with another folder', { kind: 'cgi', entry: 'scripts/' }, 'entry'],
    ['a fractional memory size', { memory: 256.5 }, 'memory'],
    ['too little memory', { memory: 16 }, 'memory'],
    ['min above max', { scaling: { min: 3, max: 2 } }, 'scaling.min'],
    ['an unknown scaling field', { scaling: { maximum: 2 } }, 'scaling'],
    ['a bad environment variable name', { env: { 'MY-VAR': 'x' } }, 'env.MY-VAR'],
    ['a reserved environment variable', { env: { SLIPWAY_APP_DATA_DIR: '/' } }, 'env.SLIPWAY_APP_DATA_DIR'],
    ['a non-string environment value', { env: { PORT: 8080 } }, 'env.PORT'],
    ['an unknown service', { services: ['mail'] }, 'services[0]'],
    ['a service listed twice', { services: ['push', 'push'] }, 'services'],
    ['a cron path without a slash', { cron: [{ path: 'tasks', schedule: '* * * * *' }] }, 'cron[0].path'],
    ['a six-field cron schedule', { cron: [{ path: '/t', schedule: '0 0 7 * * *' }] }, 'cron[0].schedule'],
    ['an out-of-range cron hour', { cron: [{ path: '/t', schedule: '0 24 * * *' }] }, 'cron[0].schedule'],
    ['a reversed cron range', { cron: [{ path: '/t', schedule: '0 9-5 * * *' }] }, 'cron[0].schedule'],
    ['an unknown access level', { access: 'everyone' }, 'access'],
    ['an empty role list', { access: [] }, 'access'],
  ])('rejects %s, naming the field', (_case, change, field) => {
    const error = rejectionOf({ ...minimalWsgi, ...change });
    expect(error.code).toBe('invalid-input');
    expect(error.message).toMatch(new RegExp(`^slipway\\.json: .*${escapeRegExp(field)}`));
    expect(error.data['issues']).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('rejects unknown top-level fields, so typos do not pass silently', () => {
    expect(rejectionOf({ ...minimalWsgi, scalling: {} }).message).toContain('scalling');
  });

  it.each(['*/15 * * * *', '0 7 * * 1-5', '30 6 1,15 JAN-MAR sun', '0 0 * * 7'])(
    'accepts the cron schedule %j',
    (schedule) => {
      expect(parse({ ...minimalWsgi, cron: [{ path: '/tick', schedule }] }).cron[0]?.schedule).toBe(schedule);
    },
  );

  it('reports text that is not JSON', () => {
    const attempt = () => parseAppManifest('{ "name": ');
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(/slipway\.json is not valid JSON/);
  });

  it('reports JSON that is not an object', () => {
    expect(rejectionOf([]).code).toBe('invalid-input');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
