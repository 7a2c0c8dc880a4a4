/**
 * The script the preview proxy adds to the app's HTML pages. It reports console errors and
 * navigations to the IDE window and obeys its reload/back/forward/navigate requests; both
 * directions check the other side's origin (the IDE origin is in the tag's data attribute).
 */
export const PREVIEW_CLIENT_SCRIPT = `(() => {
  const tag = document.currentScript;
  const ide = tag && tag.dataset.ideOrigin;
  if (!ide || window.parent === window) return;
  const post = (message) => window.parent.postMessage(Object.assign({ source: 'slipway-preview' }, message), ide);
  const text = (args) => Array.from(args).map((a) => a instanceof Error ? a.stack || String(a) : typeof a === 'string' ? a : (() => { try { return JSON.stringify(a); } catch { return String(a); } })()).join(' ').slice(0, 10000);
  for (const level of ['error', 'warn']) {
    const original = console[level];
    console[level] = function (...args) { post({ type: 'console', level, text: text(args) }); return original.apply(this, args); };
  }
  addEventListener('error', (e) => post({ type: 'console', level: 'error', text: e.error && e.error.stack ? e.error.stack : String(e.message) }));
  addEventListener('unhandledrejection', (e) => post({ type: 'console', level: 'error', text: 'Unhandled rejection: ' + text([e.reason]) }));
  const navigated = () => post({ type: 'navigated', url: location.pathname + location.search + location.hash, canGoBack: history.length > 1, canGoForward: false });
  addEventListener('load', navigated);
  addEventListener('popstate', navigated);
  addEventListener('hashchange', navigated);
  addEventListener('message', (e) => {
    if (e.origin !== ide || e.source !== window.parent || !e.data || e.data.source !== 'slipway-ide') return;
    if (e.data.type === 'reload') location.reload();
    else if (e.data.type === 'back') history.back();
    else if (e.data.type === 'forward') history.forward();
    else if (e.data.type === 'navigate' && typeof e.data.path === 'string' && e.data.path.startsWith('/')) location.assign(e.data.path);
  });
})();
`;
