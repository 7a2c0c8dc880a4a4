import { invalidInput, tooLarge } from '../../core/errors';
import { isOutputFormat, type ImageFormat, type ImageOutputFormat } from './image-format';
import type { ImageLimits } from './image-limits';
import type { ImageOperation, ImageOperationName, ImageSpec, ResizeOperation } from './image-spec';

export interface ImageSize {
  width: number;
  height: number;
}

export interface Rgba {
  r: number;
  g: number;
  b: number;
  alpha: number;
}

/**
 * One sharp call with every size worked out beforehand: 'inside', 'outside' and one-sided resizes
 * become 'fill' to exact dimensions, so the planner alone decides every size (and so can check
 * crops and limits before any pixel is decoded).
 */
export type PixelOperation =
  | {
      kind: 'resize';
      width: number;
      height: number;
      fit: 'fill' | 'cover' | 'contain';
      withoutEnlargement: boolean;
      background: Rgba;
    }
  | { kind: 'extract'; left: number; top: number; width: number; height: number }
  | { kind: 'rotate'; degrees: 90 | 180 | 270 }
  | { kind: 'flip' }
  | { kind: 'flop' };

export interface PlannedStep {
  /** Index into the spec's operations, for messages. */
  index: number;
  operation: PixelOperation;
  /** The size the step produces. */
  size: ImageSize;
}

/** Everything a transform will do, checked against the limits. */
export interface TransformPlan {
  autoOrient: boolean;
  /** The size after auto-orientation, before the first step. */
  initialSize: ImageSize;
  steps: PlannedStep[];
  output: { format: ImageOutputFormat; quality: number };
  size: ImageSize;
}

/** What the planner needs to know of the input (from its header). */
export interface PlanSource {
  format: ImageFormat;
  /** Stored size. */
  size: ImageSize;
  /** Size once turned upright by its EXIF orientation. */
  orientedSize: ImageSize;
}

export const DEFAULT_QUALITY = 80;

const WHITE: Rgba = { r: 255, g: 255, b: 255, alpha: 1 };
const TRANSPARENT: Rgba = { r: 0, g: 0, b: 0, alpha: 0 };

function parseColour(hex: string): Rgba {
  const channel = (offset: number): number => Number.parseInt(hex.slice(offset, offset + 2), 16);
  return { r: channel(1), g: channel(3), b: channel(5), alpha: 1 };
}

const scaled = (length: number, scale: number): number => Math.max(1, Math.round(length * scale));

/** The exact sharp resize for `op` on an image of `size`. */
export function planResize(op: ResizeOperation, size: ImageSize, outputFormat: ImageOutputFormat): PixelOperation {
  const enlarge = op.withoutEnlargement === false;
  const limitScale = (scale: number): number => (enlarge ? scale : Math.min(scale, 1));
  const fill = (width: number, height: number): PixelOperation => ({
    kind: 'resize',
    width,
    height,
    fit: 'fill',
    withoutEnlargement: false,
    background: TRANSPARENT,
  });
  const { width, height } = op;
  if (width === undefined || height === undefined) {
    // One side given: keep the aspect ratio whatever the fit (sharp's 'fill' and 'contain' would not).
    const scale = limitScale(width !== undefined ? width / size.width : (height ?? size.height) / size.height);
    return fill(scaled(size.width, scale), scaled(size.height, scale));
  }
  const fit = op.fit ?? 'inside';
  if (fit === 'inside' || fit === 'outside') {
    const pick = fit === 'inside' ? Math.min : Math.max;
    const scale = limitScale(pick(width / size.width, height / size.height));
    return fill(scaled(size.width, scale), scaled(size.height, scale));
  }
  if (fit === 'contain') {
    // The box is always width × height; without enlargement a smaller image sits unscaled in it.
    const background = op.background ? parseColour(op.background) : outputFormat === 'jpeg' ? WHITE : TRANSPARENT;
    return { kind: 'resize', width, height, fit, withoutEnlargement: !enlarge, background };
  }
  // cover and fill: without enlargement, each side shrinks to the box but never grows.
  const boxWidth = enlarge ? width : Math.min(width, size.width);
  const boxHeight = enlarge ? height : Math.min(height, size.height);
  return {
    kind: 'resize',
    width: boxWidth,
    height: boxHeight,
    fit,
    withoutEnlargement: false,
    background: TRANSPARENT,
  };
}

