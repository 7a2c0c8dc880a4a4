import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionDto } from '../../protocol/identity';
import type { OutboxMailDetailDto, OutboxPageDto } from '../../protocol/messaging';
import type { ProjectDto } from '../../protocol/projects';
import { memberOfNewTenant } from '../../test-support/fixtures';
import { PlatformServicesTestClient } from '../../test-support/platform-services-client';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../../test-support/test-platform';
import { SmtpMailTransport } from './smtp-mail-transport';
import { SmtpTestServer } from './smtp-test-server';

// A platform configured with a real SMTP server on loopback: what an app's mail looks like when
// it leaves, and what the outbox and the app see when the server refuses it.

describe('messaging through a real SMTP server', () => {
  let smtp: SmtpTestServer;
  let env: TestPlatform;
  let services: PlatformServicesTestClient;
  let dev: ApiTestClient;
  let devUser: { id: string; email: string; name: string };
  let tenantId: string;
  let project: ProjectDto;

  beforeAll(async () => {
    smtp = await SmtpTestServer.start();
    env = await startTestPlatform({
      configure: (config) => {
        config.mail = { smtpUrl: smtp.url, from: 'Acme apps <apps@acme.test>', perHour: 100 };
      },
    });
    services = await PlatformServicesTestClient.for(env);
    const acme = await memberOfNewTenant(env, 'acme', ['developer']);
    tenantId = acme.tenant.id;
    dev = acme.client;
    devUser = (await dev.json<SessionDto>('GET', '/session')).user;
    project = await dev.json<ProjectDto>('POST', `/tenants/${tenantId}/projects`, {
      name: 'expenses',
      templateId: 'python-hello',
    });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  const preview = () => services.token({ tenantId, appId: project.id, environment: 'preview' });
  const outboxMail = (id: string) => dev.json<OutboxMailDetailDto>('GET', `/projects/${project.id}/outbox/${id}`);

  it('sends to every recipient with the From, the acting user as Reply-To and headers naming the app', async () => {
    const acting = services.identityHeaders({
      appId: project.id,
      userId: devUser.id,
      name: devUser.name,
      email: devUser.email,
      roles: ['developer'],
    });
    const answer = await services.call(
      await preview(),
      'messaging/mail',
      {
        to: ['ana@example.com', 'ben@example.com'],
        subject: 'Expense reports this week',
        text: '2 approved, 1 waiting.',
      },
      acting,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: expect.any(String) as string, via: 'smtp' });
    const received = smtp.received.at(-1)!;
    expect(received.envelope).toEqual({ from: 'apps@acme.test', to: ['ana@example.com', 'ben@example.com'] });
    expect(received.headers).toMatchObject({
      from: 'Acme apps <apps@acme.test>',
      to: 'ana@example.com, ben@example.com',
      'reply-to': devUser.email,
      subject: 'Expense reports this week',
      'x-slipway-app': project.id,
      'x-slipway-app-name': 'expenses',
      'x-slipway-environment': 'preview',
      'x-slipway-mail-id': answer.body.id,
      'auto-submitted': 'auto-generated',
    });
    expect(received.headers['content-type']).toContain('text/plain');
    expect(received.body.trim()).toBe('2 approved, 1 waiting.');
    const recorded = await outboxMail(answer.body.id as string);
    expect(recorded).toMatchObject({ via: 'smtp', status: 'sent', error: null, replyTo: devUser.email });
    expect(recorded.sentAt).toEqual(expect.any(String));
  });

  it('sends the HTML as an alternative to the text, and no Reply-To without an acting user', async () => {
    const answer = await services.call(await preview(), 'messaging/mail', {
      to: ['ana@example.com'],
      subject: 'Report 17',
      text: 'Approved.',
      html: '<p>Approved, <b>at last</b>.</p>',
    });
    expect(answer.status).toBe(200);
    const received = smtp.received.at(-1)!;
    expect(received.headers).not.toHaveProperty('reply-to');
    expect(received.headers['content-type']).toContain('multipart/alternative');
    expect(received.body).toContain('Approved.');
    expect(received.body).toContain('<p>Approved, <b>at last</b>.</p>');
  });

  it('records a refused mail as failed with the reason and answers failed-dependency (424)', async () => {
    smtp.refuse.add('gone@example.com');
    const before = smtp.received.length;
    const answer = await services.call(await preview(), 'messaging/mail', {
      to: ['gone@example.com'],
      subject: 'Hello',
      text: 'Anyone there?',
    });
    expect(answer.status).toBe(424);
    expect(answer.body).toMatchObject({ code: 'failed-dependency', id: expect.any(String) as string });
    expect(answer.body.detail).toContain('no such mailbox here');
    expect(smtp.received.length).toBe(before);
    const recorded = await outboxMail(answer.body.id as string);
    expect(recorded).toMatchObject({ via: 'smtp', status: 'failed', sentAt: null });
    expect(recorded.error).toContain('550');
    expect(recorded.error).toContain('no such mailbox here');
    const listed = await dev.json<OutboxPageDto>('GET', `/projects/${project.id}/outbox`);
    expect(listed.mails[0]).toMatchObject({ id: answer.body.id, status: 'failed' });
  });

  it('fails clearly when the server is unreachable or the login is wrong', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const mail = { from: 'apps@acme.test', to: ['ana@example.com'], subject: 'x', text: 'x', headers: {} };
    const unreachable = new SmtpMailTransport(new URL(`smtp://127.0.0.1:${closed}`));
    await expect(unreachable.send(mail)).rejects.toThrow(/ECONNREFUSED/);
    unreachable.dispose();
    const wrongLogin = new URL(smtp.url);
    wrongLogin.password = 'not it';
    const refused = new SmtpMailTransport(wrongLogin);
    await expect(refused.send(mail)).rejects.toThrow(/Invalid login|Invalid username or password/);
    refused.dispose();
    expect(() => new SmtpMailTransport(new URL('http://127.0.0.1:25'))).toThrow(/smtp:\/\/ or smtps:\/\//);
  });
});
