import type { Sharp } from 'sharp';
import { DomainError, invalidInput, tooLarge } from '../../core/errors';
import { IMAGE_FORMAT_NAMES, type ImageFormat, type ImageOutputFormat } from './image-format';
import { describeMegapixels } from './image-limits';
import { libvipsReason } from './image-probe';
import { sharp } from './sharp-runtime';
import type { ImageSize, PixelOperation, TransformPlan } from './transform-plan';

/** An encoded result. */
export interface EncodedImage {
  data: Buffer;
  format: ImageOutputFormat;
  width: number;
  height: number;
  bytes: number;
}

export interface PipelineSettings {
  /** Passed to libvips as a second guard behind the header check. */
  maxInputPixels: number;
  /** Each sharp pipeline is stopped after this long. */
  timeoutSeconds: number;
}

type OperationApplier<K extends PixelOperation['kind']> = (
  pipeline: Sharp,
  op: Extract<PixelOperation, { kind: K }>,
) => Sharp;

const OPERATION_APPLIERS: { [K in PixelOperation['kind']]: OperationApplier<K> } = {
  resize: (pipeline, op) =>
    pipeline.resize({
      width: op.width,
      height: op.height,
      fit: op.fit,
      position: 'centre',
      withoutEnlargement: op.withoutEnlargement,
      background: op.background,
    }),
  extract: (pipeline, op) => pipeline.extract({ left: op.left, top: op.top, width: op.width, height: op.height }),
  rotate: (pipeline, op) => pipeline.rotate(op.degrees),
  flip: (pipeline) => pipeline.flip(),
  flop: (pipeline) => pipeline.flop(),
};

const applyOperation = (pipeline: Sharp, op: PixelOperation): Sharp =>
  (OPERATION_APPLIERS[op.kind] as OperationApplier<PixelOperation['kind']>)(pipeline, op);

const ENCODERS: Readonly<Record<ImageOutputFormat, (pipeline: Sharp, quality: number) => Sharp>> = {
  // JPEG has no alpha: transparent pixels become white rather than the black libvips would leave.
  jpeg: (pipeline, quality) => pipeline.flatten({ background: '#ffffff' }).jpeg({ quality, mozjpeg: false }),
  png: (pipeline) => pipeline.png({ compressionLevel: 6 }),
  webp: (pipeline, quality) => pipeline.webp({ quality }),
};

export interface StageContext {
  /** Whether this pipeline reads the caller's data (so its failures are the data's fault). */
  decoding: boolean;
  format: ImageFormat;
  settings: PipelineSettings;
}

/** The error a failed pipeline stands for: a timeout, or (while decoding) a fault of the data. */
export function stageError(error: unknown, context: StageContext): unknown {
  const reason = libvipsReason(error);
  const { settings } = context;
  if (reason.startsWith('timeout')) {
    return new DomainError(
      'failed-dependency',
      `processing the image took longer than ${settings.timeoutSeconds} s; try a smaller image or fewer operations`,
      { timeoutSeconds: settings.timeoutSeconds },
    );
  }
  if (!context.decoding) return error;
  if (reason.includes('exceeds pixel limit')) {
    return tooLarge(`the image is larger than ${describeMegapixels(settings.maxInputPixels)}`, {
      limitPixels: settings.maxInputPixels,
    });
  }
  return invalidInput(`the ${IMAGE_FORMAT_NAMES[context.format]} image is corrupt or truncated and cannot be decoded`, {
    format: context.format,
    reason,
  });
}

async function execute(
  pipeline: Sharp,
  context: StageContext,
): Promise<{ data: Buffer; info: ImageSize & { channels: 1 | 2 | 3 | 4 } }> {
  try {
    return await pipeline.timeout({ seconds: context.settings.timeoutSeconds }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw stageError(error, context);
  }
}

function expectSize(actual: ImageSize, planned: ImageSize): void {
  if (actual.width !== planned.width || actual.height !== planned.height) {
    throw new Error(
      `image pipeline produced ${actual.width}×${actual.height}; the plan said ${planned.width}×${planned.height}`,
    );
  }
}

/**
 * Runs a plan. sharp applies its operations in a fixed order and only one rotation per pipeline,
 * so each step gets its own pipeline and raw pixels pass between them; the first step shares the
 * pipeline that decodes, the last the one that encodes. Output carries no metadata (sharp's
 * default): no EXIF, GPS, XMP or ICC profile, with colours converted to sRGB.
 */
export async function runPlan(
  input: Buffer,
  format: ImageFormat,
  plan: TransformPlan,
  settings: PipelineSettings,
): Promise<EncodedImage> {
  let pipeline = sharp(input, {
    autoOrient: plan.autoOrient,
    // Stop on truncation and decoding errors, but not on warnings: sharp's default ('warning')
    // refuses photos browsers show fine, e.g. a JPEG with "extraneous bytes before marker".
    failOn: 'error',
    limitInputPixels: settings.maxInputPixels,
    pages: 1,
    page: 0,
  });
  let decoding = true;
  const lastIndex = plan.steps.length - 1;
  for (const [index, step] of plan.steps.entries()) {
    applyOperation(pipeline, step.operation);
    if (index === lastIndex) break;
    const { data, info } = await execute(pipeline.raw(), { decoding, format, settings });
    expectSize(info, step.size);
    pipeline = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    decoding = false;
  }
  const { quality } = plan.output;
  const { data, info } = await execute(ENCODERS[plan.output.format](pipeline, quality), { decoding, format, settings });
  expectSize(info, plan.size);
  return { data, format: plan.output.format, width: info.width, height: info.height, bytes: data.length };
}
