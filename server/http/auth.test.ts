import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TEST_ADMIN, type TestPlatform } from '../test-support/test-platform';
import type { SessionDto } from '../protocol/identity';

let env: TestPlatform;
beforeAll(async () => {
  env = await startTestPlatform();
});
afterAll(() => env.close());

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as { status: number; detail: string; code?: string };
}

describe('login and sessions', () => {
  it('creates the operator and a first tenant where they are manager and developer', async () => {
    const admin = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const session = await admin.json<SessionDto>('GET', '/session');
    expect(session.user).toMatchObject({ email: TEST_ADMIN.email, isOperator: true });
    expect(session.memberships).toHaveLength(1);
    expect(session.memberships[0]?.roles.sort()).toEqual(['developer', 'manager']);
  });

  it('sets an HttpOnly SameSite cookie and ends the session on logout', async () => {
    const response = await env.anonymous().post('/auth/login', TEST_ADMIN);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const admin = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    expect((await admin.post('/auth/logout')).status).toBe(204);
    expect((await admin.get('/session')).status).toBe(401);
  });

  it('refuses wrong passwords with a problem document and throttles repeated failures', async () => {
    const anonymous = env.anonymous();
    const wrong = await anonymous.post('/auth/login', { email: 'victim@example.test', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect((await problemOf(wrong)).detail).toMatch(/wrong/);
    for (let i = 0; i < 5; i++) await anonymous.post('/auth/login', { email: 'victim@example.test', password: 'nope' });
    const throttled = await anonymous.post('/auth/login', { email: 'victim@example.test', password: 'nope' });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('answers unauthenticated API calls with 401', async () => {
    const response = await env.anonymous().get('/tenants');
    expect(response.status).toBe(401);
    expect((await problemOf(response)).code).toBe('unauthenticated');
  });
});

describe('request hardening', () => {
  it('refuses state changes without the CSRF token or from a foreign origin', async () => {
    const admin = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const body = JSON.stringify({ name: 'Evil', slug: 'evil-corp' });
    const noToken = await env.platform.api.request('http://slipway.test/api/v1/tenants', {
      method: 'POST',
      headers: { cookie: admin.cookie ?? '', 'content-type': 'application/json', origin: 'http://slipway.test' },
      body,
    });
    expect(noToken.status).toBe(403);
    const foreign = await admin.request('POST', '/tenants', {
      body,
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const foreignLogin = await env.anonymous().request('POST', '/auth/login', {
      body: JSON.stringify(TEST_ADMIN),
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
    });
    expect(foreignLogin.status).toBe(403);
  });

  it('explains malformed JSON, wrong content types, schema violations and oversized bodies', async () => {
    const admin = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const malformed = await admin.request('POST', '/tenants', {
      body: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).detail).toMatch(/not valid JSON/);
    const wrongType = await admin.request('POST', '/tenants', { body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(wrongType.status).toBe(400);
    const invalid = await admin.post('/tenants', { name: '', slug: 'NO' });
    expect(invalid.status).toBe(400);
    expect((await problemOf(invalid)).detail).toMatch(/slug/);
    const huge = await admin.post('/tenants', { name: 'x'.repeat(2 * 1024 * 1024), slug: 'huge' });
    expect(huge.status).toBe(413);
  });

  it('answers unknown API paths with a 404 problem', async () => {
    const admin = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const response = await admin.get('/no-such-thing');
    expect(response.status).toBe(404);
    expect((await problemOf(response)).detail).toMatch(/No API route/);
  });
});

describe('API tokens', () => {
  it('authenticates a bearer token without CSRF and stops after revocation', async () => {
    const admin = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const created = await admin.json<{ id: string; token: string }>('POST', '/tokens', { name: 'cli' });
    expect(created.token).toMatch(/^slw_/);
    const viaToken = await env.platform.api.request('http://slipway.test/api/v1/tenants', {
      method: 'POST',
      headers: { authorization: `Bearer ${created.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Token Co', slug: 'token-co' }),
    });
    expect(viaToken.status).toBe(201);
    expect((await admin.delete(`/tokens/${created.id}`)).status).toBe(204);
    const after = await env.platform.api.request('http://slipway.test/api/v1/session', {
      headers: { authorization: `Bearer ${created.token}` },
    });
    expect(after.status).toBe(401);
  });
});
