import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageService } from './image-service';
import type { ImageOperation, ImageSpec } from './image-spec';
import {
  animated,
  BLUE,
  busy,
  gradient,
  GREEN,
  halfTransparentPng,
  near,
  pixelsOf,
  quadrants,
  RED,
  redTopRow,
  solid,
  testScope,
  WHITE,
} from './images-test-support';

const service = new ImageService();
afterAll(() => service.dispose());

const transform = (input: Buffer, spec: ImageSpec) => service.transform(testScope, input, spec);
const run = (input: Buffer, ...operations: ImageOperation[]) => transform(input, { operations });

let quadrantsPng: Buffer; // 80×40: red | green over blue | white
let phonePhoto: Buffer; // the same pixels as a JPEG stored on its side, EXIF orientation 6
beforeAll(async () => {
  quadrantsPng = await quadrants(80, 40).png().toBuffer();
  phonePhoto = await quadrants(80, 40).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
});

/** The colours at the centres of the four quadrants: top-left, top-right, bottom-left, bottom-right. */
async function corners(image: Buffer): Promise<number[][]> {
  const pixels = await pixelsOf(image);
  const [x1, x2, y1, y2] = [pixels.width / 4, (pixels.width * 3) / 4, pixels.height / 4, (pixels.height * 3) / 4].map(
    Math.floor,
  );
  return [pixels.at(x1!, y1!), pixels.at(x2!, y1!), pixels.at(x1!, y2!), pixels.at(x2!, y2!)].map((pixel) =>
    pixel.slice(0, 3),
  );
}

function expectCorners(actual: number[][], expected: readonly (readonly number[])[]): void {
  actual.forEach((pixel, index) =>
    expect(near(pixel, expected[index]!), `corner ${index}: ${pixel.join(',')}`).toBe(true),
  );
}

describe('ImageService.info', () => {
  it('describes a PNG with alpha', async () => {
    const input = await halfTransparentPng(30, 20);
    expect(await service.info(testScope, input)).toEqual({
      format: 'png',
      width: 30,
      height: 20,
      hasAlpha: true,
      frames: 1,
      bytes: input.length,
    });
  });

  it('gives the displayed size of a phone photo and its orientation', async () => {
    expect(await service.info(testScope, phonePhoto)).toMatchObject({
      format: 'jpeg',
      width: 40,
      height: 80,
      orientation: 6,
      hasAlpha: false,
    });
  });

  it('counts the frames of animated GIF and WebP, sized by one frame', async () => {
    expect(await service.info(testScope, await animated('gif'))).toMatchObject({
      format: 'gif',
      width: 20,
      height: 10,
      frames: 3,
    });
    expect(await service.info(testScope, await animated('webp'))).toMatchObject({
      format: 'webp',
      width: 20,
      height: 10,
      frames: 3,
    });
  });
});

