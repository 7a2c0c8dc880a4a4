import { describe, expect, it } from 'vitest';
import { readNdjson } from './ndjson';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of readNdjson(streamOf(chunks))) values.push(value);
  return values;
}

describe('readNdjson', () => {
  it('yields one value per line, whatever the chunk boundaries', async () => {
    expect(await collect(['{"a":1}\n{"b"', ':2}\n', '{"c":3}'])).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it('skips blank lines and carriage returns', async () => {
    expect(await collect(['{"a":1}\r\n\n', '\n{"b":2}\n'])).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('{"t":"é"}\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 7));
        controller.enqueue(bytes.slice(7));
        controller.close();
      },
    });
    const values: unknown[] = [];
    for await (const value of readNdjson(stream)) values.push(value);
    expect(values).toEqual([{ t: 'é' }]);
  });

  it('names a line that is not JSON', async () => {
    await expect(collect(['{"a":1}\n<html>\n'])).rejects.toThrow(/not JSON: <html>/);
  });
});
