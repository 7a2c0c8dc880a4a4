import type { RawData, WebSocket } from 'ws';
import { toDisposable, type Disposable } from '../core/disposable';
import { isDomainError } from '../core/errors';
import {
  TERMINAL_CLOSE_NORMAL,
  TERMINAL_CLOSE_POLICY,
  terminalClientMessageSchema,
  type TerminalClientMessage,
  type TerminalServerMessage,
} from '../protocol/terminal';
import type { TerminalAttachment, TerminalSession } from '../workspace/terminal-session';

/** When the socket's own send buffer holds this much, stop reading the pty… */
const SOCKET_HIGH_BYTES = 1024 * 1024;
/** …until it drains below this. Guards memory against a client that acks without reading. */
const SOCKET_LOW_BYTES = 256 * 1024;

/**
 * Wires one accepted WebSocket to a terminal session (the upgrade router has already
 * authenticated the user and checked they own the session). The session's replay is sent first,
 * then live output as binary frames, one per pty read and without timers, so keystroke echo is
 * not delayed. Invalid client frames close the socket with 1008; nothing here throws.
 */
export function bindTerminalSocket(session: TerminalSession, socket: WebSocket): Disposable {
  let attachment: TerminalAttachment | undefined;
  let congested = false;
  // Once replaced or exited, frames still in flight from this client must not reach the shell.
  let active = true;

  const sendJson = (message: TerminalServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const close = (code: number, reason: string) => {
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
  };
  const onDrained = () => {
    if (congested && socket.bufferedAmount < SOCKET_LOW_BYTES) {
      congested = false;
      attachment?.setTransportCongested(false);
    }
  };

  const handle = (message: TerminalClientMessage) => {
    switch (message.type) {
      case 'input':
        return session.write(message.data);
      case 'resize':
        return session.resize(message.cols, message.rows);
      case 'ack':
        return attachment?.acknowledge(message.bytes);
    }
  };
  const onMessage = (data: RawData, isBinary: boolean) => {
    if (!active) return;
    const message = isBinary ? undefined : parseClientMessage(data);
    if (!message) return close(TERMINAL_CLOSE_POLICY, 'invalid terminal message');
    try {
      handle(message);
    } catch (error) {
      if (!isDomainError(error)) console.error('terminal socket: message failed', error);
      close(TERMINAL_CLOSE_POLICY, 'rejected terminal message');
    }
  };

  sendJson({ type: 'ready', id: session.id, cols: session.cols, rows: session.rows });
  socket.on('message', onMessage);
  attachment = session.attach({
    output: (data) => {
      if (socket.readyState !== socket.OPEN) return;
      socket.send(data, { binary: true }, onDrained);
      if (!congested && socket.bufferedAmount > SOCKET_HIGH_BYTES) {
        congested = true;
        attachment?.setTransportCongested(true);
      }
    },
    exit: (status) => {
      active = false;
      sendJson({ type: 'exit', code: status.code, signal: status.signal });
      close(TERMINAL_CLOSE_NORMAL, 'terminal exited');
    },
    replaced: () => {
      active = false;
      sendJson({ type: 'replaced' });
      close(TERMINAL_CLOSE_NORMAL, 'terminal opened elsewhere');
    },
  });

  const binding = toDisposable(() => {
    socket.off('message', onMessage);
    socket.off('close', onClose);
    socket.off('error', onError);
    attachment?.dispose();
    attachment = undefined;
    close(TERMINAL_CLOSE_NORMAL, 'terminal detached');
  });
  const onClose = () => void binding.dispose();
  // 'close' always follows 'error' in ws; the listener only keeps an error from going unhandled.
  const onError = () => {};
  socket.on('close', onClose);
  socket.on('error', onError);
  if (socket.readyState === socket.CLOSING || socket.readyState === socket.CLOSED) void binding.dispose();
  return binding;
}

/** Parses one text frame; undefined when it is not a valid client message. */
export function parseClientMessage(data: RawData): TerminalClientMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(rawToString(data));
  } catch {
    return undefined;
  }
  const result = terminalClientMessageSchema.safeParse(json);
  return result.success ? result.data : undefined;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
