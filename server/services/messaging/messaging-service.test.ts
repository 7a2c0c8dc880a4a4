import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { testDialects } from '../../test-support/test-databases';
import type { ServiceScope } from '../service-scope';
import { openMessagingTest, RecordingTransport, type MessagingTestContext } from './messaging-test-support';

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const mail = { to: ['ana@example.com'], subject: 'Your expense report', text: 'Report 17 was approved.' };

describe.each(testDialects())('MessagingService on %s', (dialect) => {
  let t: MessagingTestContext;
  let tenantId: string;
  let projectId: string;
  let preview: ServiceScope;
  beforeEach(async () => {
    t = await openMessagingTest(dialect);
    const tenant = await t.tenantWith('acme');
    tenantId = tenant.tenantId;
    projectId = await t.project(tenantId, tenant.principal.userId, 'expenses', 'app-expenses');
    preview = { tenantId, appId: projectId, environment: 'preview' };
  });
  afterEach(() => t.dispose());

  it('keeps mail in the outbox when no SMTP server is configured', async () => {
    const messaging = t.messaging();
    const answer = await messaging.mail(preview, { ...mail, html: '<p>Approved.</p>' });
    expect(answer).toMatchObject({ id: expect.stringMatching(/^mail_/) as string, via: 'outbox' });
    const row = await t.db.selectFrom('mail_outbox').selectAll().where('id', '=', answer.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      tenant_id: tenantId,
      app_id: projectId,
      environment: 'preview',
      status: 'outbox',
      via: 'outbox',
      recipients: '["ana@example.com"]',
      subject: mail.subject,
      text_body: mail.text,
      html_body: '<p>Approved.</p>',
      error: null,
      user_id: null,
    });
  });

  it('sends through the transport with the From, the acting user as Reply-To and headers naming the app', async () => {
    const transport = new RecordingTransport();
    const messaging = t.messaging({ transport, from: 'Acme apps <apps@acme.test>' });
    const boss = await t.member(tenantId, 'boss@acme.test', ['manager']);
    const answer = await messaging.mail({ ...preview, userId: boss.userId }, mail);
    expect(answer.via).toBe('smtp');
    expect(transport.sent).toEqual([
      {
        from: 'Acme apps <apps@acme.test>',
        to: ['ana@example.com'],
        replyTo: 'boss@acme.test',
        subject: mail.subject,
        text: mail.text,
        html: undefined,
        headers: {
          'X-Slipway-App': projectId,
          'X-Slipway-App-Name': 'expenses',
          'X-Slipway-Environment': 'preview',
          'X-Slipway-Mail-Id': answer.id,
          'Auto-Submitted': 'auto-generated',
        },
      },
    ]);
    await messaging.mail({ tenantId, appId: 'app-expenses', environment: 'production' }, mail);
    expect(transport.sent[1]).toMatchObject({ replyTo: undefined });
    expect(transport.sent[1]?.headers).toMatchObject({ 'X-Slipway-App-Name': 'expenses app' });
    const rows = await t.db.selectFrom('mail_outbox').selectAll().orderBy('created_at').execute();
    expect(rows.map((row) => [row.status, row.message_id, row.reply_to, row.user_id])).toEqual([
      ['sent', '<1@test>', 'boss@acme.test', boss.userId],
      ['sent', '<2@test>', null, null],
    ]);
    expect(rows[0]?.sent_at).toEqual(expect.any(String));
  });

  it('records a failed delivery with the reason and answers failed-dependency', async () => {
    const transport = new RecordingTransport();
    transport.failWith = new Error(
      "Can't send mail - all recipients were rejected: 550 5.1.1 <ana@example.com>:\n no such user",
    );
    const error = await refusal(t.messaging({ transport }).mail(preview, mail));
    expect(error.code).toBe('failed-dependency');
    expect(error.message).toContain('550 5.1.1 <ana@example.com>: no such user');
    const row = await t.db.selectFrom('mail_outbox').selectAll().executeTakeFirstOrThrow();
    expect(error.data).toEqual({ id: row.id });
    expect(row).toMatchObject({ status: 'failed', via: 'smtp', sent_at: null });
    expect(row.error).toBe("Can't send mail - all recipients were rejected: 550 5.1.1 <ana@example.com>: no such user");
  });

  it('refuses bad input before anything is recorded or sent', async () => {
    const transport = new RecordingTransport();
    const messaging = t.messaging({ transport });
    expect((await refusal(messaging.mail(preview, { ...mail, subject: 'x\r\nBcc: eve@x.test' }))).code).toBe(
      'invalid-input',
    );
    expect((await refusal(messaging.mail(preview, { ...mail, to: ['Eve <eve@x.test>'] }))).code).toBe('invalid-input');
    expect((await refusal(messaging.mail(preview, { ...mail, text: 'x'.repeat(1024 * 1024 + 1) }))).code).toBe(
      'too-large',
    );
    expect(transport.sent).toEqual([]);
    expect(await t.db.selectFrom('mail_outbox').select('id').execute()).toEqual([]);
  });

  it('limits mail per app and environment per hour, saying when to retry', async () => {
    let now = Date.parse('2026-11-22T10:00:00.000Z');
    const messaging = t.messaging({ mailsPerHour: 3, clock: () => now });
    for (const offset of [0, 10, 20]) {
      now = Date.parse('2026-11-22T10:00:00.000Z') + offset * 1000;
      await messaging.mail(preview, mail);
    }
    now = Date.parse('2026-11-22T10:00:30.000Z');
    const error = await refusal(messaging.mail(preview, mail));
    expect(error.code).toBe('too-many-requests');
    expect(error.data).toEqual({ limit: 3, retryAfterSeconds: 3570 });
    expect(error.message).toContain('3 mails in the last hour');
    // Other apps and the production environment of the same app have their own budgets.
    await messaging.mail({ ...preview, environment: 'production' }, mail);
    await messaging.mail({ ...preview, appId: 'another-app' }, mail);
    // Once the first mail is an hour old, one more may go.
    now = Date.parse('2026-11-22T11:00:00.001Z');
    await messaging.mail(preview, mail);
    expect((await refusal(messaging.mail(preview, mail))).data).toEqual({ limit: 3, retryAfterSeconds: 10 });
  });

  it('lets only as many concurrent mails through as the limit allows', async () => {
    const messaging = t.messaging({ mailsPerHour: 3 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => messaging.mail(preview, mail)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused.map((result) => (result.reason as DomainError).code)).toEqual(Array(3).fill('too-many-requests'));
  });

  it("lists a project's preview mail and its app's production mail, newest first, page by page", async () => {
    const messaging = t.messaging();
    const { principal } = { principal: await t.member(tenantId, 'dev2@acme.test') };
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      const scope: ServiceScope =
        i % 2 === 0 ? preview : { tenantId, appId: 'app-expenses', environment: 'production' };
      sent.push((await messaging.mail(scope, { ...mail, subject: `mail ${i}` })).id);
    }
    // Mail of another project, of another app, and of this project id in another tenant stays out.
    const other = await t.project(tenantId, principal.userId, 'other', 'app-other');
    await messaging.mail({ tenantId, appId: other, environment: 'preview' }, mail);
    await messaging.mail({ tenantId, appId: 'app-other', environment: 'production' }, mail);
    const stranger = await t.tenantWith('globex');
    await messaging.mail({ tenantId: stranger.tenantId, appId: projectId, environment: 'preview' }, mail);

    const first = await messaging.projectOutbox(principal, projectId, { limit: 2 });
    expect(first.mails.map((m) => m.subject)).toEqual(['mail 4', 'mail 3']);
    expect(first.mails.map((m) => m.environment)).toEqual(['preview', 'production']);
    expect(first.mails[0]).toMatchObject({ to: ['ana@example.com'], via: 'outbox', status: 'outbox', hasHtml: false });
    expect(first.mails[0]).not.toHaveProperty('text');
    const second = await messaging.projectOutbox(principal, projectId, { limit: 2, cursor: first.nextCursor! });
    expect(second.mails.map((m) => m.subject)).toEqual(['mail 2', 'mail 1']);
    const last = await messaging.projectOutbox(principal, projectId, { limit: 2, cursor: second.nextCursor! });
    expect(last.mails.map((m) => m.id)).toEqual([sent[0]]);
    expect(last.nextCursor).toBeNull();

    const detail = await messaging.projectMail(principal, projectId, sent[1]!);
    expect(detail).toMatchObject({ subject: 'mail 1', text: mail.text, html: null, environment: 'production' });
    const foreign = (await messaging.projectOutbox(principal, other, { limit: 10 })).mails[0]!;
    expect((await refusal(messaging.projectMail(principal, projectId, foreign.id))).code).toBe('not-found');
    expect((await refusal(messaging.projectOutbox(principal, projectId, { limit: 2, cursor: 'nonsense' }))).code).toBe(
      'invalid-input',
    );
    // Members of other tenants do not learn the project exists.
    expect((await refusal(messaging.projectOutbox(stranger.principal, projectId, { limit: 2 }))).code).toBe(
      'not-found',
    );
    // Plain users hold no project role.
    const plainUser = await t.member(tenantId, 'user@acme.test', ['user']);
    expect((await refusal(messaging.projectOutbox(plainUser, projectId, { limit: 2 }))).code).toBe('not-found');
  });

  it("leaves messages for members of the app's tenant only; they read them across tenants", async () => {
    const messaging = t.messaging();
    const boss = await t.member(tenantId, 'boss@acme.test', ['manager']);
    const clerk = await t.member(tenantId, 'clerk@acme.test', ['user']);
    const { id } = await messaging.message(
      { ...preview, userId: clerk.userId },
      { user: boss.userId, subject: 'Report 17 to approve', body: 'It waits for you.' },
    );
    await messaging.message(
      { tenantId, appId: 'app-expenses', environment: 'production' },
      { user: boss.userId, subject: 'Weekly summary', body: '2 approved.' },
    );
    const globex = await t.tenantWith('globex');
    // The boss is a member of a second tenant, whose apps may message them too.
    await t.identity.addMember(globex.tenantId, { email: 'boss@acme.test', name: 'boss', roles: ['user'] });
    await messaging.message(
      { tenantId: globex.tenantId, appId: 'globex-app', environment: 'production' },
      { user: boss.userId, subject: 'Hello from Globex', body: 'Hi.' },
    );
    // Someone of another tenant is "not found" to the app.
    const outsider = await refusal(
      messaging.message(preview, { user: globex.principal.userId, subject: 'Hi', body: 'Hi.' }),
    );
    expect(outsider.code).toBe('not-found');
    expect((await refusal(messaging.message(preview, { user: 'nobody', subject: 'Hi', body: 'Hi.' }))).code).toBe(
      'not-found',
    );

    const inbox = await messaging.inbox(boss, { limit: 10 });
    expect(inbox.unread).toBe(3);
    expect(inbox.messages.map((m) => [m.subject, m.appName, m.from?.email ?? null, m.readAt])).toEqual([
      ['Hello from Globex', null, null, null],
      ['Weekly summary', 'expenses app', null, null],
      ['Report 17 to approve', 'expenses', 'clerk@acme.test', null],
    ]);
    expect(inbox.messages[2]).toMatchObject({ id, tenantId, appId: projectId, environment: 'preview' });
    expect((await messaging.inbox(clerk, { limit: 10 })).messages).toEqual([]);

    await messaging.markRead(boss, id);
    await messaging.markRead(boss, id);
    const after = await messaging.inbox(boss, { limit: 1 });
    expect(after.unread).toBe(2);
    expect(after.nextCursor).not.toBeNull();
    const read = (await messaging.inbox(boss, { limit: 10 })).messages.find((m) => m.id === id);
    expect(read?.readAt).toEqual(expect.any(String));
    // Someone else's message cannot be marked (nor learned about).
    expect((await refusal(messaging.markRead(clerk, id))).code).toBe('not-found');
  });
});
