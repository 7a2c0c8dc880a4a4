import { describe, expect, it } from 'vitest';
import { abortable } from './abortable';

describe('abortable', () => {
  it('rejects with the reason when already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('superseded'));
    await expect(abortable(Promise.resolve(1), controller.signal)).rejects.toThrow('superseded');
  });
});