describe('ImageService.transform: operations', () => {
  it('resizes inside by default, never enlarging unless asked', async () => {
    const result = await run(quadrantsPng, { op: 'resize', width: 40 });
    expect(result).toMatchObject({ format: 'png', width: 40, height: 20, bytes: result.data.length });
    expect(await sharp(result.data).metadata()).toMatchObject({ format: 'png', width: 40, height: 20 });
    expect(await run(quadrantsPng, { op: 'resize', width: 50, height: 50 })).toMatchObject({ width: 50, height: 25 });
    expect(await run(quadrantsPng, { op: 'resize', width: 200 })).toMatchObject({ width: 80, height: 40 });
    expect(await run(quadrantsPng, { op: 'resize', width: 160, withoutEnlargement: false })).toMatchObject({
      width: 160,
      height: 80,
    });
  });

  it('covers, fills and contains exact boxes', async () => {
    const cover = await run(quadrantsPng, { op: 'resize', width: 40, height: 40, fit: 'cover' });
    expect(cover).toMatchObject({ width: 40, height: 40 });
    expectCorners(await corners(cover.data), [RED, GREEN, BLUE, WHITE]);
    expect(await run(quadrantsPng, { op: 'resize', width: 30, height: 30, fit: 'fill' })).toMatchObject({
      width: 30,
      height: 30,
    });
    expect(
      await run(quadrantsPng, { op: 'resize', width: 60, height: 60, fit: 'outside', withoutEnlargement: false }),
    ).toMatchObject({
      width: 120,
      height: 60,
    });
  });

  it('letterboxes contain with the background, transparent bars by default and white ones in JPEG', async () => {
    const spec = (background?: string): ImageOperation => ({
      op: 'resize',
      width: 40,
      height: 40,
      fit: 'contain',
      ...(background ? { background } : {}),
    });
    const coloured = await pixelsOf((await run(quadrantsPng, spec('#0000ff'))).data);
    expect([coloured.width, coloured.height]).toEqual([40, 40]);
    expect(coloured.at(20, 2).slice(0, 3)).toEqual(BLUE);
    expect(coloured.at(20, 37).slice(0, 3)).toEqual(BLUE);
    const transparent = await pixelsOf((await run(quadrantsPng, spec())).data);
    expect(transparent.channels).toBe(4);
    expect(transparent.at(20, 2)[3]).toBe(0);
    const jpeg = await pixelsOf(
      (await transform(quadrantsPng, { operations: [spec()], output: { format: 'jpeg' } })).data,
    );
    expect(near(jpeg.at(20, 2), WHITE)).toBe(true);
  });

  it('crops the rectangle asked for', async () => {
    const input = await gradient(100, 10).png().toBuffer();
    const result = await run(input, { op: 'crop', left: 40, top: 2, width: 10, height: 5 });
    expect(result).toMatchObject({ width: 10, height: 5 });
    const pixels = await pixelsOf(result.data);
    expect(pixels.at(0, 0)).toEqual([Math.round((40 * 255) / 99), 0, 0]);
    expect(pixels.at(9, 4)).toEqual([Math.round((49 * 255) / 99), 0, 0]);
  });

  it('rotates clockwise by multiples of 90, negative anticlockwise', async () => {
    const turned = async (degrees: number) => {
      const result = await run(quadrantsPng, { op: 'rotate', degrees });
      return { size: [result.width, result.height], corners: await corners(result.data) };
    };
    expect(await turned(90)).toEqual({ size: [40, 80], corners: [BLUE, RED, WHITE, GREEN] });
    expect(await turned(-90)).toEqual({ size: [40, 80], corners: [GREEN, WHITE, RED, BLUE] });
    expect(await turned(180)).toEqual({ size: [80, 40], corners: [WHITE, BLUE, GREEN, RED] });
    expect(await turned(450)).toEqual(await turned(90));
  });

  it('flips top to bottom and flops left to right', async () => {
    const flipped = await pixelsOf((await run(await redTopRow(8, 6).png().toBuffer(), { op: 'flip' })).data);
    expect(flipped.at(3, 5)).toEqual(RED);
    expect(flipped.at(3, 0)).toEqual(BLUE);
    expect(await corners((await run(quadrantsPng, { op: 'flop' })).data)).toEqual([GREEN, RED, WHITE, BLUE]);
  });

  it('makes square thumbnails from the centre, enlarging small images', async () => {
    const thumbnail = await run(quadrantsPng, { op: 'thumbnail', size: 32 });
    expect(thumbnail).toMatchObject({ width: 32, height: 32 });
    expectCorners(await corners(thumbnail.data), [RED, GREEN, BLUE, WHITE]);
    const wide = await gradient(300, 10).png().toBuffer();
    const centre = await pixelsOf((await run(wide, { op: 'thumbnail', size: 10 })).data);
    expect(near(centre.at(5, 5), [128, 0, 0], 10)).toBe(true);
    expect(await run(await solid(6, 3, RED).png().toBuffer(), { op: 'thumbnail', size: 64 })).toMatchObject({
      width: 64,
      height: 64,
    });
  });

  it('applies operations in the order given', async () => {
    const cropThenTurn = await run(
      quadrantsPng,
      { op: 'crop', left: 0, top: 0, width: 40, height: 20 },
      { op: 'rotate', degrees: 90 },
    );
    expect(cropThenTurn).toMatchObject({ width: 20, height: 40 });
    expect((await pixelsOf(cropThenTurn.data)).at(10, 20).slice(0, 3)).toEqual(RED);
    const turnThenCrop = await run(
      quadrantsPng,
      { op: 'rotate', degrees: 90 },
      { op: 'crop', left: 0, top: 0, width: 20, height: 40 },
    );
    expect((await pixelsOf(turnThenCrop.data)).at(10, 20).slice(0, 3)).toEqual(BLUE);
    const many = await run(
      phonePhoto,
      { op: 'flop' },
      { op: 'resize', width: 20 },
      { op: 'rotate', degrees: 270 },
      { op: 'flip' },
      { op: 'thumbnail', size: 8 },
    );
    expect(many).toMatchObject({ format: 'jpeg', width: 8, height: 8 });
  });
});

