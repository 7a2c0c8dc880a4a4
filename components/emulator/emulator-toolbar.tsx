'use client';

import { useState } from 'react';
import type { PreviewState } from '@/server/protocol/preview';
import { Icon, type IconName } from '@/components/ui/icon';
import { normalizePath } from './frame-messages';

/** Run/Stop availability for a state; `busy` while a request is in flight. */
export function runControls(state: PreviewState | null, busy: boolean): { canRun: boolean; canStop: boolean } {
  const live = state === 'starting' || state === 'running';
  return { canRun: !busy && state !== null && !live, canStop: !busy && state !== null && state !== 'stopped' };
}

/** A small icon button whose accessible name is `label`. */
export function ToolButton({
  label,
  icon,
  title,
  disabled,
  pressed,
  className = '',
  onClick,
}: {
  label: string;
  icon: IconName;
  title?: string;
  disabled?: boolean;
  pressed?: boolean;
  className?: string;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className={`icon-btn ${className}`}
      aria-label={label}
      aria-pressed={pressed}
      title={title ?? label}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon name={icon} />
    </button>
  );
}

/** The address field: shows the app path; Enter navigates the frame there. */
function AddressField({
  path,
  disabled,
  onNavigate,
}: {
  path: string;
  disabled: boolean;
  onNavigate: (p: string) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      className="input emulator-address"
      aria-label="Address"
      spellCheck={false}
      autoComplete="off"
      disabled={disabled}
      value={draft ?? path}
      onFocus={(e) => e.currentTarget.select()}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => setDraft(null)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          onNavigate(normalizePath(draft ?? path));
          setDraft(null);
        } else if (e.key === 'Escape') {
          setDraft(null);
        }
      }}
    />
  );
}

/** The emulator's first toolbar row: Run/Stop, reload, history, address, new tab, QR code. */
export function NavigationBar({
  state,
  busy,
  path,
  canGoBack,
  canGoForward,
  onRun,
  onStop,
  onCommand,
  onNavigate,
  onOpenInNewTab,
  onQrCode,
}: {
  state: PreviewState | null;
  busy: boolean;
  path: string;
  canGoBack: boolean;
  canGoForward: boolean;
  onRun: () => void;
  onStop: () => void;
  onCommand: (command: 'reload' | 'back' | 'forward') => void;
  onNavigate: (path: string) => void;
  onOpenInNewTab: () => void;
  onQrCode: () => void;
}) {
  const { canRun, canStop } = runControls(state, busy);
  const running = state === 'running';
  return (
    <div className="emulator-bar" role="toolbar" aria-label="Emulator controls">
      <ToolButton
        label="Run"
        icon="play"
        title="Build and start the app"
        className="run-btn"
        disabled={!canRun}
        onClick={onRun}
      />
      <ToolButton
        label="Stop"
        icon="stop"
        title="Stop the app"
        className="stop-btn"
        disabled={!canStop}
        onClick={onStop}
      />
      <ToolButton
        label="Reload preview"
        icon="refresh"
        title="Reload"
        disabled={!running}
        onClick={() => onCommand('reload')}
      />
      <ToolButton label="Back" icon="back" disabled={!running || !canGoBack} onClick={() => onCommand('back')} />
      <ToolButton
        label="Forward"
        icon="forward"
        disabled={!running || !canGoForward}
        onClick={() => onCommand('forward')}
      />
      <AddressField path={path} disabled={!running} onNavigate={onNavigate} />
      <ToolButton label="Open in new tab" icon="external" disabled={!running} onClick={onOpenInNewTab} />
      <ToolButton
        label="QR code"
        icon="qr"
        title="Open on your phone (QR code)"
        disabled={!running}
        onClick={onQrCode}
      />
    </div>
  );
}
