import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseLocationFrom, openDatabase } from '../db/database';
import type { Database } from '../db/schema';
import type { MemberDto, SessionDto } from '../protocol/identity';
import type { OutboxMailDetailDto, OutboxPageDto, UserMessagesPageDto } from '../protocol/messaging';
import type { ProjectDto } from '../protocol/projects';
import { memberOfNewTenant } from '../test-support/fixtures';
import { PlatformServicesTestClient } from '../test-support/platform-services-client';
import { testDialects } from '../test-support/test-databases';
import { startTestPlatform, TEST_ADMIN, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

// Messaging as apps call it (/_platform/v1, in-process) and as the IDE and users read it (/api/v1).
// No SMTP server here: mail stays in the outbox (messaging-smtp.int.test.ts sends for real).

const mail = { to: ['ana@example.com'], subject: 'Your expense report', text: 'Report 17 was approved.' };

describe.each(testDialects())('messaging on %s', (dialect) => {
  let env: TestPlatform;
  let services: PlatformServicesTestClient;
  let db: Kysely<Database>;
  let dev: { client: ApiTestClient; userId: string; email: string };
  let tenantId: string;
  let project: ProjectDto;
  let outsider: ApiTestClient;
  let outsiderTenantId: string;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect, configure: (config) => void (config.mail.perHour = 3) });
    services = await PlatformServicesTestClient.for(env);
    const acme = await memberOfNewTenant(env, 'acme', ['developer']);
    tenantId = acme.tenant.id;
    dev = {
      client: acme.client,
      email: acme.email,
      userId: (await acme.client.json<SessionDto>('GET', '/session')).user.id,
    };
    project = await acme.client.json<ProjectDto>('POST', `/tenants/${tenantId}/projects`, {
      name: 'expenses',
      templateId: 'python-hello',
    });
    const globex = await memberOfNewTenant(env, 'globex', ['developer', 'manager']);
    outsider = globex.client;
    outsiderTenantId = globex.tenant.id;
    db = await openDatabase(databaseLocationFrom(env.platform.config.databaseUrl, env.platform.config.dataDir));
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await env?.close();
  });

  const preview = () => services.token({ tenantId, appId: project.id, environment: 'preview' });
  const outbox = async (client = dev.client) =>
    client.json<OutboxPageDto>('GET', `/projects/${project.id}/outbox?limit=100`);

  /** A new member of a tenant, signed in. */
  async function member(tenant: string, email: string, roles: MemberDto['roles']) {
    const operator = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const added = await operator.json<MemberDto>('POST', `/tenants/${tenant}/members`, { email, name: 'Boss', roles });
    await env.anonymous().post(`/invitations/${added.invitationToken}/accept`, { password: `password of ${email}` });
    return { client: await env.login(email, `password of ${email}`), userId: added.userId };
  }

  it("keeps mail in the outbox without an SMTP server and shows it in the project's Outbox", async () => {
    const answer = await services.call(await preview(), 'messaging/mail', { ...mail, html: '<p>Approved.</p>' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: expect.any(String) as string, via: 'outbox' });
    const listed = (await outbox()).mails.find((m) => m.id === answer.body.id);
    expect(listed).toMatchObject({
      to: mail.to,
      subject: mail.subject,
      via: 'outbox',
      status: 'outbox',
      environment: 'preview',
      hasHtml: true,
    });
    const detail = await dev.client.json<OutboxMailDetailDto>(
      'GET',
      `/projects/${project.id}/outbox/${String(answer.body.id)}`,
    );
    expect(detail).toMatchObject({ text: mail.text, html: '<p>Approved.</p>', from: 'Slipway <noreply@localhost>' });
  });

  it('refuses bad addresses, header injection and oversized bodies with clear problems', async () => {
    const token = await services.token({ tenantId, appId: 'refusals', environment: 'preview' });
    const bad = await services.call(token, 'messaging/mail', { ...mail, to: ['ana@example.com', 'Eve <eve@x.test>'] });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body).toMatchObject({ code: 'invalid-input', field: 'to.1' });
    expect(bad.body.detail).toContain('"Eve <eve@x.test>" (to.1) is not a valid mail address');
    const injected = await services.call(token, 'messaging/mail', { ...mail, subject: 'Hi\r\nBcc: eve@x.test' });
    expect(injected.status).toBe(400);
    expect(injected.body.detail).toContain('inject mail headers');
    const huge = await services.call(token, 'messaging/mail', { ...mail, text: 'x'.repeat(1024 * 1024 + 1) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ code: 'too-large', field: 'text' });
    const many = await services.call(token, 'messaging/mail', {
      ...mail,
      to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`),
    });
    expect(many.status).toBe(400);
    const shapeless = await services.call(token, 'messaging/mail', { to: 'ana@example.com', subject: 'x' });
    expect(shapeless.status).toBe(400);
    // Nothing refused was recorded (nor counted against the hourly limit).
    const rows = await db.selectFrom('mail_outbox').select('id').where('app_id', '=', 'refusals').execute();
    expect(rows).toEqual([]);
  });

  it('limits mail per app and hour, with Retry-After; other apps keep their budget', async () => {
    const token = await services.token({ tenantId, appId: 'chatty', environment: 'preview' });
    for (let i = 0; i < 3; i++) expect((await services.call(token, 'messaging/mail', mail)).status).toBe(200);
    const refused = await services.call(token, 'messaging/mail', mail);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'too-many-requests', limit: 3 });
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(3600);
    expect(refused.body.retryAfterSeconds).toBe(retry);
    const production = await services.token({ tenantId, appId: 'chatty', environment: 'production' });
    expect((await services.call(production, 'messaging/mail', mail)).status).toBe(200);
    const quiet = await services.token({ tenantId, appId: 'quiet', environment: 'preview' });
    expect((await services.call(quiet, 'messaging/mail', mail)).status).toBe(200);
  });

  it("shows the linked app's production mail with the previews', and nothing of other apps or tenants", async () => {
    const appId = `app-expenses-${dialect}`;
    await db
      .insertInto('apps')
      .values({
        id: appId,
        tenant_id: tenantId,
        slug: 'expenses',
        title: 'Expenses',
        runtime: 'python',
        project_id: project.id,
        active_version_id: null,
        created_by: dev.userId,
        created_at: new Date().toISOString(),
      })
      .execute();
    const send = async (
      scope: { tenantId: string; appId: string; environment: 'preview' | 'production' },
      subject: string,
    ) => (await services.call(await services.token(scope), 'messaging/mail', { ...mail, subject })).body.id as string;
    const live = await send({ tenantId, appId, environment: 'production' }, 'from production');
    const otherApp = await send({ tenantId, appId: 'app-unrelated', environment: 'production' }, 'other app');
    const projectAsProduction = await send({ tenantId, appId: project.id, environment: 'production' }, 'wrong env');
    const otherTenant = await send({ tenantId: outsiderTenantId, appId: project.id, environment: 'preview' }, 'x');
    const ids = (await outbox()).mails.map((m) => m.id);
    expect(ids).toContain(live);
    for (const hidden of [otherApp, projectAsProduction, otherTenant]) expect(ids).not.toContain(hidden);
    expect((await outbox()).mails.find((m) => m.id === live)).toMatchObject({ environment: 'production', appId });
    const elsewhere = await dev.client.get(`/projects/${project.id}/outbox/${otherApp}`);
    expect(elsewhere.status).toBe(404);
  });

  it('answers a tenant whose contract leaves messaging out with a 403 naming it', async () => {
    const contracted = await memberOfNewTenant(env, 'initech', ['developer']);
    await env.platform.services.contracts.setContract(contracted.tenant.id, { services: ['datastore'] });
    const token = await services.token({ tenantId: contracted.tenant.id, appId: 'any', environment: 'preview' });
    for (const [operation, body] of [
      ['messaging/mail', mail],
      ['messaging/message', { user: 'u', subject: 'Hi', body: 'Hi.' }],
    ] as const) {
      const answer = await services.call(token, operation, body);
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ code: 'forbidden', service: 'messaging' });
      expect(answer.body.detail).toContain('"messaging" service is not part of');
    }
  });

  it('leaves messages for members (from the acting user), not for other tenants; recipients read them', async () => {
    const boss = await member(tenantId, 'boss@acme.test', ['manager']);
    const acting = services.identityHeaders({
      appId: project.id,
      userId: dev.userId,
      name: 'acme',
      email: dev.email,
      roles: ['developer'],
    });
    const sent = await services.call(
      await preview(),
      'messaging/message',
      { user: boss.userId, subject: 'Report 17 to approve', body: 'It waits for you.' },
      acting,
    );
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ id: expect.any(String) as string });
    const foreign = await services.call(await preview(), 'messaging/message', {
      user: (await outsider.json<SessionDto>('GET', '/session')).user.id,
      subject: 'Hi',
      body: 'Hi.',
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'not-found' });
    const multiLine = await services.call(await preview(), 'messaging/message', {
      user: boss.userId,
      subject: 'a\nb',
      body: 'x',
    });
    expect(multiLine.status).toBe(400);

    const inbox = await boss.client.json<UserMessagesPageDto>('GET', '/messages');
    expect(inbox.unread).toBe(1);
    expect(inbox.messages).toEqual([
      expect.objectContaining({
        id: sent.body.id,
        tenantId,
        appId: project.id,
        environment: 'preview',
        appName: 'expenses',
        from: { id: dev.userId, name: 'acme', email: dev.email },
        subject: 'Report 17 to approve',
        body: 'It waits for you.',
        readAt: null,
      }),
    ]);
    expect((await dev.client.json<UserMessagesPageDto>('GET', '/messages')).messages).toEqual([]);
    expect((await dev.client.post(`/messages/${String(sent.body.id)}/read`)).status).toBe(404);
    expect((await boss.client.post(`/messages/${String(sent.body.id)}/read`)).status).toBe(204);
    const after = await boss.client.json<UserMessagesPageDto>('GET', '/messages');
    expect(after.unread).toBe(0);
    expect(after.messages[0]?.readAt).toEqual(expect.any(String));
  });

  it("lists one organisation's messages (and unread count) when asked, as the launcher does", async () => {
    const both = await member(tenantId, 'both@acme.test', ['user']);
    const operator = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    await operator.json<MemberDto>('POST', `/tenants/${outsiderTenantId}/members`, {
      email: 'both@acme.test',
      name: 'Both',
      roles: ['user'],
    });
    const message = { user: both.userId, subject: 'Hello', body: 'Hi.' };
    expect((await services.call(await preview(), 'messaging/message', message)).status).toBe(200);
    const globexApp = await services.token({
      tenantId: outsiderTenantId,
      appId: 'app-globex',
      environment: 'production',
    });
    expect((await services.call(globexApp, 'messaging/message', message)).status).toBe(200);

    const all = await both.client.json<UserMessagesPageDto>('GET', '/messages');
    expect(all.messages.map((m) => m.tenantId).sort()).toEqual([tenantId, outsiderTenantId].sort());
    expect(all.unread).toBe(2);
    for (const tenant of [tenantId, outsiderTenantId]) {
      const one = await both.client.json<UserMessagesPageDto>('GET', `/messages?tenantId=${tenant}`);
      expect(one.messages.map((m) => m.tenantId)).toEqual([tenant]);
      expect(one.unread).toBe(1);
    }
    const empty = await both.client.get('/messages?tenantId=');
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toContain('application/problem+json');
  });

  it('keeps the outbox and messages to signed-in users with a project role, and outsiders out (404)', async () => {
    const anonymous = env.anonymous();
    expect((await anonymous.get('/messages')).status).toBe(401);
    expect((await anonymous.get(`/projects/${project.id}/outbox`)).status).toBe(401);
    expect((await anonymous.post('/messages/x/read')).status).toBe(401);
    const answer = await services.call(await preview(), 'messaging/mail', mail);
    const foreignList = await outsider.get(`/projects/${project.id}/outbox`);
    expect(foreignList.status).toBe(404);
    expect(foreignList.headers.get('content-type')).toContain('application/problem+json');
    expect((await outsider.get(`/projects/${project.id}/outbox/${String(answer.body.id)}`)).status).toBe(404);
    const user = await member(tenantId, 'clerk@acme.test', ['user']);
    expect((await user.client.get(`/projects/${project.id}/outbox`)).status).toBe(404);
    expect((await dev.client.get(`/projects/${project.id}/outbox?limit=0`)).status).toBe(400);
    expect((await dev.client.get(`/projects/${project.id}/outbox?cursor=bogus`)).status).toBe(400);
    const first = await dev.client.json<OutboxPageDto>('GET', `/projects/${project.id}/outbox?limit=1`);
    expect(first.mails).toHaveLength(1);
    expect(first.mails[0]?.id).toBe(answer.body.id);
    const next = await dev.client.json<OutboxPageDto>(
      'GET',
      `/projects/${project.id}/outbox?limit=1&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
    );
    expect(next.mails[0]?.id).not.toBe(answer.body.id);
  });
});
