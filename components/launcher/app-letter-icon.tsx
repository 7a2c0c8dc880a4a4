import type { CSSProperties } from 'react';
import { appIconLook } from './app-icon';
import './app-letter-icon.css';

/** An app's coloured letter icon (decorative: the tile or card names the app). */
export function AppLetterIcon({ title, seed, small = false }: { title: string; seed: string; small?: boolean }) {
  const { letter, hue } = appIconLook(title, seed);
  return (
    <span
      className={small ? 'ln-icon ln-icon-small' : 'ln-icon'}
      style={{ '--ln-hue': hue } as CSSProperties}
      aria-hidden="true"
    >
      {letter}
    </span>
  );
}
