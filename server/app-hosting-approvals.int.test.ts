import { request } from 'node:http';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseLocationFrom, openDatabase } from './db/database';
import type { Database } from './db/schema';
import { BrowserTestClient } from './gateway/browser-test-client';
import type { AppDto } from './protocol/apps';
import type { MemberDto, SessionDto } from './protocol/identity';
import type { LauncherDto } from './protocol/launcher';
import type { OutboxMailDetailDto, OutboxPageDto } from './protocol/messaging';
import type { ProjectDto } from './protocol/projects';
import { finalEvent, publishEvents } from './registry/registry-test-kit';
import type { ServiceScope } from './services/service-scope';
import { adminWithProject } from './test-support/fixtures';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from './test-support/test-platform';

// The java-purchase-requests template published for real (Java toolchain, sealed Tomcat, nginx
// gateway) and used by two members of the tenant: a staff member submits a purchase request, a
// manager approves it, and a task mails the requester a summary; both get notifications for their
// launchers. Requests live in the datastore.
let env: TestPlatform;
let admin: ApiTestClient;
let tenantId: string;
let project: ProjectDto;
let app: AppDto;
let scope: ServiceScope;
let db: Kysely<Database>;

interface Member {
  id: string;
  email: string;
  cookie: string;
  /** Signed in to the platform (the launcher's API). */
  platform: ApiTestClient;
}
let staff: Member;
let manager: Member;

interface AppAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function gatewayPort(): number {
  return env.platform.config.gateway.port;
}

