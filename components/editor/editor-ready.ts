import { useEffect, useState } from 'react';

const EVENT = 'slipway:editor-ready';

declare global {
  interface Window {
    /** performance.now() when the first file became editable; the load benchmark waits for it. */
    __slipwayEditorReady?: number;
  }
}

/** Called by the editor when the first file becomes editable. */
export function markEditorReady(): void {
  if (window.__slipwayEditorReady !== undefined) return;
  performance.mark('slipway:editor-ready');
  window.__slipwayEditorReady = performance.now();
  window.dispatchEvent(new Event(EVENT));
}

/**
 * True once the editor is ready, or after `fallbackMs` (no file open, or a file that is not
 * text, never makes it ready). Features that are not needed for the first edit wait for this,
 * so their code does not compete with Monaco's download.
 */
export function useEditorReady(fallbackMs = 4000): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (window.__slipwayEditorReady !== undefined) {
      setReady(true);
      return;
    }
    const done = (): void => setReady(true);
    const timer = setTimeout(done, fallbackMs);
    window.addEventListener(EVENT, done, { once: true });
    return () => {
      clearTimeout(timer);
      window.removeEventListener(EVENT, done);
    };
  }, [fallbackMs]);
  return ready;
}
