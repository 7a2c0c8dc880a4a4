import { describe, expect, it } from 'vitest';
import { ContentLengthDecoder, frameMessage } from './lsp-framing';

describe('LSP stdio framing', () => {
  it('frames with the byte length of the UTF-8 body', () => {
    expect(frameMessage('{"a":"é"}').toString('utf8')).toBe('Content-Length: 10\r\n\r\n{"a":"é"}');
  });

  it('splits messages however the stream cuts them, multi-byte characters included', () => {
    const stream = Buffer.concat([frameMessage('{"id":1}'), frameMessage('{"text":"héllo ✓"}'), frameMessage('[]')]);
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const decoder = new ContentLengthDecoder(1024);
      const messages: string[] = [];
      for (let at = 0; at < stream.length; at += size) messages.push(...decoder.push(stream.subarray(at, at + size)));
      expect(messages).toEqual(['{"id":1}', '{"text":"héllo ✓"}', '[]']);
    }
  });

  it('accepts other headers in any case', () => {
    const decoder = new ContentLengthDecoder(1024);
    const frame = 'content-type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: 2\r\n\r\n{}';
    expect(decoder.push(Buffer.from(frame))).toEqual(['{}']);
  });

  it('refuses a message above the limit, a missing length and an endless header', () => {
    expect(() => new ContentLengthDecoder(10).push(frameMessage('x'.repeat(11)))).toThrow(/too large/);
    expect(() => new ContentLengthDecoder(10).push(Buffer.from('Content-Type: x\r\n\r\n{}'))).toThrow(
      /without Content-Length/,
    );
    expect(() => new ContentLengthDecoder(10).push(Buffer.from('Content-Length: -1\r\n\r\n'))).toThrow(/invalid/);
    expect(() => new ContentLengthDecoder(10).push(Buffer.alloc(2000, 'a'))).toThrow(/header too long/);
  });
});