describe('ImageService.transform: formats', () => {
  const magic = (data: Buffer): string => {
    if (data.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'jpeg';
    if (data.subarray(1, 4).toString('latin1') === 'PNG') return 'png';
    if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP')
      return 'webp';
    return 'unknown';
  };

  it('writes the format asked for, else the input format, else PNG', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const result = await transform(quadrantsPng, { output: { format } });
      expect([result.format, magic(result.data)]).toEqual([format, format]);
      const kept = await transform(result.data, {});
      expect([kept.format, magic(kept.data)]).toEqual([format, format]);
    }
    const fromGif = await transform(await animated('gif'), {});
    expect([fromGif.format, magic(fromGif.data)]).toEqual(['png', 'png']);
  });

  it('makes larger JPEG and WebP files at higher quality', async () => {
    const detailed = await busy(128, 128).png().toBuffer();
    for (const format of ['jpeg', 'webp'] as const) {
      const low = await transform(detailed, { output: { format, quality: 30 } });
      const high = await transform(detailed, { output: { format, quality: 95 } });
      expect(high.bytes, format).toBeGreaterThan(low.bytes);
    }
  });

  it('puts transparent pixels on white in JPEG', async () => {
    const result = await transform(await halfTransparentPng(20, 10), { output: { format: 'jpeg' } });
    const pixels = await pixelsOf(result.data);
    expect(near(pixels.at(3, 5), RED)).toBe(true);
    expect(near(pixels.at(16, 5), WHITE)).toBe(true);
  });

  it('keeps the alpha channel in PNG and WebP', async () => {
    for (const format of ['png', 'webp'] as const) {
      const pixels = await pixelsOf((await transform(await halfTransparentPng(20, 10), { output: { format } })).data);
      expect([pixels.channels, pixels.at(3, 5)[3], pixels.at(16, 5)[3]]).toEqual([4, 255, 0]);
    }
  });

  it('uses the first frame of an animation only', async () => {
    for (const format of ['gif', 'webp'] as const) {
      const result = await transform(await animated(format), { output: { format: 'png' } });
      expect(result).toMatchObject({ width: 20, height: 10 });
      expect((await sharp(result.data).metadata()).pages ?? 1).toBe(1);
      expect(near((await pixelsOf(result.data)).at(10, 5), RED)).toBe(true);
    }
  });
});

describe('ImageService.transform: orientation and metadata', () => {
  it('turns a phone photo upright and drops its orientation tag', async () => {
    const result = await transform(phonePhoto, {});
    expect(result).toMatchObject({ format: 'jpeg', width: 40, height: 80 });
    const metadata = await sharp(result.data).metadata();
    expect([metadata.width, metadata.height, metadata.orientation, metadata.exif]).toEqual([
      40,
      80,
      undefined,
      undefined,
    ]);
    expectCorners(await corners(result.data), [BLUE, RED, WHITE, GREEN]);
  });

  it('applies operations to the upright image', async () => {
    const topRight = await run(phonePhoto, { op: 'crop', left: 20, top: 0, width: 20, height: 40 });
    expectCorners(await corners(topRight.data), [RED, RED, RED, RED]);
  });

  it('keeps the stored pixels when autoOrient is off', async () => {
    const result = await transform(phonePhoto, { autoOrient: false });
    expect(result).toMatchObject({ width: 80, height: 40 });
    expect((await sharp(result.data).metadata()).orientation).toBeUndefined();
    expectCorners(await corners(result.data), [RED, GREEN, BLUE, WHITE]);
  });

  it('strips EXIF, GPS and XMP from every output format', async () => {
    const located = await solid(32, 32, GREEN)
      .jpeg()
      .withExif({
        IFD0: { Make: 'PhoneMaker', Model: 'Pocket 9' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' },
      })
      .withXmp(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>',
      )
      .toBuffer();
    const input = await sharp(located).metadata();
    expect(input.exif?.toString('latin1')).toContain('PhoneMaker');
    expect(input.xmp).toBeDefined();
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const result = await transform(located, { output: { format } });
      const metadata = await sharp(result.data).metadata();
      expect([metadata.exif, metadata.xmp, metadata.iptc], format).toEqual([undefined, undefined, undefined]);
      const text = result.data.toString('latin1');
      for (const marker of ['Exif', 'PhoneMaker', 'GPS', 'xmpmeta'])
        expect(text, `${format} ${marker}`).not.toContain(marker);
    }
  });

  it('converts colours from an embedded ICC profile to sRGB and embeds no profile', async () => {
    // sRGB red stored in Display P3 values, tagged as P3: read with the profile it is red again.
    const p3 = await solid(8, 8, RED).withIccProfile('p3').png().toBuffer();
    expect((await sharp(p3).metadata()).hasProfile).toBe(true);
    for (const spec of [{}, { operations: [{ op: 'flip' }, { op: 'flop' }] }] as ImageSpec[]) {
      const result = await transform(p3, spec);
      expect((await sharp(result.data).metadata()).hasProfile).toBe(false);
      expect((await pixelsOf(result.data)).at(4, 4)).toEqual(RED);
    }
  });

  it('converts CMYK and 16-bit input to 8-bit sRGB', async () => {
    const cmyk = await solid(16, 16, BLUE).toColourspace('cmyk').jpeg().toBuffer();
    const fromCmyk = await pixelsOf(
      (await transform(cmyk, { operations: [{ op: 'flip' }, { op: 'flop' }], output: { format: 'png' } })).data,
    );
    expect(fromCmyk.channels).toBe(3);
    const deep = await solid(16, 16, [128, 64, 32]).toColourspace('rgb16').png().toBuffer();
    const fromDeep = await transform(deep, {
      operations: [
        { op: 'rotate', degrees: 90 },
        { op: 'resize', width: 8 },
      ],
    });
    expect((await sharp(fromDeep.data).metadata()).depth).toBe('uchar');
    expect(near((await pixelsOf(fromDeep.data)).at(4, 4), [128, 64, 32], 2)).toBe(true);
  });
});
