import type { Metadata, Viewport } from 'next';
import { Launcher } from '@/components/launcher/launcher';

export const metadata: Metadata = {
  title: 'Slipway',
  description: "Your organisation's apps, notifications and messages",
  manifest: '/m/manifest.webmanifest',
  appleWebApp: { capable: true, title: 'Slipway', statusBarStyle: 'default' },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  // Content reaches under a notch; the launcher pads itself with env(safe-area-inset-*).
  viewportFit: 'cover',
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#1f1f1f' },
  ],
};

/** The mobile launcher: a business user's apps, their notifications and messages (decision 015). */
export default function LauncherPage() {
  return <Launcher />;
}
