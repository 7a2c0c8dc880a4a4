import { z } from 'zod';
import {
  PLATFORM_SERVICES_BASE,
  platformRequests,
  platformResponses,
  type PlatformOperation,
} from '../../protocol/platform-services';

let document: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 description of `/_platform/v1`, built once from the protocol's schemas. */
export function platformOpenApi(): Record<string, unknown> {
  document ??= build();
  return document;
}

function build(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const operation of Object.keys(platformRequests) as PlatformOperation[]) {
    paths[`${PLATFORM_SERVICES_BASE}/${operation}`] = {
      post: {
        operationId: operation.replace('/', '.'),
        security: [{ instanceToken: [] }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schemaOf(platformRequests[operation]) } },
        },
        responses: {
          '200': {
            description: 'OK',
            content: { 'application/json': { schema: schemaOf(platformResponses[operation]) } },
          },
          default: { description: 'A problem', content: { 'application/problem+json': { schema: problemSchema } } },
        },
      },
    };
  }
  for (const [operation, answer] of [
    ['images/info', { content: { 'application/json': { schema: { type: 'object' } } } }],
    ['images/transform', { content: { 'image/*': { schema: { type: 'string', format: 'binary' } } } }],
  ] as const) {
    paths[`${PLATFORM_SERVICES_BASE}/${operation}`] = {
      post: {
        operationId: operation.replace('/', '.'),
        security: [{ instanceToken: [] }],
        requestBody: {
          required: true,
          content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
        },
        responses: { '200': { description: 'OK', ...answer }, default: { description: 'A problem' } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Slipway platform services', version: '1' },
    paths,
    components: { securitySchemes: { instanceToken: { type: 'http', scheme: 'bearer' } } },
  };
}

function schemaOf(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'inline' });
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
  },
};
