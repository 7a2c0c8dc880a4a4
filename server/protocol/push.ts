/**
 * The page-facing side of the push service (docs/platform-services.md, Push): app pages load the
 * client script and hold a WebSocket on the platform's own origin, authenticated by a channel
 * token their app obtained with `push/channel`. Instances never call these paths.
 */
export const PUSH_BASE = '/push/v1';
/** `GET …?token=<channel token>`, upgraded to a WebSocket. */
export const PUSH_SOCKET_PATH = `${PUSH_BASE}/socket`;
/** The dependency-free client script pages load with `<script src>`. */
export const PUSH_CLIENT_SCRIPT_PATH = `${PUSH_BASE}/client.js`;

/** Topic names: short, lower-case, safe in URLs and logs. */
export const PUSH_TOPIC_PATTERN = /^[a-z0-9._-]{1,100}$/;
/** The largest message, serialised as JSON (UTF-8 bytes). */
export const PUSH_MAX_MESSAGE_BYTES = 64 * 1024;
/** How long a message for an offline user is kept when `ttlSeconds` is not given, and at most. */
export const PUSH_DEFAULT_TTL_SECONDS = 24 * 60 * 60;
export const PUSH_MAX_TTL_SECONDS = 7 * 24 * 60 * 60;

/** A message as a page receives it (server → page, one JSON text frame each). */
export interface PushMessageFrame {
  type: 'message';
  /** Unique per message; a page may see a message twice (at-least-once) and drops repeats by id. */
  id: string;
  /** `user:<id>` or `topic:<name>`. */
  channel: string;
  /** ISO-8601, when the app sent it. */
  sentAt: string;
  /** On the mobile launcher's socket only (it hears every app): the id of the app that sent it. */
  app?: string;
  /** Present on messages the platform kept for an offline user: answer with a {@link PushAckFrame}. */
  ack?: true;
  /** What the app sent (any JSON). */
  message: unknown;
}

/** Page → server: the page handled a kept message, which the platform may now delete. */
export interface PushAckFrame {
  type: 'ack';
  id: string;
}

/** Close codes of the push socket that the client script acts on. */
export const PUSH_CLOSE_CODES = {
  /** The platform is shutting down or restarting: reconnect. */
  goingAway: 1001,
  /** The channel token expired while connected: the app must hand the page a new token. */
  tokenExpired: 4401,
} as const;
