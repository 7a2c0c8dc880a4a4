import type { Disposable } from '../../core/disposable';
import { isDomainError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ServiceScope } from '../service-scope';
import type { ImageFormat } from './image-format';
import { checkInputBytes, checkInputPixels, DEFAULT_IMAGE_LIMITS, type ImageLimits } from './image-limits';
import { runPlan, type EncodedImage } from './image-pipeline';
import { probeImage } from './image-probe';
import { parseImageSpec, type ImageSpec } from './image-spec';
import { planTransform } from './transform-plan';
import { TransformLimiter } from './transform-limiter';

/** What `ImageService.info` reports; sizes are as displayed, after the EXIF orientation. */
export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
  /** The EXIF orientation (1–8), when the image has one. */
  orientation?: number;
  hasAlpha: boolean;
  /** 1 for still images; transforms use only the first frame of an animation. */
  frames: number;
  bytes: number;
}

/** What `ImageService.transform` returns. */
export type ImageTransformResult = EncodedImage;

/** Limits (see {@link ImageLimits}) and how much work runs at once; every field has a default. */
export interface ImageServiceOptions extends Partial<ImageLimits> {
  /** Transforms decoding at the same time (default 2, one per core). */
  maxConcurrentTransforms?: number;
  /** Transforms waiting for a slot before new ones are refused with too-many-requests (default 16). */
  maxQueuedTransforms?: number;
  /** Each sharp pipeline of a transform is stopped after this long (default 30 s). */
  timeoutSeconds?: number;
  log?: Logger;
}

/**
 * The Images platform service: reads and transforms JPEG, PNG, WebP and GIF images in memory.
 * It keeps no data; the scope names who asked, for logs.
 */
export class ImageService implements Disposable {
  readonly limits: Readonly<ImageLimits>;
  private readonly limiter: TransformLimiter;
  private readonly timeoutSeconds: number;
  private readonly log: Logger | undefined;

  constructor(options: ImageServiceOptions = {}) {
    this.limits = {
      maxInputBytes: options.maxInputBytes ?? DEFAULT_IMAGE_LIMITS.maxInputBytes,
      maxInputPixels: options.maxInputPixels ?? DEFAULT_IMAGE_LIMITS.maxInputPixels,
      maxOutputSide: options.maxOutputSide ?? DEFAULT_IMAGE_LIMITS.maxOutputSide,
      maxOperations: options.maxOperations ?? DEFAULT_IMAGE_LIMITS.maxOperations,
    };
    this.limiter = new TransformLimiter(options.maxConcurrentTransforms ?? 2, options.maxQueuedTransforms ?? 16);
    this.timeoutSeconds = options.timeoutSeconds ?? 30;
    this.log = options.log;
  }

  /** Reads the header only: cheap, and not limited by pixels (a truncated body goes unnoticed). */
  async info(scope: ServiceScope, input: Buffer): Promise<ImageInfo> {
    return this.reporting(scope, 'info', async () => {
      checkInputBytes(input, this.limits);
      const probe = await probeImage(input);
      return {
        format: probe.format,
        width: probe.orientedSize.width,
        height: probe.orientedSize.height,
        ...(probe.orientation !== undefined ? { orientation: probe.orientation } : {}),
        hasAlpha: probe.hasAlpha,
        frames: probe.frames,
        bytes: input.length,
      };
    });
  }

  /**
   * Applies `spec` (validated again here with this service's limits) and encodes the result
   * without metadata. Every check that needs no pixels runs before the transform queues.
   */
  async transform(scope: ServiceScope, input: Buffer, spec: ImageSpec): Promise<ImageTransformResult> {
    return this.reporting(scope, 'transform', async () => {
      checkInputBytes(input, this.limits);
      const checkedSpec = parseImageSpec(spec, this.limits);
      const probe = await probeImage(input);
      checkInputPixels(probe.size, this.limits);
      const plan = planTransform(probe, checkedSpec, this.limits);
      const settings = { maxInputPixels: this.limits.maxInputPixels, timeoutSeconds: this.timeoutSeconds };
      return this.limiter.run(() => runPlan(input, probe.format, plan, settings));
    });
  }

  /** Refuses new and queued transforms; running ones finish. */
  dispose(): void {
    this.limiter.dispose();
  }

  /** Domain errors are the caller's to report; anything else is a bug, logged with who asked. */
  private async reporting<T>(scope: ServiceScope, what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isDomainError(error)) {
        this.log?.error(
          `images: ${what} failed for app ${scope.appId} (${scope.environment}, tenant ${scope.tenantId})`,
          error,
        );
      }
      throw error;
    }
  }
}
