import { invalidInput } from '../../core/errors';
import { IMAGE_OUTPUT_FORMATS, type ImageOutputFormat } from './image-format';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './image-limits';

/** How `resize` fits the image into width × height (sharp's names). */
export type ResizeFit = 'cover' | 'contain' | 'inside' | 'outside' | 'fill';

export const RESIZE_FITS: readonly ResizeFit[] = ['cover', 'contain', 'inside', 'outside', 'fill'];

/**
 * Scales the image. With only one of width and height the other follows the aspect ratio, whatever
 * the fit. `background` ('#rrggbb') fills the bars of `contain`; without it they are transparent
 * (white in JPEG output).
 */
export interface ResizeOperation {
  op: 'resize';
  width?: number;
  height?: number;
  /** Default 'inside'. */
  fit?: ResizeFit;
  /** Default true: a smaller image keeps its size. */
  withoutEnlargement?: boolean;
  background?: string;
}

/** Keeps the rectangle at (left, top); it must lie inside the image as it is at that point. */
export interface CropOperation {
  op: 'crop';
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Turns clockwise by a multiple of 90 degrees (negative turns anticlockwise). */
export interface RotateOperation {
  op: 'rotate';
  degrees: number;
}

/** Mirrors top to bottom. */
export interface FlipOperation {
  op: 'flip';
}

/** Mirrors left to right. */
export interface FlopOperation {
  op: 'flop';
}

/** A size × size square: scaled to cover it (enlarging a smaller image) and cropped around the centre. */
export interface ThumbnailOperation {
  op: 'thumbnail';
  size: number;
}

/** One step of a transform; steps apply in order. */
export type ImageOperation =
  ResizeOperation | CropOperation | RotateOperation | FlipOperation | FlopOperation | ThumbnailOperation;

export type ImageOperationName = ImageOperation['op'];

/** How the result is encoded. */
export interface ImageOutputOptions {
  /** Default: the input's format when it is one of these, else png. */
  format?: ImageOutputFormat;
  /** 1–100 for JPEG and WebP (default 80); PNG is lossless and ignores it. */
  quality?: number;
}

/** What `ImageService.transform` does to an image. */
export interface ImageSpec {
  operations?: ImageOperation[];
  output?: ImageOutputOptions;
  /** Turn the image upright by its EXIF orientation first (default true). */
  autoOrient?: boolean;
}

type SpecLimits = Pick<ImageLimits, 'maxOperations' | 'maxOutputSide'>;
type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value as a message quotes it: `"blur"`, `12.5`, `an array`, `null`. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? typeof value; // undefined only for functions and symbols, never in JSON
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const quoteAll = (names: readonly string[]): string => names.map((name) => `"${name}"`).join(', ');

/** The path of `key` inside `where`; the spec itself is the empty path. */
const fieldPath = (where: string, key: string): string => (where ? `${where}.${key}` : key);

function fail(field: string, message: string): never {
  throw invalidInput(`${field || 'the spec'} ${message}`, { field });
}

/** `what` names the object in the message; `implicit` fields are allowed but not listed. */
function checkKnownFields(fields: Fields, known: readonly string[], where: string, what: string, implicit = ''): void {
  for (const key of Object.keys(fields)) {
    if (!known.includes(key) && key !== implicit) {
      const takes = known.length ? `takes ${known.join(', ')}` : 'takes no other fields';
      fail(where, `has an unknown field "${key}"; ${what} ${takes}`);
    }
  }
}

function readInteger(fields: Fields, key: string, where: string, min: number, max: number): number | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    fail(fieldPath(where, key), `must be a whole number ${range} (got ${describeValue(value)})`);
  }
  return value;
}

function requireInteger(fields: Fields, key: string, where: string, min: number, max: number): number {
  const value = readInteger(fields, key, where, min, max);
  if (value === undefined) fail(fieldPath(where, key), 'is required');
  return value;
}

function readBoolean(fields: Fields, key: string, where: string): boolean | undefined {
  const value = fields[key];
  if (value === undefined || typeof value === 'boolean') return value;
  fail(fieldPath(where, key), `must be true or false (got ${describeValue(value)})`);
}

function readChoice<T extends string>(
  fields: Fields,
  key: string,
  where: string,
  choices: readonly T[],
): T | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  fail(fieldPath(where, key), `must be one of ${quoteAll(choices)} (got ${describeValue(value)})`);
}

