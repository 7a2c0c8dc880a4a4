/** How an app's letter icon looks: its letter and the hue of its background. */
export interface AppIconLook {
  letter: string;
  hue: number;
}

/**
 * The first letter or digit of the title, upper-cased, on a hue derived from `seed` (the app id),
 * so an app keeps its colour when renamed and two apps with the same initial still differ.
 */
export function appIconLook(title: string, seed: string): AppIconLook {
  const first = Array.from(title).find((char) => /[\p{L}\p{N}]/u.test(char));
  return { letter: first ? first.toLocaleUpperCase() : '?', hue: hueOf(seed || title) };
}

// FNV-1a: tiny, stable across browsers, and spreads similar ids over the colour wheel.
function hueOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 360;
}
