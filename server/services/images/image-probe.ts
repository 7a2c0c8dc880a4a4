import { invalidInput } from '../../core/errors';
import { IMAGE_FORMAT_NAMES, NOT_AN_IMAGE_MESSAGE, sniffImageFormat, type ImageFormat } from './image-format';
import { sharp } from './sharp-runtime';
import type { ImageSize } from './transform-plan';

/** What an image's header says, without decoding its pixels. */
export interface ImageProbe {
  format: ImageFormat;
  /** Stored size of the first frame. */
  size: ImageSize;
  /** Size once turned upright by the EXIF orientation. */
  orientedSize: ImageSize;
  /** The EXIF orientation (1–8), when the image has one. */
  orientation?: number;
  hasAlpha: boolean;
  /** 1 for still images; animated GIF and WebP have more (only the first is used). */
  frames: number;
}

/** The first line of a libvips error, which names the problem ("premature end of JPEG image"). */
export function libvipsReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}

/** Reads the header of untrusted data; anything but a readable JPEG, PNG, WebP or GIF is invalid-input. */
export async function probeImage(input: Buffer): Promise<ImageProbe> {
  const format = sniffImageFormat(input);
  if (!format) throw invalidInput(NOT_AN_IMAGE_MESSAGE);
  let metadata;
  try {
    // The pixel limit is checked by the caller with the size in the message; only the header is read here.
    metadata = await sharp(input, { limitInputPixels: false, pages: 1 }).metadata();
  } catch (error) {
    throw invalidInput(`the data starts like a ${IMAGE_FORMAT_NAMES[format]} image but its header cannot be read`, {
      format,
      reason: libvipsReason(error),
    });
  }
  if (metadata.format !== format || !(metadata.width > 0) || !(metadata.height > 0)) {
    throw invalidInput(NOT_AN_IMAGE_MESSAGE, { format: metadata.format });
  }
  return {
    format,
    size: { width: metadata.width, height: metadata.height },
    orientedSize: { width: metadata.autoOrient.width, height: metadata.autoOrient.height },
    ...(metadata.orientation !== undefined ? { orientation: metadata.orientation } : {}),
    hasAlpha: metadata.hasAlpha,
    frames: metadata.pages ?? 1,
  };
}