/** Drops the keys whose value is undefined, so a parsed spec holds only what was given. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

type OperationReader<K extends ImageOperationName> = {
  fields: readonly string[];
  read: (fields: Fields, where: string, limits: SpecLimits) => Extract<ImageOperation, { op: K }>;
};

const OPERATION_READERS: { [K in ImageOperationName]: OperationReader<K> } = {
  resize: {
    fields: ['width', 'height', 'fit', 'withoutEnlargement', 'background'],
    read(fields, where, limits) {
      const width = readInteger(fields, 'width', where, 1, limits.maxOutputSide);
      const height = readInteger(fields, 'height', where, 1, limits.maxOutputSide);
      if (width === undefined && height === undefined) fail(where, '(resize) needs a width, a height or both');
      const background = fields.background;
      if (background !== undefined && (typeof background !== 'string' || !/^#[0-9a-f]{6}$/i.test(background))) {
        fail(
          fieldPath(where, 'background'),
          `must be a colour written "#rrggbb", such as "#ffffff" (got ${describeValue(background)})`,
        );
      }
      return defined({
        op: 'resize',
        width,
        height,
        fit: readChoice(fields, 'fit', where, RESIZE_FITS),
        withoutEnlargement: readBoolean(fields, 'withoutEnlargement', where),
        background,
      });
    },
  },
  crop: {
    fields: ['left', 'top', 'width', 'height'],
    read: (fields, where, limits) => ({
      op: 'crop',
      left: requireInteger(fields, 'left', where, 0, Number.MAX_SAFE_INTEGER),
      top: requireInteger(fields, 'top', where, 0, Number.MAX_SAFE_INTEGER),
      width: requireInteger(fields, 'width', where, 1, limits.maxOutputSide),
      height: requireInteger(fields, 'height', where, 1, limits.maxOutputSide),
    }),
  },
  rotate: {
    fields: ['degrees'],
    read(fields, where) {
      const degrees = fields.degrees;
      if (typeof degrees !== 'number' || !Number.isSafeInteger(degrees) || degrees % 90 !== 0) {
        fail(
          fieldPath(where, 'degrees'),
          `must be a multiple of 90, such as 90, 180, 270 or -90 (got ${describeValue(degrees)})`,
        );
      }
      return { op: 'rotate', degrees };
    },
  },
  flip: { fields: [], read: () => ({ op: 'flip' }) },
  flop: { fields: [], read: () => ({ op: 'flop' }) },
  thumbnail: {
    fields: ['size'],
    read: (fields, where, limits) => ({
      op: 'thumbnail',
      size: requireInteger(fields, 'size', where, 1, limits.maxOutputSide),
    }),
  },
};

const OPERATION_NAMES = Object.keys(OPERATION_READERS) as ImageOperationName[];

function readOperation(value: unknown, where: string, limits: SpecLimits): ImageOperation {
  if (!isFields(value)) fail(where, `must be an object with an "op" field (got ${describeValue(value)})`);
  const name = value.op;
  if (typeof name !== 'string' || !(OPERATION_NAMES as string[]).includes(name)) {
    fail(fieldPath(where, 'op'), `must be one of ${quoteAll(OPERATION_NAMES)} (got ${describeValue(name)})`);
  }
  const reader = OPERATION_READERS[name as ImageOperationName] as OperationReader<ImageOperationName>;
  checkKnownFields(value, reader.fields, where, name, 'op');
  return reader.read(value, where, limits);
}

function readOutput(value: unknown): ImageOutputOptions {
  if (!isFields(value)) fail('output', `must be an object (got ${describeValue(value)})`);
  checkKnownFields(value, ['format', 'quality'], 'output', 'output');
  return defined({
    format: readChoice(value, 'format', 'output', IMAGE_OUTPUT_FORMATS),
    quality: readInteger(value, 'quality', 'output', 1, 100),
  });
}

/**
 * Turns untrusted JSON into an {@link ImageSpec}, or throws invalid-input whose message and
 * `data.field` name the first bad field ("operations[2].degrees"). Pass the service's `limits`
 * when it was built with other than the default ones.
 */
export function parseImageSpec(json: unknown, limits: SpecLimits = DEFAULT_IMAGE_LIMITS): ImageSpec {
  if (!isFields(json)) fail('', `must be a JSON object (got ${describeValue(json)})`);
  checkKnownFields(json, ['operations', 'output', 'autoOrient'], '', 'a spec');
  const spec: ImageSpec = {};
  if (json.operations !== undefined) {
    const operations = json.operations;
    if (!Array.isArray(operations)) fail('operations', `must be an array (got ${describeValue(operations)})`);
    if (operations.length > limits.maxOperations) {
      fail('operations', `has ${operations.length} entries; the limit is ${limits.maxOperations}`);
    }
    spec.operations = operations.map((operation, index) => readOperation(operation, `operations[${index}]`, limits));
  }
  if (json.output !== undefined) spec.output = readOutput(json.output);
  const autoOrient = readBoolean(json, 'autoOrient', '');
  if (autoOrient !== undefined) spec.autoOrient = autoOrient;
  return spec;
}
