'use client';

import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '@/components/api/api-client';

/**
 * What a bottom-panel view lists (the Outbox, Tasks): loaded each time the view is shown and on
 * `refresh()`. `run` wraps any other call of the view (load older, retry) in the same loading
 * state and error line.
 */
export function usePanelData<T>(visible: boolean, load: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(async (work: () => Promise<void>) => {
    setLoading(true);
    try {
      await work();
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, []);

  const refresh = useCallback(() => run(async () => setData(await load())), [run, load]);

  useEffect(() => {
    if (visible) void refresh();
  }, [visible, refresh]);

  return { data, setData, loading, error, refresh, run };
}