/** One request to the published app through the gateway, as the member with `cookie`. */
function appRequest(
  urlPath: string,
  init: { method?: string; cookie?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<AppAnswer> {
  const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  const headers: Record<string, string> = { host: new URL(app.url).hostname, ...init.headers };
  if (init.cookie) headers.cookie = init.cookie;
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: gatewayPort(), path: urlPath, method: init.method ?? 'GET', headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A new member of the admin's tenant, signed in to the app through the gateway's login hop. */
async function memberSignedIn(email: string, name: string, roles: MemberDto['roles']): Promise<Member> {
  const invited = await admin.json<MemberDto>('POST', `/tenants/${tenantId}/members`, { email, name, roles });
  const password = `password of ${email}`;
  const accepted = await env.anonymous().post(`/invitations/${invited.invitationToken}/accept`, { password });
  expect(accepted.ok).toBe(true);
  const client = await env.login(email, password);
  const id = (await client.json<SessionDto>('GET', '/session')).user.id;

  const host = new URL(app.url).hostname;
  const browser = new BrowserTestClient(env.platform, gatewayPort());
  const [cookieName = '', cookieValue = ''] = (client.cookie ?? '').split('=');
  browser.setCookie(env.platform.config.publicUrl.host, cookieName, cookieValue);
  const start = await browser.navigate(`http://${host}:${gatewayPort()}/`);
  expect(start.status, start.body.slice(0, 500)).toBe(200);
  const appCookie = browser.cookie(`${host}:${gatewayPort()}`, 'slipway_app') ?? '';
  expect(appCookie).not.toBe('');
  return { id, email, cookie: `slipway_app=${appCookie}`, platform: client };
}

/** Polls until `probe` answers something, or fails after `timeoutMs`. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  env = await startTestPlatform({ realToolchains: true, gateway: true });
  ({ admin, tenantId, project } = await adminWithProject(env, 'approvals', 'java-purchase-requests'));
  const last = finalEvent(await publishEvents(await admin.post(`/projects/${project.id}/publish`, {})));
  if (last.type !== 'done') throw new Error(`publish failed at ${last.stage}: ${last.detail}`);
  app = last.app;
  scope = { tenantId, appId: app.id, environment: 'production' };
  staff = await memberSignedIn('sam@approvals.test', 'Sam Staff', ['user']);
  manager = await memberSignedIn('mia@approvals.test', 'Mia Manager', ['manager']);
  db = await openDatabase(databaseLocationFrom(env.platform.config.databaseUrl, env.platform.config.dataDir));
}, 240_000);
afterAll(async () => {
  await db?.destroy();
  await env?.close();
});

/** The notifications kept for a user with no launcher or page open: what their launcher will show. */
async function keptNotifications(userId: string): Promise<unknown[]> {
  const rows = await db
    .selectFrom('push_messages')
    .select('body')
    .where('app_id', '=', app.id)
    .where('environment', '=', 'production')
    .where('user_id', '=', userId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => JSON.parse(row.body) as unknown);
}

describe('java-purchase-requests published (access "tenant")', () => {
  it('a member submits, a manager approves, and a task mails the requester a summary', async () => {
    // Only a manager's list page listens for new requests.
    const staffList = await appRequest('/', { cookie: staff.cookie });
    expect(staffList.status, staffList.text.slice(0, 500)).toBe(200);
    expect(staffList.text).toContain('0 requests, 0.00 in total');
    expect(staffList.text).not.toContain('data-push-token');
    const managerList = await appRequest('/', { cookie: manager.cookie });
    expect(managerList.text).toContain('data-push-token="');
    expect(managerList.text).toMatch(/<script src="[^"]*\/push\/v1\/client\.js" defer><\/script>/);

    const created = await appRequest('/requests/new', {
      method: 'POST',
      cookie: staff.cookie,
      form: { title: 'Standing desk <b>&</b> chair', amount: '1250.5' },
    });
    expect(created.status, created.text.slice(0, 500)).toBe(303);
    const id = /\/requests\/(\d+)$/.exec(String(created.headers.location))?.[1] ?? '';
    expect(id).not.toBe('');

    // Each manager's launcher gets a notification (kept: no launcher is open); the requester's does not.
    expect(await keptNotifications(manager.id)).toEqual([
      {
        title: 'New purchase request',
        body: 'Sam Staff: Standing desk <b>&</b> chair, 1,250.50',
        path: `/requests/${id}`,
      },
    ]);
    expect(await keptNotifications(staff.id)).toEqual([]);

    const staffDetail = await appRequest(`/requests/${id}`, { cookie: staff.cookie });
    expect(staffDetail.text).toContain('Standing desk &lt;b&gt;&amp;&lt;/b&gt; chair');
    expect(staffDetail.text).toContain('1,250.50');
    expect(staffDetail.text).toContain('Sam Staff');
    expect(staffDetail.text).not.toContain('Approve');
    const refused = await appRequest(`/requests/${id}/approve`, { method: 'POST', cookie: staff.cookie });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Only managers can approve or reject purchase requests.');

    // The manager's pending list goes through the composite index declared in slipway.json.
    const pending = await appRequest('/requests?status=pending', { cookie: manager.cookie });
    expect(pending.status, pending.text.slice(0, 500)).toBe(200);
    expect(pending.text).toContain(`href="/requests/${id}"`);
    expect((await appRequest(`/requests/${id}`, { cookie: manager.cookie })).text).toContain('Approve');
    const approved = await appRequest(`/requests/${id}/approve`, { method: 'POST', cookie: manager.cookie });
    expect(approved.status, approved.text.slice(0, 500)).toBe(303);
    expect(await keptNotifications(staff.id)).toEqual([
      {
        title: 'Purchase request approved',
        body: 'Standing desk <b>&</b> chair, 1,250.50 by Mia Manager',
        path: `/requests/${id}`,
      },
    ]);
    const again = await appRequest(`/requests/${id}/reject`, { method: 'POST', cookie: manager.cookie });
    expect(again.status).toBe(409);
    expect(again.text).not.toMatch(/Exception|\tat /);

    // The task runs in the background and mails the requester.
    const mail = await eventually(async () => {
      const page = await admin.json<OutboxPageDto>('GET', `/projects/${project.id}/outbox`);
      return page.mails.find((found) => found.to.includes(staff.email));
    }, 60_000);
    expect(mail).toMatchObject({ appId: app.id, environment: 'production', via: 'outbox' });
    expect(mail.subject).toBe('Purchase request approved: Standing desk <b>&</b> chair');
    const detail = await admin.json<OutboxMailDetailDto>('GET', `/projects/${project.id}/outbox/${mail.id}`);
    expect(detail.text).toContain('"Standing desk <b>&</b> chair" for 1,250.50 was approved by Mia Manager');

    const [stored] = (await env.platform.services.datastore.get(scope, [{ kind: 'PurchaseRequest', id }])).found;
    expect(stored?.properties).toMatchObject({
      title: { stringValue: 'Standing desk <b>&</b> chair' },
      amount_cents: { integerValue: '125050' },
      status: { stringValue: 'approved' },
      requester_id: { stringValue: staff.id },
      requester_email: { stringValue: staff.email },
      decided_by: { stringValue: 'Mia Manager' },
    });
    await eventually(async () => {
      const [after] = (await env.platform.services.datastore.get(scope, [{ kind: 'PurchaseRequest', id }])).found;
      return JSON.stringify(after?.properties.summary_sent) === '{"booleanValue":true}' ? true : undefined;
    }, 30_000);

    const api = JSON.parse((await appRequest('/api/requests', { cookie: staff.cookie })).text) as {
      requests: Record<string, unknown>[];
    };
    expect(api.requests).toEqual([expect.objectContaining({ id: Number(id), status: 'approved', amount: '1250.50' })]);
  }, 120_000);

  it("is a tile on its members' launchers, opening the app's URL", async () => {
    const view = await staff.platform.json<LauncherDto>('GET', '/launcher');
    expect(view.apps).toContainEqual({
      id: app.id,
      title: 'Purchase requests (Java)',
      description: expect.stringContaining('Staff submit purchase requests') as string,
      runtime: 'java',
      url: app.url,
    });
  });

  it('refuses task calls that are not signed by the platform', async () => {
    const forged = await appRequest('/tasks/summary', {
      method: 'POST',
      cookie: manager.cookie,
      headers: {
        'x-slipway-task-id': 'forged',
        'x-slipway-task-attempt': '1',
        'x-slipway-task-time': String(Math.floor(Date.now() / 1000)),
        'x-slipway-task-signature': 'AAAA',
      },
    });
    expect(forged.status).toBe(403);
    expect(forged.text).not.toMatch(/Exception|\tat /);
  });
});
