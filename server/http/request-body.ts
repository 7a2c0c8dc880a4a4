import type { Context } from 'hono';
import type { z } from 'zod';
import { invalidInput, tooLarge } from '../core/errors';

/** Reads the body as bytes, refusing more than `maxBytes` without buffering the excess. */
export async function readBodyBytes(c: Context, maxBytes: number): Promise<Buffer> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > maxBytes)
    throw tooLarge(`The request body is ${declared} bytes; the limit is ${maxBytes}.`, { limit: maxBytes });
  const body = c.req.raw.body;
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes)
      throw tooLarge(`The request body is over the limit of ${maxBytes} bytes.`, { limit: maxBytes });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses and validates a JSON body; malformed JSON and schema violations become `invalid-input`. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T, maxBytes: number): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw invalidInput('Send the body as application/json.');
  const text = (await readBodyBytes(c, maxBytes)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidInput(`The body is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(describeIssues(result.error.issues), { issues: result.error.issues });
  return result.data;
}

/** Validates query/path values with a schema, with the same error shape as bodies. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(describeIssues(result.error.issues), { issues: result.error.issues });
  return result.data;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}
