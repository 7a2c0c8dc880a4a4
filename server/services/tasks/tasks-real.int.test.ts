import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayLayout } from '../../gateway/gateway';
import { gatewayRequest } from '../../gateway/gateway-test-support';
import { IdentitySigner } from '../../gateway/identity-signer';
import type { AppDto } from '../../protocol/apps';
import type { ProjectDto } from '../../protocol/projects';
import { finalEvent, publishEvents } from '../../registry/registry-test-kit';
import { adminWithProject } from '../../test-support/fixtures';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../../test-support/test-platform';
import type { DatastoreEntity } from '../datastore/datastore-types';
import { verifyTaskHeaders } from './task-signature';
import { eventually } from './tasks-test-support';

// The whole path on real parts: a published Python app (sealed gunicorn behind nginx) enqueues a
// task through the SDK and the real /_platform/v1/tasks/enqueue; the platform's dispatcher wakes
// the app through the farm and calls the task's path on its instance; the handler records each
// call in the datastore (through the SDK) after checking the signature with the platform's key.

const APP_PY = `import base64
import json
import os

import slipway
from slipway.datastore import Entity, Key


def verified(environ):
    try:
        from cryptography.hazmat.primitives.serialization import load_der_public_key
    except ImportError:
        return "no-cryptography"
    key = load_der_public_key(base64.b64decode(os.environ["SLIPWAY_IDENTITY_PUBLIC_KEY"]))
    text = "\\n".join([
        "slipway-task-v1",
        os.environ["SLIPWAY_APP_ID"],
        environ.get("HTTP_X_SLIPWAY_TASK_ID", ""),
        environ.get("HTTP_X_SLIPWAY_TASK_ATTEMPT", ""),
        environ.get("HTTP_X_SLIPWAY_TASK_TIME", ""),
    ])
    signature = environ.get("HTTP_X_SLIPWAY_TASK_SIGNATURE", "")
    try:
        key.verify(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)), text.encode())
        return "valid"
    except Exception:
        return "invalid"


def answer(start_response, status, text):
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/enqueue":
        task_id = slipway.tasks.enqueue("/tasks/record", {"order": 17, "fail_first": True}, queue="orders")
        return answer(start_response, "200 OK", task_id)
    if path == "/tasks/record":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        payload = json.loads(environ["wsgi.input"].read(length) or b"null")
        attempt = environ.get("HTTP_X_SLIPWAY_TASK_ATTEMPT", "")
        task_id = environ.get("HTTP_X_SLIPWAY_TASK_ID", "")
        headers = {name: value for name, value in environ.items() if name.startswith("HTTP_X_SLIPWAY_TASK_")}
        slipway.datastore.put(Entity(Key("TaskCall", task_id + "/" + attempt), {
            "method": environ["REQUEST_METHOD"],
            "payload": json.dumps(payload),
            "headers": json.dumps(headers),
            "host": environ.get("HTTP_HOST", ""),
            "verified": verified(environ),
        }))
        if payload.get("fail_first") and attempt == "1":
            return answer(start_response, "500 Internal Server Error", "first attempts fail here")
        return answer(start_response, "200 OK", "recorded")
    return answer(start_response, "200 OK", "tasks demo")
`;

let env: TestPlatform;
let admin: ApiTestClient;
let project: ProjectDto;

beforeAll(async () => {
  env = await startTestPlatform({ realToolchains: true, gateway: true });
  ({ admin, project } = await adminWithProject(env, 'task-runner', 'python-hello'));
}, 120_000);
afterAll(() => env.close());

async function publishTaskApp(): Promise<AppDto> {
  const put = async (file: string, text: string) =>
    expect(
      (await admin.request('PUT', `/projects/${project.id}/files/content?path=${file}`, { body: text })).status,
    ).toBeLessThan(300);
  const manifestPath = `/projects/${project.id}/files/content?path=slipway.json`;
  const manifest = JSON.parse(await (await admin.get(manifestPath)).text()) as Record<string, unknown>;
  await put('slipway.json', JSON.stringify({ ...manifest, access: 'public', services: ['datastore', 'tasks'] }));
  await put('app.py', APP_PY);
  const last = finalEvent(await publishEvents(await admin.post(`/projects/${project.id}/publish`, {})));
  if (last.type !== 'done') throw new Error(`publish failed at ${last.stage}: ${last.detail}`);
  return last.app;
}

describe('a published Python app runs its tasks', () => {
  it('enqueues through the SDK and is called back on its instance, signed, retried after a failure', async () => {
    const app = await publishTaskApp();
    const host = new URL(app.url).hostname;
    const enqueued = await gatewayRequest(env.platform.config.gateway.port, host, '/enqueue');
    expect(enqueued.status, enqueued.body).toBe(200);
    const taskId = enqueued.body.trim();
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/);

    const scope = { tenantId: project.tenantId, appId: app.id, environment: 'production' as const };
    const recorded = await eventually<DatastoreEntity[]>(async () => {
      const calls = await env.platform.services.datastore.query(scope, { kind: 'TaskCall' });
      return calls.entities.length >= 2 ? calls.entities : undefined;
    }, 90_000);
    await eventually(
      async () => (await env.platform.services.tasks.store.task(scope, taskId))?.state === 'done',
      30_000,
    );

    const text = (value: unknown) => (value as { stringValue: string }).stringValue;
    const byAttempt = new Map(recorded.map((entity) => [entity.key.name, entity.properties]));
    const publicKey = (await IdentitySigner.load(gatewayLayout(env.platform.config.dataDir).keyFile)).publicKeyBase64;
    for (const attempt of ['1', '2']) {
      const call = byAttempt.get(`${taskId}/${attempt}`);
      expect(call, `attempt ${attempt}`).toBeDefined();
      expect(text(call!.method)).toBe('POST');
      expect(JSON.parse(text(call!.payload))).toEqual({ order: 17, fail_first: true });
      // The Host a browser sends through the gateway (with the port, if any).
      expect(text(call!.host)).toBe(new URL(app.url).host);
      expect(text(call!.verified)).toBe('valid');
      const headers = JSON.parse(text(call!.headers)) as Record<string, string>;
      expect(headers).toMatchObject({
        HTTP_X_SLIPWAY_TASK_ID: taskId,
        HTTP_X_SLIPWAY_TASK_ATTEMPT: attempt,
        HTTP_X_SLIPWAY_TASK_QUEUE: 'orders',
      });
      // The same check on the platform side, with the key instances get.
      const asSent = {
        'x-slipway-task-id': headers.HTTP_X_SLIPWAY_TASK_ID,
        'x-slipway-task-attempt': headers.HTTP_X_SLIPWAY_TASK_ATTEMPT,
        'x-slipway-task-time': headers.HTTP_X_SLIPWAY_TASK_TIME,
        'x-slipway-task-signature': headers.HTTP_X_SLIPWAY_TASK_SIGNATURE,
      };
      expect(verifyTaskHeaders(publicKey, app.id, asSent)).toBe(true);
    }
    expect(await env.platform.services.tasks.store.task(scope, taskId)).toMatchObject({
      state: 'done',
      attempts: 2,
      queue: 'orders',
    });
  }, 240_000);
});