function sizeAfter(operation: PixelOperation, size: ImageSize): ImageSize {
  if (operation.kind === 'resize' || operation.kind === 'extract') {
    return { width: operation.width, height: operation.height };
  }
  if (operation.kind === 'rotate' && operation.degrees !== 180) return { width: size.height, height: size.width };
  return size;
}

const isIdentity = (operation: PixelOperation, before: ImageSize, after: ImageSize): boolean =>
  operation.kind === 'resize' && before.width === after.width && before.height === after.height;

type OperationPlanner<K extends ImageOperationName> = (
  op: Extract<ImageOperation, { op: K }>,
  size: ImageSize,
  where: string,
  outputFormat: ImageOutputFormat,
) => PixelOperation | undefined;

const OPERATION_PLANNERS: { [K in ImageOperationName]: OperationPlanner<K> } = {
  resize: (op, size, _where, outputFormat) => planResize(op, size, outputFormat),
  crop(op, size, where) {
    if (op.left + op.width > size.width || op.top + op.height > size.height) {
      throw invalidInput(
        `${where} (crop) asks for ${op.width}×${op.height} pixels at left ${op.left}, top ${op.top}, ` +
          `but the image is ${size.width}×${size.height} pixels at that point`,
        { field: where, width: size.width, height: size.height },
      );
    }
    return { kind: 'extract', left: op.left, top: op.top, width: op.width, height: op.height };
  },
  rotate(op) {
    const degrees = ((op.degrees % 360) + 360) % 360;
    return degrees === 0 ? undefined : { kind: 'rotate', degrees: degrees as 90 | 180 | 270 };
  },
  flip: () => ({ kind: 'flip' }),
  flop: () => ({ kind: 'flop' }),
  thumbnail: (op) => ({
    kind: 'resize',
    width: op.size,
    height: op.size,
    fit: 'cover',
    withoutEnlargement: false,
    background: TRANSPARENT,
  }),
};

function checkSide(
  size: ImageSize,
  limits: ImageLimits,
  what: string,
  extra: { field?: string; advice?: string },
): void {
  if (size.width > limits.maxOutputSide || size.height > limits.maxOutputSide) {
    throw tooLarge(
      `${what} ${size.width}×${size.height} pixels; the limit is ${limits.maxOutputSide} pixels per side` +
        (extra.advice ?? ''),
      {
        ...(extra.field ? { field: extra.field } : {}),
        width: size.width,
        height: size.height,
        limitSide: limits.maxOutputSide,
      },
    );
  }
}

/**
 * Works out every step's size and checks crops and limits, so a transform that cannot succeed
 * fails before decoding. `spec` must come from parseImageSpec (or be as well-formed).
 */
export function planTransform(source: PlanSource, spec: ImageSpec, limits: ImageLimits): TransformPlan {
  const autoOrient = spec.autoOrient ?? true;
  const outputFormat = spec.output?.format ?? (isOutputFormat(source.format) ? source.format : 'png');
  const initialSize = autoOrient ? source.orientedSize : source.size;
  const steps: PlannedStep[] = [];
  let size = initialSize;
  (spec.operations ?? []).forEach((op, index) => {
    const where = `operations[${index}]`;
    const planner = OPERATION_PLANNERS[op.op] as OperationPlanner<ImageOperationName>;
    const operation = planner(op, size, where, outputFormat);
    if (!operation) return;
    const after = sizeAfter(operation, size);
    // Only a resize makes more pixels; crops, turns and mirrors of a large input may lead to a smaller result.
    if (operation.kind === 'resize') {
      checkSide(after, limits, `after ${where} (${op.op}) the image would be`, { field: where });
    }
    if (!isIdentity(operation, size, after)) steps.push({ index, operation, size: after });
    size = after;
  });
  checkSide(size, limits, 'the result would be', { advice: '; add a resize or thumbnail operation' });
  return {
    autoOrient,
    initialSize,
    steps,
    output: { format: outputFormat, quality: spec.output?.quality ?? DEFAULT_QUALITY },
    size,
  };
}
