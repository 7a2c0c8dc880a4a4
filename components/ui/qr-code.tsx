'use client';

import { useEffect, useState } from 'react';

/** Encodes `text` as a QR code SVG data URL; the encoder (~25 kB) loads on first use. */
export async function qrCodeDataUrl(text: string): Promise<string> {
  const qrcode = await import('qrcode');
  // Dark on white whatever the IDE theme: phone cameras need the contrast and the quiet zone.
  const svg = await qrcode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
    color: { dark: '#000000', light: '#ffffff' },
  });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** A QR code image of `text` (a URL to open on a phone), named by `label`. */
export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  const [image, setImage] = useState<{ text: string; url: string } | null>(null);
  useEffect(() => {
    let live = true;
    void qrCodeDataUrl(text).then((url) => {
      if (live) setImage({ text, url });
    });
    return () => {
      live = false;
    };
  }, [text]);
  if (image?.text !== text) return <div style={{ width: size, height: size }} aria-busy="true" />;
  return <img src={image.url} alt={label} width={size} height={size} />;
}
