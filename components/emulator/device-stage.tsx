'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { BEZEL_PX, fitScale, viewportOf, type EmulatorSettings } from './device-presets';

// Room left around the device inside the stage, in px.
const STAGE_PADDING = 24;

/** The emulated device for the current settings: its outer size and the scale it is drawn at. */
export function useDeviceGeometry(settings: EmulatorSettings, stage: { width: number; height: number }) {
  const viewport = viewportOf(settings);
  const bezel = BEZEL_PX[viewport.bezel];
  const outer = { width: viewport.width + 2 * bezel, height: viewport.height + 2 * bezel };
  const scale =
    settings.zoom === 'fit'
      ? fitScale(outer, { width: stage.width - STAGE_PADDING * 2, height: stage.height - STAGE_PADDING * 2 })
      : settings.zoom / 100;
  return { viewport, outer, scale };
}

/**
 * The device drawn with CSS (a rounded bezel for phones and tablets) around a screen sized in the
 * device's CSS pixels; the whole device is scaled with a transform for zoom and "fit", so the app
 * lays out exactly as on the device. Overflows scroll when zoomed past the pane.
 */
export function DeviceStage({
  settings,
  onScale,
  children,
}: {
  settings: EmulatorSettings;
  /** Reports the scale in use (the toolbar shows it when zoom is "fit"). */
  onScale: (scale: number) => void;
  children: ReactNode;
}) {
  const stageRef = useRef<HTMLDivElement>(null);
  const [stage, setStage] = useState({ width: 0, height: 0 });
  const { viewport, outer, scale } = useDeviceGeometry(settings, stage);

  useEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setStage({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => onScale(scale), [scale, onScale]);

  return (
    <div ref={stageRef} className="device-stage">
      <div
        className="device-slot"
        // Hidden until the stage is measured, so "fit" does not flash the device at 100 %.
        style={{
          width: outer.width * scale,
          height: outer.height * scale,
          visibility: stage.width ? 'visible' : 'hidden',
        }}
      >
        <div
          className={`device device-${viewport.bezel}${settings.landscape ? ' device-landscape' : ''}`}
          style={{ width: outer.width, height: outer.height, transform: `scale(${scale})` }}
        >
          <div className="device-screen" style={{ width: viewport.width, height: viewport.height }}>
            {children}
          </div>
        </div>
      </div>
    </div>
  );
}
