'use client';

import { useEffect, useRef, useState } from 'react';
import type { LauncherPushDto } from '@/server/protocol/launcher';
import { loadPushClient, needsFreshToken, type PushConnection } from './push-client';

/** The launcher socket's state: no push in the plan, first connection, open, or waiting to reconnect. */
export type PushStatus = 'off' | 'connecting' | 'live' | 'reconnecting';

/** What the launcher does with its socket's events. */
export interface PushHandlers {
  onFrame: (frame: unknown) => void;
  /** Each (re)connection: what was sent meanwhile may need reloading. */
  onOpen: () => void;
  /** The token expired: load a fresh one (a new `push` restarts the connection). */
  onTokenExpired: () => void;
}

const SCRIPT_RETRY_MS = 10_000;
const TOKEN_RETRY_MS = [5_000, 15_000, 60_000];

/** Holds the launcher's push connection for `push` (none when null) and reports its state. */
export function usePush(push: LauncherPushDto | null, handlers: PushHandlers): PushStatus {
  const [status, setStatus] = useState<PushStatus>(push ? 'connecting' : 'off');
  // The socket lives across renders; it calls whatever handlers the latest render passed.
  const handlersRef = useRef(handlers);
  useEffect(() => {
    handlersRef.current = handlers;
  });

  const token = push?.token;
  const clientScript = push?.clientScript;
  const expiresAt = push?.expiresAt;
  useEffect(() => {
    if (!token || !clientScript || !expiresAt) {
      setStatus('off');
      return;
    }
    let disposed = false;
    let connection: PushConnection | null = null;
    let timer: number | undefined;
    let tokenAttempts = 0;

    // Until a new token arrives (which disposes this effect), ask again with growing pauses.
    const askForToken = (): void => {
      if (disposed) return;
      handlersRef.current.onTokenExpired();
      const delay = TOKEN_RETRY_MS[Math.min(tokenAttempts++, TOKEN_RETRY_MS.length - 1)];
      timer = window.setTimeout(askForToken, delay);
    };

    const start = (): void => {
      loadPushClient(clientScript).then(
        (client) => {
          if (disposed) return;
          try {
            connection = client.connect(token, (_message, frame) => handlersRef.current.onFrame(frame), {
              onOpen: () => {
                if (disposed) return;
                setStatus('live');
                handlersRef.current.onOpen();
              },
              onClose: (event) => {
                if (disposed) return;
                setStatus('reconnecting');
                if (!needsFreshToken(event, expiresAt, Date.now())) return;
                connection?.close();
                askForToken();
              },
            });
          } catch {
            // connect() refuses only a malformed token: a fresh one is the only cure.
            setStatus('reconnecting');
            askForToken();
          }
        },
        () => {
          if (disposed) return;
          setStatus('reconnecting');
          timer = window.setTimeout(start, SCRIPT_RETRY_MS);
        },
      );
    };

    setStatus('connecting');
    start();
    return () => {
      disposed = true;
      window.clearTimeout(timer);
      connection?.close();
    };
  }, [token, clientScript, expiresAt]);

  return status;
}
