import type { PushMessageFrame } from '../../protocol/push';

/**
 * A message frame's bytes, built once per send and written to every socket as it is. `body` is
 * the message's JSON text (already checked and measured), spliced in rather than parsed again.
 * `app` is set on frames for launchers, which hear every app of the organisation.
 */
export function encodePushFrame(
  fields: Pick<PushMessageFrame, 'id' | 'channel' | 'sentAt'> & { ack?: boolean; app?: string },
  body: string,
): Buffer {
  const head = JSON.stringify({
    type: 'message',
    id: fields.id,
    channel: fields.channel,
    sentAt: fields.sentAt,
    ...(fields.app === undefined ? {} : { app: fields.app }),
    ...(fields.ack ? { ack: true } : {}),
  });
  return Buffer.from(`${head.slice(0, -1)},"message":${body}}`, 'utf8');
}
