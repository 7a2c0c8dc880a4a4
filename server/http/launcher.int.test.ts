import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionDto } from '../protocol/identity';
import type { LauncherDto } from '../protocol/launcher';
import type { UserMessagesPageDto } from '../protocol/messaging';
import { PLATFORM_SERVICES_BASE, SERVICES_SOCKET_NAME } from '../protocol/platform-services';
import { InstanceTokens } from '../services/instance-tokens';
import type { ServiceEnvironment } from '../services/service-scope';
import { memberOfNewTenant } from '../test-support/fixtures';
import { PageSocket, pushSocketUrl, refusalOf } from '../test-support/push-page-socket';
import { postToServices } from '../test-support/services-socket-client';
import { startTestPlatform, TEST_ADMIN, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

// The mobile launcher on a real platform: its view and token from /api/v1/launcher, its socket on
// /push/v1/socket, and what production apps (calling the services socket) send its user.

let env: TestPlatform;
let port: number;
let instanceTokens: InstanceTokens;
let sam: { client: ApiTestClient; userId: string; tenantId: string };

beforeAll(async () => {
  env = await startTestPlatform({ listen: true });
  port = (env.platform.server?.address() as AddressInfo).port;
  instanceTokens = new InstanceTokens(path.join(env.dataDir, 'services', 'tokens.key'));
  const acme = await memberOfNewTenant(env, 'launcher-acme', ['user']);
  const session = await acme.client.json<SessionDto>('GET', '/session');
  sam = { client: acme.client, userId: session.user.id, tenantId: acme.tenant.id };
}, 60_000);
afterAll(() => env.close());

/** An app of Sam's organisation calling a platform service. */
async function callAs(appId: string, environment: ServiceEnvironment, operation: string, body: unknown) {
  const token = await instanceTokens.issue({
    scope: { tenantId: sam.tenantId, appId, environment },
    instanceId: `i-${appId}`,
  });
  const socketPath = path.join(env.dataDir, 'run', 'services', SERVICES_SOCKET_NAME);
  const answer = await postToServices(socketPath, token, `${PLATFORM_SERVICES_BASE}/${operation}`, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as Record<string, unknown>;
}

async function launcherToken(client = sam.client): Promise<string> {
  const response = await client.get('/launcher');
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const view = (await response.json()) as LauncherDto;
  expect(view.push?.clientScript).toBe('http://slipway.test/push/v1/client.js');
  return view.push!.token;
}

describe('the mobile launcher over the platform', () => {
  it("hears production apps' pushes to its user live, naming the app; previews' pushes wait for their own pages", async () => {
    const launcher = await PageSocket.open(port, await launcherToken());
    const note = { title: 'New purchase request', body: 'Chairs, 240.00', path: '/requests/7' };
    expect(await callAs('app-approvals', 'production', 'push/send', { user: sam.userId, message: note })).toEqual({
      delivered: 1,
      queued: 0,
    });
    expect(await callAs('app-approvals', 'preview', 'push/send', { user: sam.userId, message: 'preview' })).toEqual({
      delivered: 0,
      queued: 1,
    });
    await callAs('app-approvals', 'production', 'push/send', { topic: 'approvals', message: 'topic' });
    const [frame] = await launcher.waitFor(1);
    expect(frame).toEqual({
      type: 'message',
      id: expect.any(String) as string,
      channel: `user:${sam.userId}`,
      sentAt: expect.any(String) as string,
      app: 'app-approvals',
      message: note,
    });
    await launcher.close();
    expect(launcher.frames).toHaveLength(1);
  });

  it('receives what was kept while it was away once it connects, and its acknowledgement settles it', async () => {
    await callAs('app-expenses', 'production', 'push/send', { user: sam.userId, message: { title: 'Approved' } });
    const launcher = await PageSocket.open(port, await launcherToken());
    const [kept] = await launcher.waitFor(1);
    expect(kept).toMatchObject({ app: 'app-expenses', ack: true, message: { title: 'Approved' } });
    launcher.acknowledge();
    await launcher.close();
    // Acknowledged: the next launcher (and the app's own pages) do not get it again.
    const next = await PageSocket.open(port, await launcherToken());
    await callAs('app-expenses', 'production', 'push/send', { user: sam.userId, message: 'marker' });
    const frames = await next.waitFor(1);
    expect(frames.map((f) => f.message)).toEqual(['marker']);
    await next.close();
  });

  it('announces a new in-platform message, which the user then reads from the API', async () => {
    const launcher = await PageSocket.open(port, await launcherToken());
    const sent = await callAs('app-expenses', 'production', 'messaging/message', {
      user: sam.userId,
      subject: 'Report 17 approved',
      body: 'Paid with the next salary.',
    });
    const [notice] = await launcher.waitFor(1);
    expect(notice).toMatchObject({
      channel: 'inbox',
      id: sent.id,
      message: { messageId: sent.id, subject: 'Report 17 approved' },
    });
    const inbox = await sam.client.json<UserMessagesPageDto>('GET', '/messages');
    expect(inbox.messages[0]).toMatchObject({ id: sent.id, body: 'Paid with the next salary.', readAt: null });
    await launcher.close();
  });

  it('answers clear problems: not signed in, not a member, a user who has left the organisation', async () => {
    const anonymous = await env.anonymous().get('/launcher');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const elsewhere = await sam.client.get('/launcher?tenantId=someone-elses');
    expect(elsewhere.status).toBe(404);
    expect(((await elsewhere.json()) as { detail: string }).detail).toMatch(/No such organisation among yours/);

    const leaving = await memberOfNewTenant(env, 'launcher-leaving', ['user']);
    const token = await launcherToken(leaving.client);
    const userId = (await leaving.client.json<SessionDto>('GET', '/session')).user.id;
    const operator = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    expect((await operator.delete(`/tenants/${leaving.tenant.id}/members/${userId}`)).status).toBe(204);
    expect(await refusalOf(pushSocketUrl(port, token))).toBe(403);
  });
});
