/** A small self-contained HTML page for app hosts (no scripts, no external resources). */
export function gatewayPage(title: string, detail: string): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:15vh auto;padding:0 1.5rem;color:#222}',
    'h1{font-size:1.4rem}p{line-height:1.5;color:#444}</style></head>',
    `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></main></body></html>`,
  ].join('');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Pages nginx serves itself; written into its configuration inside single quotes. */
export const STATIC_PAGES = {
  unknownHost: nginxSafe(
    gatewayPage(
      'No app here',
      'No published app answers at this address. Check the link, or publish the app from the Slipway IDE.',
    ),
  ),
  forbidden: nginxSafe(
    gatewayPage(
      'You do not have access to this app',
      'You are signed in, but this app is open only to some members of its tenant. Ask a manager of the tenant for access.',
    ),
  ),
  unavailable: nginxSafe(
    gatewayPage('The app is not answering', 'Its instances did not respond. Try again in a moment.'),
  ),
} as const;

function nginxSafe(page: string): string {
  // Inside '…' nginx still expands $variables and ends at a quote: neither may appear.
  const safe = page.replace(/&#39;/g, '&#8217;');
  if (/['$\\]/.test(safe)) throw new Error('a static gateway page contains a character nginx would interpret');
  return safe;
}
