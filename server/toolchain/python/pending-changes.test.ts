import { describe, expect, it } from 'vitest';
import { PendingChanges } from './pending-changes';

describe('PendingChanges', () => {
  it('starts with everything pending, then collects changed paths', () => {
    const pending = new PendingChanges();
    pending.add(['app.py']);
    expect(pending.take()).toBeNull();
    expect(pending.isEmpty).toBe(true);
    pending.add(['b.py', 'a.py', 'b.py']);
    expect(pending.take()).toEqual(['a.py', 'b.py']);
    expect(pending.take()).toEqual([]);
  });

  it('keeps paths of a failed check for the next one, merged with newer changes', () => {
    const pending = new PendingChanges();
    pending.take();
    pending.add(['broken.py']);
    const taken = pending.take();
    pending.add(['other.py']);
    pending.restore(taken);
    expect(pending.take()).toEqual(['broken.py', 'other.py']);
  });

  it('treats undefined as everything, which absorbs single paths', () => {
    const pending = new PendingChanges();
    pending.take();
    pending.add(['a.py']);
    pending.add(undefined);
    pending.add(['b.py']);
    expect(pending.take()).toBeNull();
    pending.restore(null);
    expect(pending.take()).toBeNull();
  });
});
