import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { ImageService } from './image-service';
import type { ImageSpec } from './image-spec';
import { busy, quadrants, solid, RED, testScope } from './images-test-support';

const service = new ImageService();
afterAll(() => service.dispose());

async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (error instanceof DomainError) return error;
  throw new Error(`expected a DomainError, got ${String(error)}`);
}

let photo: Buffer; // 400×300 JPEG
beforeAll(async () => {
  photo = await busy(400, 300).jpeg().toBuffer();
});

describe('ImageService limits', () => {
  it('refuses input over 20 MiB before reading it', async () => {
    const huge = Buffer.alloc(20 * 1024 * 1024 + 1);
    for (const call of [service.info(testScope, huge), service.transform(testScope, huge, {})]) {
      const error = await domainError(call);
      expect([error.code, error.message]).toEqual(['too-large', 'the image is 20.1 MiB; the limit is 20 MiB']);
      expect(error.data).toEqual({ bytes: huge.length, limitBytes: 20 * 1024 * 1024 });
    }
  });

  it('refuses images with more pixels than the limit, saying their size', async () => {
    const small = new ImageService({ maxInputPixels: 100_000 });
    const error = await domainError(small.transform(testScope, photo, { operations: [{ op: 'thumbnail', size: 10 }] }));
    expect([error.code, error.message]).toEqual([
      'too-large',
      'the image is 400×300 pixels (0.12 megapixels); the limit is 0.1 megapixels',
    ]);
    expect(await small.info(testScope, photo)).toMatchObject({ width: 400, height: 300 });
    small.dispose();
  });

  it('refuses a result longer than the side limit', async () => {
    const narrow = new ImageService({ maxOutputSide: 256 });
    const error = await domainError(narrow.transform(testScope, photo, {}));
    expect([error.code, error.message]).toEqual([
      'too-large',
      'the result would be 400×300 pixels; the limit is 256 pixels per side; add a resize or thumbnail operation',
    ]);
    expect(await narrow.transform(testScope, photo, { operations: [{ op: 'resize', width: 256 }] })).toMatchObject({
      width: 256,
      height: 192,
    });
    narrow.dispose();
  });

  it('refuses a crop outside the image, saying its size at that point', async () => {
    const error = await domainError(
      service.transform(testScope, photo, {
        operations: [
          { op: 'rotate', degrees: 90 },
          { op: 'crop', left: 0, top: 350, width: 300, height: 100 },
        ],
      }),
    );
    expect([error.code, error.message]).toEqual([
      'invalid-input',
      'operations[1] (crop) asks for 300×100 pixels at left 0, top 350, but the image is 300×400 pixels at that point',
    ]);
  });

  it('refuses more than 20 operations, or as many as the service allows', async () => {
    const operations = Array.from({ length: 21 }, () => ({ op: 'flip' as const }));
    const error = await domainError(service.transform(testScope, photo, { operations }));
    expect([error.code, error.message]).toEqual(['invalid-input', 'operations has 21 entries; the limit is 20']);
    const generous = new ImageService({ maxOperations: 21 });
    expect(await generous.transform(testScope, photo, { operations })).toMatchObject({ width: 400, height: 300 });
    generous.dispose();
  });

  it('checks a spec given in code as strictly as parseImageSpec', async () => {
    const spec = { operations: [{ op: 'rotate', degrees: 45 }] } as unknown as ImageSpec;
    const error = await domainError(service.transform(testScope, photo, spec));
    expect([error.code, error.data.field]).toEqual(['invalid-input', 'operations[0].degrees']);
  });
});

