import type { WebSocket } from 'ws';
import { isDomainError } from '../../core/errors';
import { checkClientMessage } from '../../languages/lsp-message-guard';
import type { PythonLanguageServer, PythonLanguageServers } from '../../languages/python-language-server';
import {
  LANGUAGE_CLOSE_POLICY,
  LANGUAGE_CLOSE_SERVER_GONE,
  PYTHON_LANGUAGE_SOCKET_ROUTE,
} from '../../protocol/languages';
import type { ProjectService } from '../../workspace/project-service';
import type { WebSocketRouter } from '../websocket-router';

/** Stop reading the language server while this much output waits for a slow browser… */
const OUTPUT_HIGH_WATERMARK_BYTES = 4 * 1024 * 1024;
/** …and read again once the socket has sent it down to this. */
const OUTPUT_LOW_WATERMARK_BYTES = 1024 * 1024;

/** What the language sockets need. */
export interface LanguageSocketDeps {
  projects: ProjectService;
  python: PythonLanguageServers;
}

/**
 * Registers `/ws/projects/:projectId/languages/python`: a pyright language server in the
 * project's sandbox for as long as the socket is open, for users who may open the project.
 */
export function registerLanguageSocket(router: WebSocketRouter, deps: LanguageSocketDeps): void {
  router.add(PYTHON_LANGUAGE_SOCKET_ROUTE, async ({ params, principal, accept }) => {
    const { dir } = await deps.projects.open(principal, params.projectId ?? '');
    await deps.python.checkAvailable(principal.userId);
    // Started only once accepted: an upgrade the client abandons never calls back, and a process
    // started before it would have no socket to end it.
    const socket = await accept();
    let server: PythonLanguageServer;
    try {
      server = deps.python.start(principal.userId, dir);
    } catch (error) {
      // Lost a race with another tab for the last slot, or the platform is stopping.
      socket.close(LANGUAGE_CLOSE_SERVER_GONE, isDomainError(error) ? error.message.slice(0, 120) : 'internal error');
      if (!isDomainError(error)) throw error;
      return;
    }
    bindLanguageSocket(socket, server);
  });
}

/** Relays JSON-RPC between one socket and its language server; either side ending ends both. */
function bindLanguageSocket(socket: WebSocket, server: PythonLanguageServer): void {
  let paused = false;
  const resumeIfDrained = (): void => {
    if (paused && socket.bufferedAmount <= OUTPUT_LOW_WATERMARK_BYTES) {
      paused = false;
      server.resumeOutput();
    }
  };
  const output = server.onDidReceive((text) => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(text, resumeIfDrained);
    if (!paused && socket.bufferedAmount > OUTPUT_HIGH_WATERMARK_BYTES) {
      paused = true;
      server.pauseOutput();
    }
  });
  const exit = server.onDidExit(() => {
    if (socket.readyState === socket.OPEN) socket.close(LANGUAGE_CLOSE_SERVER_GONE, 'the language server exited');
  });

  socket.on('message', (data, isBinary) => {
    if (isBinary) return socket.close(LANGUAGE_CLOSE_POLICY, 'binary frames are not used');
    const verdict = checkClientMessage((data as Buffer).toString('utf8'));
    switch (verdict.kind) {
      case 'forward':
        if (!server.send(verdict.text)) socket.close(LANGUAGE_CLOSE_SERVER_GONE, 'the language server is not reading');
        return;
      case 'reply':
        return socket.send(verdict.text);
      case 'drop':
        return;
      case 'close':
        return socket.close(LANGUAGE_CLOSE_POLICY, verdict.reason);
    }
  });
  // ws emits 'error' (an oversized frame, invalid UTF-8) before 'close'; an EventEmitter error
  // without a listener would crash the platform.
  socket.on('error', () => undefined);
  socket.on('close', () => {
    void output.dispose();
    void exit.dispose();
    void server.dispose();
  });
}
