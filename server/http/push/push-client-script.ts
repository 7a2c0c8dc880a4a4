import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PUSH_CLIENT_SCRIPT_PATH, PUSH_SOCKET_PATH } from '../../protocol/push';

/** The client script as served: its text (the platform's socket URL filled in) and its ETag. */
export interface PushClientScript {
  text: string;
  etag: string;
}

const SOURCE = new URL('./push-client.js', import.meta.url);
const PLACEHOLDER = "'__SLIPWAY_PUSH_SOCKET_URL__'";

/** Where pages find the push socket and the client script on the platform's public origin. */
export function pushUrlsOf(publicUrl: URL): { socket: string; clientScript: string } {
  const socket = new URL(PUSH_SOCKET_PATH, publicUrl);
  socket.protocol = publicUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  return { socket: socket.href, clientScript: new URL(PUSH_CLIENT_SCRIPT_PATH, publicUrl).href };
}

/** Reads `push-client.js` once and fills in the socket URL it falls back to. */
export async function loadPushClientScript(socketUrl: string): Promise<PushClientScript> {
  const source = await readFile(SOURCE, 'utf8');
  if (!source.includes(PLACEHOLDER)) throw new Error(`${SOURCE.pathname} lacks ${PLACEHOLDER}`);
  const text = source.replace(PLACEHOLDER, JSON.stringify(socketUrl));
  return { text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"` };
}
