/**
 * Reads an `application/x-ndjson` body (publish progress, app logs) one value per line.
 * Shared by the IDE and the CLI; uses only web streams, so it runs in browsers and in Node.
 */
export async function* readNdjson<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = pending.split('\n');
      // The last piece is an unfinished line unless the stream has ended.
      pending = done ? '' : (lines.pop() ?? '');
      for (const line of lines) {
        const text = line.trim();
        if (text) yield parseLine<T>(text);
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}

function parseLine<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`The server sent a line that is not JSON: ${text.slice(0, 200)}`);
  }
}
