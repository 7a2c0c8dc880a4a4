'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { UserMessagesPageDto } from '@/server/protocol/messaging';
import { api, errorMessage } from '@/components/api/api-client';
import { appendOlder, markMessageRead } from './messages-page';

/** The signed-in user's in-platform messages and what the Messages view does with them. */
export interface MessagesState {
  page: UserMessagesPageDto | null;
  error: string | null;
  loadingOlder: boolean;
  refresh: () => Promise<void>;
  loadOlder: () => Promise<void>;
  markRead: (messageId: string) => void;
}

/**
 * Loads the newest messages of the organisation's apps now, when the organisation changes, and on
 * `refresh()` (an `inbox` frame, a reconnection). Nothing loads until the organisation is known.
 */
export function useMessages(tenantId: string | null): MessagesState {
  const [page, setPage] = useState<UserMessagesPageDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    if (!tenantId) return;
    const request = ++latest.current;
    try {
      const loaded = await api.messages.list({ tenantId });
      if (request !== latest.current) return;
      setPage(loaded);
      setError(null);
    } catch (e) {
      if (request === latest.current) setError(errorMessage(e));
    }
  }, [tenantId]);

  useEffect(() => {
    setPage(null);
    void refresh();
  }, [refresh]);

  const loadOlder = useCallback(async () => {
    const cursor = page?.nextCursor;
    if (!cursor || !tenantId) return;
    // A refresh (or another organisation) since the request makes this page stale.
    const request = latest.current;
    setLoadingOlder(true);
    try {
      const older = await api.messages.list({ tenantId, cursor });
      if (request !== latest.current) return;
      setPage((shown) => (shown ? appendOlder(shown, older) : older));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoadingOlder(false);
    }
  }, [page?.nextCursor, tenantId]);

  const markRead = useCallback(
    (messageId: string) => {
      // Shown read at once; a refused call puts the server's truth back.
      setPage((shown) => (shown ? markMessageRead(shown, messageId, new Date().toISOString()) : shown));
      api.messages.markRead(messageId).catch((e: unknown) => {
        setError(errorMessage(e));
        void refresh();
      });
    },
    [refresh],
  );

  return { page, error, loadingOlder, refresh, loadOlder, markRead };
}
