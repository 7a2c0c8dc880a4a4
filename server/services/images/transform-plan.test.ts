import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { DEFAULT_IMAGE_LIMITS } from './image-limits';
import type { ImageOperation, ImageSpec } from './image-spec';
import { planTransform, type ImageSize, type PlanSource } from './transform-plan';

const source = (width: number, height: number, format: PlanSource['format'] = 'png'): PlanSource => ({
  format,
  size: { width, height },
  orientedSize: { width, height },
});

const sizes = (spec: ImageSpec, from = source(100, 50)): ImageSize[] =>
  planTransform(from, spec, DEFAULT_IMAGE_LIMITS).steps.map((step) => step.size);

const finalSize = (operation: ImageOperation, from = source(100, 50)): string => {
  const { size } = planTransform(from, { operations: [operation] }, DEFAULT_IMAGE_LIMITS);
  return `${size.width}x${size.height}`;
};

function failure(from: PlanSource, spec: ImageSpec, limits = DEFAULT_IMAGE_LIMITS): DomainError {
  try {
    planTransform(from, spec, limits);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('planTransform accepted the spec');
}

describe('planTransform', () => {
  it('sizes resizes of a 100×50 image like sharp, keeping the aspect ratio when one side is given', () => {
    const resize = (fields: Omit<Extract<ImageOperation, { op: 'resize' }>, 'op'>): string =>
      finalSize({ op: 'resize', ...fields });
    expect(resize({ width: 50 })).toBe('50x25');
    expect(resize({ height: 10 })).toBe('20x10');
    expect(resize({ width: 200 })).toBe('100x50');
    expect(resize({ width: 200, withoutEnlargement: false })).toBe('200x100');
    expect(resize({ width: 200, fit: 'fill', withoutEnlargement: false })).toBe('200x100');
    expect(resize({ width: 80, height: 80 })).toBe('80x40');
    expect(resize({ width: 80, height: 80, fit: 'outside' })).toBe('100x50');
    expect(resize({ width: 80, height: 80, fit: 'outside', withoutEnlargement: false })).toBe('160x80');
    expect(resize({ width: 80, height: 80, fit: 'cover' })).toBe('80x50');
    expect(resize({ width: 80, height: 80, fit: 'cover', withoutEnlargement: false })).toBe('80x80');
    expect(resize({ width: 200, height: 200, fit: 'contain' })).toBe('200x200');
    expect(resize({ width: 30, height: 150, fit: 'fill' })).toBe('30x50');
    expect(resize({ width: 30, height: 150, fit: 'fill', withoutEnlargement: false })).toBe('30x150');
    expect(resize({ width: 1, height: 1 })).toBe('1x1');
    expect(finalSize({ op: 'resize', width: 1 }, source(1000, 10))).toBe('1x1');
  });

  it('tracks the size through crops, turns and thumbnails', () => {
    const operations: ImageOperation[] = [
      { op: 'crop', left: 10, top: 0, width: 60, height: 40 },
      { op: 'rotate', degrees: 90 },
      { op: 'flip' },
      { op: 'rotate', degrees: -540 },
      { op: 'thumbnail', size: 16 },
    ];
    expect(sizes({ operations })).toEqual([
      { width: 60, height: 40 },
      { width: 40, height: 60 },
      { width: 40, height: 60 },
      { width: 40, height: 60 },
      { width: 16, height: 16 },
    ]);
  });

  it('leaves out steps that change nothing', () => {
    const plan = planTransform(
      source(100, 50),
      { operations: [{ op: 'rotate', degrees: 360 }, { op: 'resize', width: 500 }, { op: 'flop' }] },
      DEFAULT_IMAGE_LIMITS,
    );
    expect(plan.steps.map((step) => [step.index, step.operation.kind])).toEqual([[2, 'flop']]);
  });

  it('starts from the upright size unless autoOrient is off', () => {
    const phone: PlanSource = {
      format: 'jpeg',
      size: { width: 40, height: 20 },
      orientedSize: { width: 20, height: 40 },
    };
    expect(planTransform(phone, {}, DEFAULT_IMAGE_LIMITS).size).toEqual({ width: 20, height: 40 });
    expect(planTransform(phone, { autoOrient: false }, DEFAULT_IMAGE_LIMITS).size).toEqual({ width: 40, height: 20 });
    expect(failure(phone, { operations: [{ op: 'crop', left: 0, top: 0, width: 30, height: 10 }] }).message).toContain(
      'the image is 20×40 pixels at that point',
    );
  });

  it('chooses the output format and quality', () => {
    const output = (format: PlanSource['format'], spec: ImageSpec = {}) =>
      planTransform(source(10, 10, format), spec, DEFAULT_IMAGE_LIMITS).output;
    expect(output('jpeg')).toEqual({ format: 'jpeg', quality: 80 });
    expect(output('webp')).toEqual({ format: 'webp', quality: 80 });
    expect(output('gif')).toEqual({ format: 'png', quality: 80 });
    expect(output('gif', { output: { format: 'jpeg', quality: 35 } })).toEqual({ format: 'jpeg', quality: 35 });
  });

  it('fills the bars of contain with the colour given, else transparent, or white for JPEG', () => {
    const background = (format: PlanSource['format'], colour?: string) => {
      const op: ImageOperation = {
        op: 'resize',
        width: 10,
        height: 10,
        fit: 'contain',
        ...(colour ? { background: colour } : {}),
      };
      const step = planTransform(source(20, 10, format), { operations: [op] }, DEFAULT_IMAGE_LIMITS).steps[0]!;
      return step.operation.kind === 'resize' ? step.operation.background : undefined;
    };
    expect(background('png', '#0080ff')).toEqual({ r: 0, g: 128, b: 255, alpha: 1 });
    expect(background('png')).toEqual({ r: 0, g: 0, b: 0, alpha: 0 });
    expect(background('jpeg')).toEqual({ r: 255, g: 255, b: 255, alpha: 1 });
  });

  it('refuses a crop outside the current image, saying its size', () => {
    const error = failure(source(100, 50), {
      operations: [
        { op: 'resize', width: 50 },
        { op: 'crop', left: 40, top: 0, width: 20, height: 10 },
      ],
    });
    expect(error.code).toBe('invalid-input');
    expect(error.message).toBe(
      'operations[1] (crop) asks for 20×10 pixels at left 40, top 0, but the image is 50×25 pixels at that point',
    );
    expect(error.data).toMatchObject({ field: 'operations[1]', width: 50, height: 25 });
  });

  it('refuses results and steps longer than the side limit', () => {
    const wide = failure(source(10_000, 3_000), {});
    expect(wide.code).toBe('too-large');
    expect(wide.message).toBe(
      'the result would be 10000×3000 pixels; the limit is 8192 pixels per side; add a resize or thumbnail operation',
    );
    const enlarged = failure(source(100, 1_000), {
      operations: [
        { op: 'resize', width: 1_000, withoutEnlargement: false },
        { op: 'thumbnail', size: 10 },
      ],
    });
    expect(enlarged.message).toBe(
      'after operations[0] (resize) the image would be 1000×10000 pixels; the limit is 8192 pixels per side',
    );
    const turned = failure(source(10_000, 3_000), { operations: [{ op: 'rotate', degrees: 90 }] });
    expect(turned.message).toBe(
      'the result would be 3000×10000 pixels; the limit is 8192 pixels per side; add a resize or thumbnail operation',
    );
    const operations: ImageOperation[] = [
      { op: 'flip' },
      { op: 'rotate', degrees: 90 },
      { op: 'resize', height: 1_000 },
    ];
    expect(planTransform(source(10_000, 3_000), { operations }, DEFAULT_IMAGE_LIMITS).size).toEqual({
      width: 300,
      height: 1000,
    });
    expect(
      planTransform(source(10_000, 3_000), { operations: [{ op: 'resize', width: 1_000 }] }, DEFAULT_IMAGE_LIMITS).size,
    ).toEqual({
      width: 1000,
      height: 300,
    });
  });
});
