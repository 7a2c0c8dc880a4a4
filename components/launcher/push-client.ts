// Relative, not '@/…': this value import must also resolve under vitest, which has no path alias.
import { PUSH_CLOSE_CODES } from '../../server/protocol/push';

/** How the platform's client script reports a closed socket (server/http/push/push-client.js). */
export interface PushCloseEvent {
  code: number;
  reason: string;
  /** False once the script gave up: the page closed it, or the token expired (4401). */
  reconnecting: boolean;
}

/** What `Slipway.connect` returns. */
export interface PushConnection {
  close(): void;
}

/** `window.Slipway`, as `/push/v1/client.js` defines it. */
export interface SlipwayPushClient {
  connect(
    token: string,
    onMessage: (message: unknown, frame: unknown) => void,
    options?: { onOpen?: () => void; onClose?: (event: PushCloseEvent) => void },
  ): PushConnection;
}

/** The close code the push socket uses for an expired token. */
export const TOKEN_EXPIRED_CODE = PUSH_CLOSE_CODES.tokenExpired;

// Tokens are refreshed a little before their expiry, so a clock a few seconds off still works.
const EXPIRY_MARGIN_MS = 30_000;

/**
 * Whether a closed socket needs a new token: the platform said it expired, or it has by our clock
 * (an upgrade refused for an expired token only shows as 1006, and the script would retry forever).
 */
export function needsFreshToken(event: Pick<PushCloseEvent, 'code'>, expiresAt: string, now: number): boolean {
  if (event.code === TOKEN_EXPIRED_CODE) return true;
  const expiry = Date.parse(expiresAt);
  return !Number.isNaN(expiry) && now >= expiry - EXPIRY_MARGIN_MS;
}

const loading = new Map<string, Promise<SlipwayPushClient>>();

/** Loads the client script once per URL (a `<script>` tag) and resolves with `window.Slipway`. */
export function loadPushClient(src: string): Promise<SlipwayPushClient> {
  const existing = loadedClient();
  if (existing) return Promise.resolve(existing);
  let pending = loading.get(src);
  if (!pending) {
    pending = injectScript(src);
    loading.set(src, pending);
    // A failed load is forgotten so the next attempt adds a fresh tag.
    pending.catch(() => loading.delete(src));
  }
  return pending;
}

function injectScript(src: string): Promise<SlipwayPushClient> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = () => {
      const client = loadedClient();
      if (client) resolve(client);
      else reject(new Error(`${src} did not define Slipway.connect`));
    };
    script.onerror = () => {
      script.remove();
      reject(new Error(`Could not load ${src}`));
    };
    document.head.appendChild(script);
  });
}

function loadedClient(): SlipwayPushClient | null {
  const client = (window as Window & { Slipway?: Partial<SlipwayPushClient> }).Slipway;
  return typeof client?.connect === 'function' ? (client as SlipwayPushClient) : null;
}
