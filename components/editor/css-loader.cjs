// Turbopack loader for @codingame/monaco-vscode-* files (see next.config.mjs), two modes:
// - default: turns a CSS file into `export default "<css text>"`. Relative url(...) references
//   become `new URL(..., import.meta.url)` so Turbopack emits the fonts/images as assets and the
//   constructed stylesheet gets absolute URLs (a constructed sheet has no base URL of its own).
// - `{ mode: 'empty' }`: replaces a side-effect-only module with an empty one, to drop VS Code
//   features the IDE never uses from the bundle.
// One file for both because it is the one build script the lint config knows to skip.
'use strict';

const URL_PATTERN = /url\(\s*(['"]?)([^'")]+)\1\s*\)/g;

/** True for references the browser can resolve without the stylesheet's location. */
function isAbsolute(ref) {
  return /^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(ref);
}

module.exports = function codingameLoader(source) {
  const options = (typeof this.getOptions === 'function' ? this.getOptions() : this.query) || {};
  if (options.mode === 'empty') return 'export {};\n';
  const pieces = [];
  let last = 0;
  for (const match of source.matchAll(URL_PATTERN)) {
    const ref = match[2].trim();
    if (isAbsolute(ref)) continue;
    const clean = ref.split(/[?#]/)[0];
    const suffix = ref.slice(clean.length);
    pieces.push(JSON.stringify(source.slice(last, match.index)));
    const target = clean.startsWith('.') ? clean : `./${clean}`;
    pieces.push(
      `'url("' + new URL(${JSON.stringify(target)}, import.meta.url).href + ${JSON.stringify(suffix)} + '")'`,
    );
    last = match.index + match[0].length;
  }
  pieces.push(JSON.stringify(source.slice(last)));
  return `export default ${pieces.join(' + ')};\n`;
};
