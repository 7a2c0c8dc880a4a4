import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserTestClient } from './gateway/browser-test-client';
import type { AppDto } from './protocol/apps';
import type { SessionDto } from './protocol/identity';
import type { ProjectDto } from './protocol/projects';
import { finalEvent, publishEvents } from './registry/registry-test-kit';
import type { ServiceScope } from './services/service-scope';
import type { DatastoreEntity } from './services/datastore/datastore-types';
import { adminWithProject } from './test-support/fixtures';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from './test-support/test-platform';

// The python-expense-reports template published for real (Python toolchain, sealed gunicorn,
// nginx gateway) and used like a phone would: it keeps expenses in the platform's datastore,
// resizes receipt photos with the Images service and records who submitted them.
let env: TestPlatform;
let admin: ApiTestClient;
let tenantId: string;
let project: ProjectDto;

beforeAll(async () => {
  env = await startTestPlatform({ realToolchains: true, gateway: true });
  ({ admin, tenantId, project } = await adminWithProject(env, 'expenses', 'python-expense-reports'));
}, 120_000);
afterAll(() => env.close());

interface AppAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

function gatewayPort(): number {
  return env.platform.config.gateway.port;
}

/** Publishes the project with `access` set in its slipway.json. */
async function publish(access: 'public' | 'tenant'): Promise<AppDto> {
  const manifestPath = `/projects/${project.id}/files/content?path=slipway.json`;
  const manifest = JSON.parse(await (await admin.get(manifestPath)).text()) as Record<string, unknown>;
  const saved = await admin.request('PUT', manifestPath, { body: JSON.stringify({ ...manifest, access }, null, 2) });
  expect(saved.status).toBeLessThan(300);
  const last = finalEvent(await publishEvents(await admin.post(`/projects/${project.id}/publish`, {})));
  if (last.type !== 'done') throw new Error(`publish failed at ${last.stage}: ${last.detail}`);
  return last.app;
}

/** One request to the published app through the gateway; the body may be binary. */
function appRequest(
  app: AppDto,
  urlPath: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<AppAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: gatewayPort(),
        path: urlPath,
        method: init.method ?? 'GET',
        headers: { host: new URL(app.url).hostname, ...init.headers },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text: body.toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}

