import type { PreviewFrameMessage } from '@/server/protocol/preview';

/** What the IDE asks of the preview frame's injected script. */
export type FrameCommand = { type: 'reload' | 'back' | 'forward' } | { type: 'navigate'; path: string };

/** A command as posted to the frame. */
export type PreviewParentMessage = FrameCommand & { source: 'slipway-ide' };

const LEVELS = new Set(['error', 'warn', 'log']);

/** Validates a message from the frame; anything malformed is dropped (the app's own scripts share that window). */
export function parseFrameMessage(data: unknown): PreviewFrameMessage | null {
  if (!data || typeof data !== 'object') return null;
  const m = data as Record<string, unknown>;
  if (m.source !== 'slipway-preview') return null;
  if (m.type === 'console' && typeof m.level === 'string' && LEVELS.has(m.level) && typeof m.text === 'string') {
    return { source: 'slipway-preview', type: 'console', level: m.level as 'error' | 'warn' | 'log', text: m.text };
  }
  if (m.type === 'navigated' && typeof m.url === 'string') {
    return {
      source: 'slipway-preview',
      type: 'navigated',
      url: m.url,
      canGoBack: m.canGoBack === true,
      canGoForward: m.canGoForward === true,
    };
  }
  return null;
}

/** The origin a preview link points at (the only origin the frame's messages may come from), or null. */
export function previewOrigin(linkUrl: string): string | null {
  try {
    const url = new URL(linkUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * Path, query and fragment of what the frame reported (a path, or a full URL that must be on the
 * preview origin) for the address field; null if it points elsewhere.
 */
export function appPath(url: string, origin: string): string | null {
  try {
    const parsed = new URL(url, origin);
    return parsed.origin === origin ? `${parsed.pathname}${parsed.search}${parsed.hash}` : null;
  } catch {
    return null;
  }
}

/**
 * What someone typed in the address field, as an app path: always one leading slash (so `//host`
 * can never become another site), surrounding spaces trimmed; a full URL keeps only its path.
 */
export function normalizePath(input: string): string {
  const text = input.trim();
  if (/^https?:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      return `${url.pathname}${url.search}${url.hash}`.replace(/^\/+/, '/');
    } catch {
      // not a URL after all: treat it as a path
    }
  }
  return `/${text.replace(/^\/+/, '')}`;
}
