import { Hono, type Context } from 'hono';
import { invalidInput } from '../../../core/errors';
import { IMAGE_MEDIA_TYPES } from '../../../services/images/image-format';
import type { ImageService } from '../../../services/images/image-service';
import { parseImageSpec } from '../../../services/images/image-spec';
import { readBodyBytes } from '../../request-body';
import type { PlatformEnv } from '../platform-env';

/** The header `images/transform` takes its spec in (the body is the image). */
export const IMAGE_SPEC_HEADER = 'Slipway-Image-Spec';

/** `images/*`: the image is the raw request body; a transform answers with the image bytes. */
export function imagesRoutes(deps: { images: ImageService }): Hono<PlatformEnv> {
  const { images } = deps;
  const routes = new Hono<PlatformEnv>();
  const imageBody = (c: Context<PlatformEnv>) => readBodyBytes(c, images.limits.maxInputBytes);
  routes.post('/images/info', async (c) => c.json(await images.info(c.get('scope'), await imageBody(c))));
  routes.post('/images/transform', async (c) => {
    const spec = parseImageSpec(specFrom(c.req.header(IMAGE_SPEC_HEADER)), images.limits);
    const result = await images.transform(c.get('scope'), await imageBody(c), spec);
    return c.body(new Uint8Array(result.data), 200, {
      'content-type': IMAGE_MEDIA_TYPES[result.format],
      'slipway-image-width': String(result.width),
      'slipway-image-height': String(result.height),
    });
  });
  return routes;
}

function specFrom(header: string | undefined): unknown {
  if (header === undefined) return {};
  try {
    return JSON.parse(header) as unknown;
  } catch (error) {
    throw invalidInput(`The ${IMAGE_SPEC_HEADER} header is not valid JSON: ${(error as Error).message}`);
  }
}
