import { tooLarge } from '../../core/errors';

/** What one image request may ask of the server. */
export interface ImageLimits {
  /** Largest input accepted, in bytes (default 20 MiB). */
  maxInputBytes: number;
  /** Largest input accepted, in pixels of its first frame (default 40 megapixels). */
  maxInputPixels: number;
  /** Longest side of the result and of every intermediate image (default 8192). */
  maxOutputSide: number;
  /** Most operations in one transform (default 20). */
  maxOperations: number;
}

/** The defaults of {@link ImageLimits}. */
export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = {
  maxInputBytes: 20 * 1024 * 1024,
  maxInputPixels: 40_000_000,
  maxOutputSide: 8192,
  maxOperations: 20,
};

// One decimal, rounded up (less a hair, so that 40.0 computed as 40.000000001 stays 40).
const roundUp = (value: number): string => String(Math.ceil(value * 10 - 1e-9) / 10);

/** "20 MiB", "1.5 MiB", "900 KiB", "12 bytes"; rounded up, so 20 MiB + 1 byte reads "20.1 MiB". */
export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${roundUp(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${roundUp(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

/** "40 megapixels", "0.001 megapixels", "108 megapixels"; rounded up like describeBytes. */
export function describeMegapixels(pixels: number): string {
  const megapixels = pixels / 1_000_000;
  const text = megapixels >= 1 ? roundUp(megapixels) : String(Number(megapixels.toPrecision(2)));
  return `${text} megapixels`;
}

export function checkInputBytes(input: Uint8Array, limits: ImageLimits): void {
  if (input.length > limits.maxInputBytes) {
    throw tooLarge(`the image is ${describeBytes(input.length)}; the limit is ${describeBytes(limits.maxInputBytes)}`, {
      bytes: input.length,
      limitBytes: limits.maxInputBytes,
    });
  }
}

export function checkInputPixels(size: { width: number; height: number }, limits: ImageLimits): void {
  const pixels = size.width * size.height;
  if (pixels > limits.maxInputPixels) {
    throw tooLarge(
      `the image is ${size.width}×${size.height} pixels (${describeMegapixels(pixels)}); ` +
        `the limit is ${describeMegapixels(limits.maxInputPixels)}`,
      { width: size.width, height: size.height, limitPixels: limits.maxInputPixels },
    );
  }
}
