import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { ImageService } from './image-service';
import { RESIZE_FITS, type ResizeOperation } from './image-spec';
import { stageError } from './image-pipeline';
import { gradient, testScope } from './images-test-support';

const service = new ImageService();
afterAll(() => service.dispose());

const boxes: Array<Pick<ResizeOperation, 'width' | 'height'>> = [
  { width: 200, height: 200 },
  { width: 80, height: 80 },
  { width: 150, height: 30 },
  { width: 30, height: 150 },
  { width: 60, height: 10 },
  { width: 7, height: 3 },
  { width: 1, height: 1 },
];

describe('resize sizes', () => {
  it.each([
    [100, 50],
    [37, 91],
    [641, 479],
  ])('match sharp for every fit and box on a %i×%i image', async (width, height) => {
    const input = await gradient(width, height).png().toBuffer();
    for (const fit of RESIZE_FITS) {
      for (const withoutEnlargement of [true, false]) {
        for (const box of boxes) {
          const op: ResizeOperation = { op: 'resize', ...box, fit, withoutEnlargement };
          const ours = await service.transform(testScope, input, { operations: [op] });
          const theirs = await sharp(input)
            .resize({ ...box, fit, withoutEnlargement })
            .toBuffer({ resolveWithObject: true });
          expect([ours.width, ours.height], JSON.stringify(op)).toEqual([theirs.info.width, theirs.info.height]);
        }
      }
    }
  });

  it('keep the aspect ratio when only one side is given, whatever the fit (unlike sharp for fill and contain)', async () => {
    const input = await gradient(100, 50).png().toBuffer();
    for (const fit of RESIZE_FITS) {
      for (const side of [{ width: 40 }, { height: 20 }]) {
        const result = await service.transform(testScope, input, { operations: [{ op: 'resize', ...side, fit }] });
        expect([result.width, result.height], `${fit} ${JSON.stringify(side)}`).toEqual([40, 20]);
        const enlarged = await service.transform(testScope, input, {
          operations: [{ op: 'resize', width: 300, fit, withoutEnlargement: false }],
        });
        expect([enlarged.width, enlarged.height], fit).toEqual([300, 150]);
      }
    }
  });
});

describe('stageError', () => {
  const settings = { maxInputPixels: 1_000, timeoutSeconds: 7 };

  it('reports a libvips timeout as failed-dependency at any stage', () => {
    for (const decoding of [true, false]) {
      const error = stageError(new Error('timeout: 42% complete'), { decoding, format: 'png', settings });
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: 'failed-dependency',
        message: 'processing the image took longer than 7 s; try a smaller image or fewer operations',
      });
    }
  });

  it('blames the data only while decoding it; later failures are bugs and pass through', () => {
    const failure = new Error('VipsJpeg: premature end of JPEG image\nvips2png: unable to write to target target');
    expect(stageError(failure, { decoding: true, format: 'jpeg', settings })).toMatchObject({
      code: 'invalid-input',
      data: { format: 'jpeg', reason: 'VipsJpeg: premature end of JPEG image' },
    });
    expect(
      stageError(new Error('Input image exceeds pixel limit'), { decoding: true, format: 'gif', settings }),
    ).toMatchObject({
      code: 'too-large',
      message: 'the image is larger than 0.001 megapixels',
    });
    expect(stageError(failure, { decoding: false, format: 'jpeg', settings })).toBe(failure);
  });
});