/** A multipart/form-data POST of the new-expense form, with a receipt file when given. */
function postExpense(
  app: AppDto,
  fields: Record<string, string>,
  file?: { name: string; type: string; data: Buffer },
  headers: Record<string, string> = {},
): Promise<AppAnswer> {
  const boundary = `----expense${Date.now()}`;
  const parts: Uint8Array[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  if (file) {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="receipt"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`;
    parts.push(Buffer.from(head), file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return appRequest(app, '/expenses', {
    method: 'POST',
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat(parts),
  });
}

/** The expense id a successful POST redirects to. */
function createdId(answer: AppAnswer): number {
  expect(answer.status, answer.text.slice(0, 500)).toBe(303);
  const id = /^\/expenses\/(\d+)$/.exec(new URL(String(answer.headers.location), 'http://app').pathname)?.[1];
  expect(id).toBeDefined();
  return Number(id);
}

/** A 3000×2000 phone photo stored sideways: EXIF orientation 6 says "turn 90° clockwise to view". */
async function sidewaysPhoto(): Promise<Buffer> {
  const stripes = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="2000">` +
      Array.from(
        { length: 20 },
        (_, i) => `<rect x="${i * 150}" width="75" height="2000" fill="#${i % 2 ? '334' : 'c96'}"/>`,
      ).join('') +
      `</svg>`,
  );
  const photo = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#f4f1ea' } })
    .composite([{ input: stripes }])
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toBuffer();
  expect(await sharp(photo).metadata()).toMatchObject({ width: 3000, height: 2000, orientation: 6 });
  return photo;
}

const fields = { spent_on: '2026-03-01', amount: '12.50', category: 'Meals', description: 'Team lunch <b>& taxi</b>' };

describe('python-expense-reports published with access "public" (no signed-in user)', () => {
  let app: AppDto;
  let scope: ServiceScope;

  beforeAll(async () => {
    app = await publish('public');
    scope = { tenantId, appId: app.id, environment: 'production' };
  }, 180_000);

  const entitiesOf = async (kind: string): Promise<DatastoreEntity[]> =>
    (await env.platform.services.datastore.query(scope, { kind })).entities;

  it('saves an expense with a phone photo: upright, resized, listed with a thumbnail, kept in the datastore', async () => {
    const empty = await appRequest(app, '/');
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('No expenses yet');
    expect(empty.text).not.toContain('aria-label="Whose expenses"'); // nobody is signed in: no "Mine" tab

    const id = createdId(
      await postExpense(app, fields, { name: 'IMG_0042.jpg', type: 'image/jpeg', data: await sidewaysPhoto() }),
    );

    const list = await appRequest(app, '/');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`href="/expenses/${id}"`);
    expect(list.text).toContain('Team lunch &lt;b&gt;&amp; taxi&lt;/b&gt;');
    expect(list.text).toContain('12.50');
    expect(list.text).toContain(`src="/expenses/${id}/thumbnail"`);

    const detail = await appRequest(app, `/expenses/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain(`src="/expenses/${id}/receipt"`);
    expect(detail.text).toContain('IMG_0042.jpg');
    expect(detail.text).toContain('Not signed in');
    expect(detail.text).toContain('Delete expense');

    // 3000×2000 turned upright is 2000×3000; at most 1600 px on the longest side: 1067×1600.
    const receipt = await appRequest(app, `/expenses/${id}/receipt`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers['content-type']).toBe('image/jpeg');
    const photo = await sharp(receipt.body).metadata();
    expect(photo).toMatchObject({ format: 'jpeg', width: 1067, height: 1600 });
    expect(photo.orientation).toBeUndefined();
    expect(receipt.body.length).toBeLessThan(600 * 1024);
    const thumbnail = await appRequest(app, `/expenses/${id}/thumbnail`);
    expect(await sharp(thumbnail.body).metadata()).toMatchObject({ format: 'jpeg', width: 160, height: 160 });

    const [expense, ...others] = await entitiesOf('Expense');
    expect(others).toEqual([]);
    expect(expense?.key).toEqual({ kind: 'Expense', id: String(id) });
    expect(expense?.properties).toMatchObject({
      amount_cents: { integerValue: '1250' },
      spent_on: { timestampValue: '2026-03-01T00:00:00.000Z' },
      category: { stringValue: 'Meals' },
      description: { stringValue: fields.description },
      status: { stringValue: 'submitted' },
      submitter_id: { nullValue: null },
      receipt_name: { stringValue: 'IMG_0042.jpg' },
      receipt_photo: { keyValue: { kind: 'ReceiptImage', name: expect.any(String) as unknown } },
    });
    const images = await entitiesOf('ReceiptImage');
    expect(images.map((image) => image.properties.width)).toEqual(
      expect.arrayContaining([{ integerValue: '1067' }, { integerValue: '160' }]),
    );
    // Nothing went to the preview's datastore.
    const preview = await env.platform.services.datastore.query(
      { tenantId, appId: project.id, environment: 'preview' },
      { kind: 'Expense' },
    );
    expect(preview.entities).toEqual([]);

    const deleted = await appRequest(app, `/expenses/${id}/delete`, { method: 'POST' });
    expect(deleted.status).toBe(303);
    expect((await appRequest(app, `/expenses/${id}`)).status).toBe(404);
    expect((await appRequest(app, `/expenses/${id}/receipt`)).status).toBe(404);
    expect(await entitiesOf('Expense')).toEqual([]);
    expect(await entitiesOf('ReceiptImage')).toEqual([]);
  }, 60_000);

  it('stores a photo too detailed for 1600 px under the size limit at 1200 px', async () => {
    // Random pixels barely compress: about 700 KB at 1600 px, over the app's 600 KB per photo.
    const noise = await sharp(randomBytes(3000 * 2000 * 3), { raw: { width: 3000, height: 2000, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const id = createdId(await postExpense(app, fields, { name: 'noise.jpg', type: 'image/jpeg', data: noise }));
    const receipt = await appRequest(app, `/expenses/${id}/receipt`);
    expect(await sharp(receipt.body).metadata()).toMatchObject({ width: 1200, height: 800 });
    expect(receipt.body.length).toBeLessThan(600 * 1024);
    expect((await appRequest(app, `/expenses/${id}/delete`, { method: 'POST' })).status).toBe(303);
  }, 60_000);

  it('turns what it cannot store into friendly pages, storing nothing', async () => {
    const notAnImage = await postExpense(app, fields, {
      name: 'receipt.png',
      type: 'image/png',
      data: Buffer.from('<html><script>alert(1)</script>'),
    });
    expect(notAnImage.status).toBe(400);
    expect(notAnImage.text).toContain('The receipt must be a JPEG, PNG, WebP or GIF photo.');
    expect(notAnImage.text).toContain('>Team lunch &lt;b&gt;&amp; taxi&lt;/b&gt;</textarea>'); // filled in again

    const huge = await postExpense(app, fields, {
      name: 'big.jpg',
      type: 'image/jpeg',
      data: Buffer.alloc(9 * 1024 * 1024),
    });
    expect(huge.status).toBe(413);
    expect(huge.text).toContain('Photos can be up to 8 MB.');

    const staleCursor = await appRequest(app, '/?view=all&cursor=not-a-cursor');
    expect(staleCursor.status).toBe(400);
    expect(staleCursor.text).toContain('That did not work');
    expect(staleCursor.text).not.toMatch(/Traceback|File "/);
    expect(await entitiesOf('Expense')).toEqual([]);
  });
});

describe('python-expense-reports published with access "tenant" (the template default)', () => {
  let app: AppDto;
  let appUrl: (urlPath: string) => string;
  let browser: BrowserTestClient;
  let cookie: string;
  let userId: string;

  beforeAll(async () => {
    app = await publish('tenant');
    const host = new URL(app.url).hostname;
    appUrl = (urlPath) => `http://${host}:${gatewayPort()}${urlPath}`;
    browser = new BrowserTestClient(env.platform, gatewayPort());
    const [name = '', value = ''] = (admin.cookie ?? '').split('=');
    browser.setCookie(env.platform.config.publicUrl.host, name, value);
    userId = (await admin.json<SessionDto>('GET', '/session')).user.id;
  }, 180_000);

  it('records the signed-in submitter and lists "Mine" through the declared composite index', async () => {
    const start = await browser.navigate(appUrl('/'));
    expect(start.status, start.body.slice(0, 500)).toBe(200);
    expect(start.body).toContain('aria-label="Whose expenses"');
    cookie = `slipway_app=${browser.cookie(`${new URL(app.url).hostname}:${gatewayPort()}`, 'slipway_app') ?? ''}`;

    const mine = createdId(
      await postExpense(app, { ...fields, description: 'My train ticket' }, undefined, { cookie }),
    );
    // Someone else's expense, written straight into the app's datastore.
    const put = await env.platform.services.datastore.put({ tenantId, appId: app.id, environment: 'production' }, [
      {
        key: { kind: 'Expense' },
        properties: {
          spent_on: { timestampValue: '2026-03-02T00:00:00.000Z' },
          amount_cents: { integerValue: '990' },
          category: { stringValue: 'Travel' },
          description: { stringValue: 'Colleague taxi' },
          status: { stringValue: 'submitted' },
          submitter_id: { stringValue: 'someone-else' },
          submitter_name: { stringValue: 'Kim' },
        },
      },
    ]);
    const theirs = Number(put.keys[0]?.id);

    const mineView = await appRequest(app, '/', { headers: { cookie } });
    expect(mineView.status, mineView.text.slice(0, 500)).toBe(200);
    expect(mineView.text).toContain('My train ticket');
    expect(mineView.text).not.toContain('Colleague taxi');
    const everyone = await appRequest(app, '/?view=all', { headers: { cookie } });
    expect(everyone.text).toContain('Colleague taxi · Kim');
    // Latest spent first: the colleague's (2 March) before mine (1 March).
    expect(everyone.text.indexOf('Colleague taxi')).toBeLessThan(everyone.text.indexOf('My train ticket'));

    const [stored] = (
      await env.platform.services.datastore.get({ tenantId, appId: app.id, environment: 'production' }, [
        { kind: 'Expense', id: String(mine) },
      ])
    ).found;
    expect(stored?.properties.submitter_id).toEqual({ stringValue: userId });

    const theirDetail = await appRequest(app, `/expenses/${theirs}`, { headers: { cookie } });
    expect(theirDetail.text).toContain('Kim');
    expect(theirDetail.text).not.toContain('Delete expense');
    const refused = await appRequest(app, `/expenses/${theirs}/delete`, { method: 'POST', headers: { cookie } });
    expect(refused.status).toBe(403);
    expect((await appRequest(app, `/expenses/${mine}/delete`, { method: 'POST', headers: { cookie } })).status).toBe(
      303,
    );
  }, 60_000);
});
