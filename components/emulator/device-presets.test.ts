import { describe, expect, it } from 'vitest';
import { DEFAULT_EMULATOR, fitScale, readEmulatorSettings, viewportOf } from './device-presets';

describe('device presets', () => {
  it('rotates the viewport', () => {
    expect(viewportOf({ ...DEFAULT_EMULATOR, device: 'phone-large', landscape: true })).toMatchObject({
      width: 932,
      height: 430,
      dpr: 3,
    });
  });

  it('uses the typed size for the Responsive device', () => {
    const settings = { ...DEFAULT_EMULATOR, device: 'responsive' as const, responsive: { width: 500, height: 300 } };
    expect(viewportOf(settings)).toMatchObject({ width: 500, height: 300, bezel: 'none' });
  });

  it('fits without ever enlarging', () => {
    expect(fitScale({ width: 400, height: 800 }, { width: 200, height: 1000 })).toBe(0.5);
    expect(fitScale({ width: 400, height: 800 }, { width: 2000, height: 2000 })).toBe(1);
  });

  it('repairs saved settings', () => {
    expect(readEmulatorSettings({ device: 'watch', zoom: 33, responsive: { width: 5, height: 'x' } })).toEqual({
      ...DEFAULT_EMULATOR,
      responsive: { width: 200, height: 700 },
    });
    expect(readEmulatorSettings(null)).toEqual(DEFAULT_EMULATOR);
  });
});
