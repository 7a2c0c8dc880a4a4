import { describe, expect, it } from 'vitest';
import { appIconLook } from './app-icon';

describe('appIconLook', () => {
  it('takes the first letter or digit, upper-cased', () => {
    expect(appIconLook('orders', 'a').letter).toBe('O');
    expect(appIconLook('  "2nd shift"', 'a').letter).toBe('2');
    expect(appIconLook('ärzte', 'a').letter).toBe('Ä');
    expect(appIconLook('—', 'a').letter).toBe('?');
    expect(appIconLook('', 'a').letter).toBe('?');
  });

  it('derives a stable hue from the seed', () => {
    const one = appIconLook('Orders', 'app-1');
    expect(appIconLook('Renamed', 'app-1').hue).toBe(one.hue);
    expect(one.hue).toBeGreaterThanOrEqual(0);
    expect(one.hue).toBeLessThan(360);
    const hues = new Set(['app-1', 'app-2', 'app-3', 'app-4', 'app-5'].map((id) => appIconLook('O', id).hue));
    expect(hues.size).toBeGreaterThan(3);
  });
});
