/** The emulated devices; sizes are CSS pixels in portrait, as browsers' device toolbars list them. */
export const DEVICES = [
  { id: 'phone-small', label: 'Small phone', width: 360, height: 640, dpr: 2, bezel: 'phone' },
  { id: 'phone-large', label: 'Large phone', width: 430, height: 932, dpr: 3, bezel: 'phone' },
  { id: 'tablet', label: 'Tablet', width: 820, height: 1180, dpr: 2, bezel: 'tablet' },
  { id: 'responsive', label: 'Responsive', width: 0, height: 0, dpr: 1, bezel: 'none' },
] as const;

export type DeviceId = (typeof DEVICES)[number]['id'];
export type Bezel = (typeof DEVICES)[number]['bezel'];

/** Zoom levels offered besides "fit". */
export const ZOOM_LEVELS = [50, 75, 100, 125, 150] as const;

/** The emulator's choices, persisted per project with the rest of the layout. */
export interface EmulatorSettings {
  device: DeviceId;
  landscape: boolean;
  /** 'fit' scales the device to the pane; a number is a percentage. */
  zoom: 'fit' | number;
  /** The viewport of the "Responsive" device. */
  responsive: { width: number; height: number };
}

export const RESPONSIVE_LIMITS = { min: 200, max: 2560 } as const;

export const DEFAULT_EMULATOR: EmulatorSettings = {
  device: 'phone-small',
  landscape: false,
  zoom: 'fit',
  responsive: { width: 400, height: 700 },
};

function clampSize(value: unknown, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.round(Math.min(RESPONSIVE_LIMITS.max, Math.max(RESPONSIVE_LIMITS.min, value)));
}

/** Reads saved settings, keeping only well-formed fields. */
export function readEmulatorSettings(raw: unknown): EmulatorSettings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof EmulatorSettings, unknown>>;
  const responsive = (value.responsive && typeof value.responsive === 'object' ? value.responsive : {}) as {
    width?: unknown;
    height?: unknown;
  };
  return {
    device: DEVICES.some((d) => d.id === value.device) ? (value.device as DeviceId) : DEFAULT_EMULATOR.device,
    landscape: value.landscape === true,
    zoom: ZOOM_LEVELS.includes(value.zoom as (typeof ZOOM_LEVELS)[number]) ? (value.zoom as number) : 'fit',
    responsive: {
      width: clampSize(responsive.width, DEFAULT_EMULATOR.responsive.width),
      height: clampSize(responsive.height, DEFAULT_EMULATOR.responsive.height),
    },
  };
}

/** The viewport the app sees (CSS px, orientation applied), its pixel ratio and the bezel to draw. */
export function viewportOf(settings: EmulatorSettings): { width: number; height: number; dpr: number; bezel: Bezel } {
  const device = DEVICES.find((d) => d.id === settings.device) ?? DEVICES[0];
  const width = device.id === 'responsive' ? settings.responsive.width : device.width;
  const height = device.id === 'responsive' ? settings.responsive.height : device.height;
  return settings.landscape
    ? { width: height, height: width, dpr: device.dpr, bezel: device.bezel }
    : { width, height, dpr: device.dpr, bezel: device.bezel };
}

/** Bezel thickness around the screen, in CSS px (kept in step with emulator.css). */
export const BEZEL_PX: Record<Bezel, number> = { phone: 12, tablet: 16, none: 1 };

/** The scale that shows the whole device in a stage of the given size (never above 100 %). */
export function fitScale(outer: { width: number; height: number }, stage: { width: number; height: number }): number {
  if (stage.width <= 0 || stage.height <= 0) return 1;
  return Math.min(1, stage.width / outer.width, stage.height / outer.height);
}
