'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '@/components/api/api-client';
import type { PreviewSession, PreviewSnapshot } from '@/components/preview/preview-session';
import {
  appPath,
  parseFrameMessage,
  previewOrigin,
  type FrameCommand,
  type PreviewParentMessage,
} from './frame-messages';

type Command = 'reload' | 'back' | 'forward';

// After asking the page to reload, wait this long for it to load before assuming the injected
// script is gone (an error page) and reopening the frame from a fresh link.
const RELOAD_FALLBACK_MS = 4000;
// The injected script reports `navigated` around the frame's load event (either side of it).
const NAVIGATED_GRACE_MS = 300;

/**
 * The preview iframe's life: signs it in with a fresh `frame` link whenever it must (re)open,
 * talks to the page's injected script with checked origins only (never `'*'`), follows live
 * reloads, and tracks the app path and history for the toolbar.
 */
export function usePreviewFrame(projectId: string, session: PreviewSession | null, snapshot: PreviewSnapshot | null) {
  const iframeRef = useRef<HTMLIFrameElement>(null);
  const [src, setSrc] = useState<string | null>(null);
  const [path, setPath] = useState('/');
  const [history, setHistory] = useState({ canGoBack: false, canGoForward: false });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const origin = useRef<string | null>(null);
  const pathRef = useRef('/');
  // True while the frame shows a page with the injected script (it has said `navigated`).
  const injected = useRef(false);
  const sawNavigated = useRef(false);
  const fallback = useRef<ReturnType<typeof setTimeout> | null>(null);
  const opening = useRef(0);

  const clearFallback = (): void => {
    if (fallback.current) clearTimeout(fallback.current);
    fallback.current = null;
  };

  /** Points the frame at a fresh signed link for `target` (a full reload, works on any page). */
  const open = useCallback(
    async (target: string) => {
      const attempt = ++opening.current;
      clearFallback();
      setLoading(true);
      setError(null);
      try {
        const link = await api.preview.link(projectId, { path: target, purpose: 'frame' });
        const linkOrigin = previewOrigin(link.url);
        if (attempt !== opening.current) return;
        if (!linkOrigin) throw new Error('The server sent an unusable preview link.');
        origin.current = linkOrigin;
        injected.current = false;
        pathRef.current = target;
        setPath(target);
        setSrc(link.url);
      } catch (e) {
        if (attempt !== opening.current) return;
        setLoading(false);
        setError(errorMessage(e));
      }
    },
    [projectId],
  );

  const post = useCallback((command: FrameCommand): boolean => {
    const target = iframeRef.current?.contentWindow;
    if (!target || !origin.current || !injected.current) return false;
    const message: PreviewParentMessage = { source: 'slipway-ide', ...command };
    target.postMessage(message, origin.current);
    return true;
  }, []);

  /** Reloads the current page in place if the script is there, else reopens the last known path. */
  const reload = useCallback(() => {
    if (!post({ type: 'reload' })) return void open(pathRef.current);
    setLoading(true);
    clearFallback();
    fallback.current = setTimeout(() => void open(pathRef.current), RELOAD_FALLBACK_MS);
  }, [post, open]);

  const navigate = useCallback(
    (target: string) => {
      if (post({ type: 'navigate', path: target })) {
        setLoading(true);
        pathRef.current = target;
        setPath(target);
      } else void open(target);
    },
    [post, open],
  );

  const command = useCallback((type: Command) => (type === 'reload' ? reload() : void post({ type })), [post, reload]);

  const state = snapshot?.status?.state ?? null;
  // Open the frame once the instance runs; a stopped instance shows the placeholder instead.
  useEffect(() => {
    if (state === 'running' && src === null) void open(pathRef.current);
    if (state === 'stopped') {
      opening.current += 1;
      clearFallback();
      setSrc(null);
      setLoading(false);
      setHistory({ canGoBack: false, canGoForward: false });
    }
  }, [state, src, open]);

  useEffect(
    () => (session ? session.onDidReload(() => (src ? reload() : undefined)) : undefined),
    [session, src, reload],
  );

  useEffect(() => {
    const onMessage = (e: MessageEvent): void => {
      // Only the page in our frame, on the origin we signed it into, may talk to the IDE.
      const frame = iframeRef.current;
      if (!frame || e.source !== frame.contentWindow || !origin.current || e.origin !== origin.current) return;
      const message = parseFrameMessage(e.data);
      if (!message) return;
      if (message.type === 'console') {
        session?.console(message.level, message.text);
        return;
      }
      injected.current = true;
      sawNavigated.current = true;
      clearFallback();
      setLoading(false);
      setHistory({ canGoBack: message.canGoBack, canGoForward: message.canGoForward });
      const shown = appPath(message.url, origin.current);
      if (shown !== null) {
        pathRef.current = shown;
        setPath(shown);
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [session]);

  const onLoad = useCallback(() => {
    clearFallback();
    setLoading(false);
    if (sawNavigated.current) {
      sawNavigated.current = false;
      return;
    }
    // No `navigated` yet: give a late one a moment, else this page has no script (an error page).
    setTimeout(() => {
      if (!sawNavigated.current) injected.current = false;
      sawNavigated.current = false;
    }, NAVIGATED_GRACE_MS);
  }, []);

  /** A fresh `frame` link in a new tab; the tab is opened synchronously so popup blockers allow it. */
  const openInNewTab = useCallback(async () => {
    const tab = window.open('about:blank', '_blank');
    if (!tab) return;
    // The app's page must not be able to navigate the IDE through window.opener.
    tab.opener = null;
    try {
      const link = await api.preview.link(projectId, { path: pathRef.current, purpose: 'frame' });
      if (!previewOrigin(link.url)) throw new Error('unusable preview link');
      tab.location.href = link.url;
    } catch (e) {
      tab.close();
      setError(errorMessage(e));
    }
  }, [projectId]);

  useEffect(() => clearFallback, []);

  return { iframeRef, src, path, history, loading, error, onLoad, navigate, command, openInNewTab };
}
