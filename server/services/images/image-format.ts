/** The formats the image service reads. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

/** The formats the image service writes. */
export type ImageOutputFormat = 'jpeg' | 'png' | 'webp';

export const IMAGE_OUTPUT_FORMATS: readonly ImageOutputFormat[] = ['jpeg', 'png', 'webp'];

/** The media type to serve each format with. */
export const IMAGE_MEDIA_TYPES: Readonly<Record<ImageFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** How messages name each format. */
export const IMAGE_FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
};

export const NOT_AN_IMAGE_MESSAGE = 'the data is not a JPEG, PNG, WebP or GIF image';

const startsWith = (data: Uint8Array, offset: number, bytes: readonly number[]): boolean =>
  data.length >= offset + bytes.length && bytes.every((byte, index) => data[offset + index] === byte);

const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));

/**
 * The format named by the data's signature, or undefined. libvips would also open SVG, TIFF,
 * HEIF, PDF and more; sniffing first keeps untrusted data away from every other decoder.
 */
export function sniffImageFormat(data: Uint8Array): ImageFormat | undefined {
  if (startsWith(data, 0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(data, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(data, 0, ascii('GIF87a')) || startsWith(data, 0, ascii('GIF89a'))) return 'gif';
  if (startsWith(data, 0, ascii('RIFF')) && startsWith(data, 8, ascii('WEBP'))) return 'webp';
  return undefined;
}

/** Whether the service can write `format` as it is. */
export function isOutputFormat(format: ImageFormat): format is ImageOutputFormat {
  return (IMAGE_OUTPUT_FORMATS as readonly string[]).includes(format);
}
