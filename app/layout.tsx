import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { THEME_BOOT_SCRIPT } from '@/components/ui/theme-boot';
import './globals.css';

export const metadata: Metadata = {
  title: 'Slipway',
  description: 'Build, preview and publish business apps from your browser',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
};

/** Root layout: system fonts, theme applied before first paint to avoid a flash. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The boot script sets data-theme before hydration, so the attribute legitimately differs.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
