'use client';

import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '@/components/api/api-client';
import { qrCodeDataUrl } from '@/components/ui/qr-code';
import { ModalDialog } from '@/components/ui/modal-dialog';
import type { PreviewLinkDto } from '@/server/protocol/preview';

interface Code {
  link: PreviewLinkDto;
  /** The QR code as an SVG data URL. */
  image: string;
}

function remaining(expiresAt: string, now: number): string | null {
  const ms = new Date(expiresAt).getTime() - now;
  if (!Number.isFinite(ms) || ms <= 0) return null;
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A dialog with a QR code of a one-time `phone` link to the preview, and when it expires. */
export function QrDialog({ projectId, path, onClose }: { projectId: string; path: string; onClose: () => void }) {
  const [code, setCode] = useState<Code | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const generate = useCallback(async () => {
    setCode(null);
    setError(null);
    try {
      const link = await api.preview.link(projectId, { path, purpose: 'phone' });
      setCode({ link, image: await qrCodeDataUrl(link.url) });
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [projectId, path]);

  useEffect(() => {
    void generate();
  }, [generate]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const left = code ? remaining(code.link.expiresAt, now) : null;
  return (
    <ModalDialog
      className="qr-dialog"
      titleId="qr-title"
      title="Open on your phone"
      actions={
        <button type="button" className="btn btn-secondary" onClick={() => void generate()}>
          New code
        </button>
      }
      onClose={onClose}
    >
      <p className="hint">
        Scan with the phone&apos;s camera to open <code>{path}</code>. The link signs the phone in to this preview once.
      </p>
      <div className="qr-box">
        {code ? (
          <img src={code.image} alt="QR code" width={232} height={232} className={left ? '' : 'qr-expired'} />
        ) : error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : (
          <p className="hint">Creating a link…</p>
        )}
      </div>
      {code ? (
        <p className="qr-expiry">
          {left ? (
            <>
              Expires in {left} (at {new Date(code.link.expiresAt).toLocaleTimeString()})
            </>
          ) : (
            'This code has expired.'
          )}
        </p>
      ) : null}
    </ModalDialog>
  );
}
