import { headerReader, verifySigned } from '../../identity/signed-headers';
import { TASK_HEADERS, TASK_SIGNATURE_CONTEXT } from '../../protocol/tasks';

/** Signs text with the gateway's Ed25519 key; answers the signature in base64url. */
export type TaskSigner = (text: string) => string;

/** What a task call's signature covers (docs/platform-services.md, Tasks): the SDKs rebuild it. */
export function taskSignedText(appId: string, taskId: string, attempt: number | string, time: number | string): string {
  return [TASK_SIGNATURE_CONTEXT, appId, taskId, String(attempt), String(time)].join('\n');
}

/** The headers of one attempt of a task: id, attempt, queue, time (Unix seconds) and signature. */
export function signedTaskHeaders(
  sign: TaskSigner,
  task: { appId: string; id: string; attempt: number; queue: string },
  now: number,
): Record<string, string> {
  const time = Math.floor(now / 1000);
  return {
    [TASK_HEADERS.id]: task.id,
    [TASK_HEADERS.attempt]: String(task.attempt),
    [TASK_HEADERS.queue]: task.queue,
    [TASK_HEADERS.time]: String(time),
    [TASK_HEADERS.signature]: sign(taskSignedText(task.appId, task.id, task.attempt, time)),
  };
}

/**
 * Checks a task call's headers as an app should before acting on it (tests, and the reference for
 * the SDKs): the signature over the values as sent, and a time within `maxAgeSeconds` of `now`.
 */
export function verifyTaskHeaders(
  publicKeyBase64: string,
  appId: string,
  headers: Record<string, string | string[] | undefined>,
  freshness?: { now: number; maxAgeSeconds: number },
): boolean {
  const get = headerReader(headers);
  const [id, attempt, time] = [get(TASK_HEADERS.id), get(TASK_HEADERS.attempt), get(TASK_HEADERS.time)];
  if (!id || !attempt || !/^\d+$/.test(time)) return false;
  return verifySigned(publicKeyBase64, taskSignedText(appId, id, attempt, time), {
    signature: get(TASK_HEADERS.signature),
    time,
    freshness,
  });
}
