import sharp, { type Sharp } from 'sharp';
import type { ServiceScope } from '../service-scope';

/** Test images made with sharp itself, and ways to look at the pixels of a result. */

export const testScope: ServiceScope = { tenantId: 'tenant-1', appId: 'app-1', environment: 'preview' };

export type Rgb = [number, number, number];

export const RED: Rgb = [255, 0, 0];
export const GREEN: Rgb = [0, 255, 0];
export const BLUE: Rgb = [0, 0, 255];
export const WHITE: Rgb = [255, 255, 255];

/** Raw RGB pixels whose colour is `paint(x, y)`. */
function paint(width: number, height: number, colourAt: (x: number, y: number) => Rgb): Sharp {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colourAt(x, y), (y * width + x) * 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

export const solid = (width: number, height: number, colour: Rgb): Sharp =>
  sharp({ create: { width, height, channels: 3, background: { r: colour[0], g: colour[1], b: colour[2] } } });

/** Red top-left, green top-right, blue bottom-left, white bottom-right: shows every turn and mirror. */
export const quadrants = (width: number, height: number): Sharp =>
  paint(width, height, (x, y) => {
    const right = x >= width / 2;
    const bottom = y >= height / 2;
    return bottom ? (right ? WHITE : BLUE) : right ? GREEN : RED;
  });

/** A red first row over blue. */
export const redTopRow = (width: number, height: number): Sharp =>
  paint(width, height, (_x, y) => (y === 0 ? RED : BLUE));

/** Noise-like detail, so that JPEG and WebP quality changes the size. */
export const busy = (width: number, height: number): Sharp =>
  paint(width, height, (x, y) => [(x * 37 + y * 11) % 256, (x * x + y * 7) % 256, (x * y) % 256]);

/** A horizontal gradient from black to red; a pixel's red value tells its column. */
export const gradient = (width: number, height: number): Sharp =>
  paint(width, height, (x) => [Math.round((x * 255) / Math.max(1, width - 1)), 0, 0]);

/** Half opaque red, half fully transparent. */
export const halfTransparentPng = (width: number, height: number): Promise<Buffer> => {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? [255, 0, 0, 255] : [0, 0, 0, 0], (y * width + x) * 4);
  }
  return sharp(data, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
};

/** Three frames of 20×10: red, green, blue. */
export async function animated(format: 'gif' | 'webp'): Promise<Buffer> {
  const frames = await Promise.all([RED, GREEN, BLUE].map((colour) => solid(20, 10, colour).png().toBuffer()));
  const joined = sharp(frames, { join: { animated: true } });
  return format === 'gif' ? joined.gif().toBuffer() : joined.webp().toBuffer();
}

export interface Pixels {
  width: number;
  height: number;
  channels: number;
  at(x: number, y: number): number[];
}

/** Decodes an output to raw pixels. */
export async function pixelsOf(image: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    at: (x, y) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels)],
  };
}

/** Whether two colours are within `tolerance` per channel (JPEG moves colours a little). */
export function near(actual: number[], expected: readonly number[], tolerance = 24): boolean {
  return expected.every((value, index) => Math.abs((actual[index] ?? Number.NaN) - value) <= tolerance);
}
