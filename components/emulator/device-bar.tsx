'use client';

import { useState, type ReactNode } from 'react';
import {
  DEVICES,
  RESPONSIVE_LIMITS,
  viewportOf,
  ZOOM_LEVELS,
  type DeviceId,
  type EmulatorSettings,
} from './device-presets';
import { ToolButton } from './emulator-toolbar';

/** A viewport size field of the Responsive device; commits on Enter or blur, clamped to the limits. */
function SizeField({ label, value, onCommit }: { label: string; value: number; onCommit: (v: number) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = (): void => {
    const n = Number(draft);
    if (draft !== null && draft.trim() !== '' && Number.isFinite(n)) {
      onCommit(Math.round(Math.min(RESPONSIVE_LIMITS.max, Math.max(RESPONSIVE_LIMITS.min, n))));
    }
    setDraft(null);
  };
  return (
    <input
      type="number"
      className="input emulator-size"
      aria-label={label}
      min={RESPONSIVE_LIMITS.min}
      max={RESPONSIVE_LIMITS.max}
      value={draft ?? value}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

/**
 * The emulator's second toolbar row: device preset, responsive size, rotation, zoom, pixel ratio,
 * then `children` (the preview identity).
 */
export function DeviceBar({
  settings,
  scale,
  onChange,
  children,
}: {
  settings: EmulatorSettings;
  /** The scale in use (relevant when zoom is "fit"). */
  scale: number;
  onChange: (settings: EmulatorSettings) => void;
  children?: ReactNode;
}) {
  const viewport = viewportOf(settings);
  const responsive = settings.device === 'responsive';
  const set = (patch: Partial<EmulatorSettings>): void => onChange({ ...settings, ...patch });
  // Rotating the Responsive device swaps its fields, so what you see matches what you typed.
  const rotate = (): void => set({ landscape: !settings.landscape });
  const size = settings.landscape
    ? { width: settings.responsive.height, height: settings.responsive.width }
    : settings.responsive;
  const setSize = (next: { width: number; height: number }): void =>
    set({ responsive: settings.landscape ? { width: next.height, height: next.width } : next });

  return (
    <div className="emulator-bar" role="toolbar" aria-label="Viewport">
      <select
        className="input emulator-device"
        aria-label="Device"
        value={settings.device}
        onChange={(e) => set({ device: e.target.value as DeviceId })}
      >
        {DEVICES.map((d) => (
          <option key={d.id} value={d.id}>
            {d.label}
          </option>
        ))}
      </select>
      {responsive ? (
        <span className="emulator-sizes">
          <SizeField label="Width" value={size.width} onCommit={(width) => setSize({ ...size, width })} />
          <span aria-hidden="true">×</span>
          <SizeField label="Height" value={size.height} onCommit={(height) => setSize({ ...size, height })} />
        </span>
      ) : null}
      <ToolButton
        label="Rotate"
        icon="rotate"
        title={settings.landscape ? 'Rotate to portrait' : 'Rotate to landscape'}
        pressed={settings.landscape}
        onClick={rotate}
      />
      <select
        className="input emulator-zoom"
        aria-label="Zoom"
        value={String(settings.zoom)}
        onChange={(e) => set({ zoom: e.target.value === 'fit' ? 'fit' : Number(e.target.value) })}
      >
        <option value="fit">Fit ({Math.round(scale * 100)} %)</option>
        {ZOOM_LEVELS.map((z) => (
          <option key={z} value={z}>
            {z} %
          </option>
        ))}
      </select>
      <span className="emulator-info hint" title="Viewport in CSS pixels and the device pixel ratio">
        {viewport.width}×{viewport.height} · DPR {responsive ? window.devicePixelRatio : viewport.dpr}
      </span>
      {children}
    </div>
  );
}
