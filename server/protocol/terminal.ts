import { z } from 'zod';

/**
 * The terminal contract shared by the browser and the server (no Node imports here).
 *
 * WebSocket `/api/v1/projects/:projectId/terminals/:terminalId/socket` (path owned by the router):
 * - client → server: JSON text frames, one {@link TerminalClientMessage} each.
 * - server → client: terminal output as BINARY frames carrying the pty's raw bytes, and JSON text
 *   frames for control messages ({@link TerminalServerMessage}).
 *
 * Why binary frames for output: xterm.js parses bytes natively (`term.write(Uint8Array)` keeps a
 * streaming UTF-8 decoder, so a multi-byte character split across frames is fine). A JSON
 * `{type:'output', data}` frame would cost a UTF-8 decode plus JSON escaping of every control
 * character on the server and a JSON.parse on the client for each chunk — the hottest path of a
 * terminal — and would mangle invalid UTF-8 that programs legitimately print.
 *
 * Flow control: the client counts the bytes of output frames it has finished processing (xterm's
 * `write(data, callback)`) and reports them with `{type:'ack', bytes}` — an increment, not a
 * running total — at least every {@link TERMINAL_ACK_CHUNK_BYTES}. The server stops reading the
 * pty while more than {@link TERMINAL_HIGH_WATERMARK_BYTES} are unacknowledged and resumes below
 * {@link TERMINAL_LOW_WATERMARK_BYTES}; the replay sent on attach counts as output too.
 */

/** Pause the pty when this many output bytes are unacknowledged. */
export const TERMINAL_HIGH_WATERMARK_BYTES = 1024 * 1024;
/** Resume the pty once unacknowledged output falls below this. */
export const TERMINAL_LOW_WATERMARK_BYTES = 256 * 1024;
/** Clients should acknowledge at least this often (well below the low watermark). */
export const TERMINAL_ACK_CHUNK_BYTES = 64 * 1024;

export const TERMINAL_MIN_COLS = 2;
export const TERMINAL_MAX_COLS = 1000;
export const TERMINAL_MIN_ROWS = 1;
export const TERMINAL_MAX_ROWS = 500;
/** Largest input frame accepted (a big paste); larger ones close the socket. */
export const TERMINAL_MAX_INPUT_CHARS = 1024 * 1024;

/** WebSocket close code for a protocol violation (RFC 6455 "policy violation"). */
export const TERMINAL_CLOSE_POLICY = 1008;
/** WebSocket close code when the terminal ended or was taken over. */
export const TERMINAL_CLOSE_NORMAL = 1000;

const cols = z.number().int().min(TERMINAL_MIN_COLS).max(TERMINAL_MAX_COLS);
const rows = z.number().int().min(TERMINAL_MIN_ROWS).max(TERMINAL_MAX_ROWS);

/** Terminal dimensions as sent by clients. */
export const terminalSizeSchema = z.strictObject({ cols, rows });

/** Messages a client may send. */
export const terminalClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('input'), data: z.string().max(TERMINAL_MAX_INPUT_CHARS) }),
  z.strictObject({ type: z.literal('resize'), cols, rows }),
  z.strictObject({ type: z.literal('ack'), bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
]);
export type TerminalClientMessage = z.infer<typeof terminalClientMessageSchema>;

/** How a terminal's process ended. `signal` is the number of the killing signal, if any. */
export interface TerminalExitStatus {
  readonly code: number | null;
  readonly signal: number | null;
}

/** JSON control messages from the server (output travels as binary frames). */
export type TerminalServerMessage =
  | { readonly type: 'ready'; readonly id: string; readonly cols: number; readonly rows: number }
  | ({ readonly type: 'exit' } & TerminalExitStatus)
  | { readonly type: 'replaced' };

/** Body of `POST /api/v1/projects/:projectId/terminals`. */
export const createTerminalBodySchema = terminalSizeSchema;
export type CreateTerminalBody = z.infer<typeof createTerminalBodySchema>;

/** A terminal as listed by the REST API. */
export interface TerminalInfo {
  readonly id: string;
  readonly projectId: string;
  readonly cols: number;
  readonly rows: number;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly exited: boolean;
  readonly exitCode: number | null;
}
