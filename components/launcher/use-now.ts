'use client';

import { useEffect, useState } from 'react';

/** The current time, renewed every `intervalMs`, so "2 minutes ago" labels keep up. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
