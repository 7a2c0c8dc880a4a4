// The launcher's web app manifest, so a phone can add `/m` to its home screen as "Slipway".
export const dynamic = 'force-static';

const MANIFEST = {
  name: 'Slipway',
  short_name: 'Slipway',
  description: "Your organisation's apps, notifications and messages",
  start_url: '/m',
  // The default scope would be '/m/', which does not contain the start URL '/m'.
  scope: '/m',
  display: 'standalone',
  background_color: '#f8f8f8',
  theme_color: '#ffffff',
  icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
};

/** `GET /m/manifest.webmanifest`. */
export function GET(): Response {
  return new Response(JSON.stringify(MANIFEST), {
    headers: { 'content-type': 'application/manifest+json; charset=utf-8' },
  });
}