describe('ImageService with data that is not a usable image', () => {
  const notAnImage = 'the data is not a JPEG, PNG, WebP or GIF image';
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';

  it.each([
    ['zero bytes', () => Promise.resolve(Buffer.alloc(0))],
    ['text', () => Promise.resolve(Buffer.from('Total: 12.50 EUR\nThank you for shopping'))],
    ['an SVG image', () => Promise.resolve(Buffer.from(svg))],
    ['an SVG image with an XML declaration', () => Promise.resolve(Buffer.from(`<?xml version="1.0"?>${svg}`))],
    [
      'random bytes',
      () => Promise.resolve(Buffer.from(Array.from({ length: 512 }, (_, index) => (index * 7919) % 256))),
    ],
    ['a TIFF image, which libvips could read', () => solid(8, 8, RED).tiff().toBuffer()],
    ['an AVIF image', () => solid(8, 8, RED).avif().toBuffer()],
  ])('calls %s invalid input', async (_name, make) => {
    const data = await make();
    for (const call of [service.info(testScope, data), service.transform(testScope, data, {})]) {
      const error = await domainError(call);
      expect([error.code, error.message]).toEqual(['invalid-input', notAnImage]);
    }
  });

  it('calls a JPEG cut short invalid input', async () => {
    const truncated = photo.subarray(0, Math.floor(photo.length / 2));
    const error = await domainError(
      service.transform(testScope, truncated, { operations: [{ op: 'resize', width: 100 }] }),
    );
    expect([error.code, error.message]).toEqual([
      'invalid-input',
      'the JPEG image is corrupt or truncated and cannot be decoded',
    ]);
    expect(error.data).toMatchObject({ format: 'jpeg', reason: expect.stringContaining('premature end') as unknown });
    // info reads only the header, which is intact
    expect(await service.info(testScope, truncated)).toMatchObject({ format: 'jpeg', width: 400, height: 300 });
  });

  it('accepts a JPEG with a harmless decoder warning, as browsers do', async () => {
    const marker = photo.indexOf(Buffer.from([0xff, 0xda]));
    const extraneous = Buffer.concat([photo.subarray(0, marker), Buffer.from([1, 2, 3, 4]), photo.subarray(marker)]);
    expect(await service.transform(testScope, extraneous, {})).toMatchObject({ width: 400, height: 300 });
  });

  it('calls a PNG cut short, or one with a broken header, invalid input', async () => {
    const png = await busy(200, 200).png().toBuffer();
    const cut = await domainError(service.transform(testScope, png.subarray(0, png.length - 200), {}));
    expect([cut.code, cut.message]).toEqual([
      'invalid-input',
      'the PNG image is corrupt or truncated and cannot be decoded',
    ]);
    const headerOnly = await domainError(service.info(testScope, png.subarray(0, 12)));
    expect([headerOnly.code, headerOnly.message]).toEqual([
      'invalid-input',
      'the data starts like a PNG image but its header cannot be read',
    ]);
  });

  it('calls a GIF or WebP signature followed by garbage invalid input', async () => {
    for (const [name, head] of [
      ['GIF', 'GIF89a'],
      ['WebP', 'RIFF\u0010\u0000\u0000\u0000WEBPVP8 '],
    ] as const) {
      const data = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.alloc(64, 0x5a)]);
      const error = await domainError(service.transform(testScope, data, {}));
      expect(error.code, name).toBe('invalid-input');
      expect(error.message, name).toMatch(
        new RegExp(`^the data starts like a ${name} image|^the ${name} image is corrupt`),
      );
    }
  });
});

describe('ImageService under load', () => {
  it('completes a burst larger than its concurrency, in any order', async () => {
    const input = await quadrants(64, 64).png().toBuffer();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        service.transform(testScope, input, { operations: [{ op: 'thumbnail', size: 8 + index }] }),
      ),
    );
    expect(results.map((result) => result.width)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('refuses work after dispose', async () => {
    const disposed = new ImageService();
    disposed.dispose();
    const error = await domainError(disposed.transform(testScope, await solid(4, 4, RED).png().toBuffer(), {}));
    expect([error.code, error.message]).toEqual(['failed-dependency', 'the image service is shutting down']);
  });

  it('logs nothing for expected failures', async () => {
    const lines: string[] = [];
    const log: Logger = {
      info: (message) => lines.push(message),
      warn: (message) => lines.push(message),
      error: (message) => lines.push(message),
    };
    const logged = new ImageService({ log });
    await domainError(logged.transform(testScope, Buffer.from('nope'), {}));
    expect(lines).toEqual([]);
    logged.dispose();
  });
});

it('decodes a real-world-like JPEG with sharp after the service re-encodes it', async () => {
  const result = await service.transform(testScope, photo, { output: { format: 'webp', quality: 70 } });
  expect(await sharp(result.data).metadata()).toMatchObject({ format: 'webp', width: 400, height: 300 });
});
