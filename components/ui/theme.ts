import { useSyncExternalStore } from 'react';
import { THEME_STORAGE_KEY as STORAGE_KEY } from './theme-boot';

/** What the user picked; 'system' follows prefers-color-scheme. */
export type ThemePreference = 'light' | 'dark' | 'system';
/** What is actually shown. */
export type ResolvedTheme = 'light' | 'dark';

const CHANGE_EVENT = 'slipway-theme-change';

export function getThemePreference(): ThemePreference {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

function resolve(pref: ThemePreference): ResolvedTheme {
  if (pref !== 'system') return pref;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function getResolvedTheme(): ResolvedTheme {
  if (typeof document === 'undefined') return 'light';
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function apply(): void {
  document.documentElement.dataset.theme = resolve(getThemePreference());
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

export function setThemePreference(pref: ThemePreference): void {
  if (pref === 'system') localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, pref);
  apply();
}

function subscribe(onChange: () => void): () => void {
  const media = matchMedia('(prefers-color-scheme: dark)');
  const onMedia = (): void => {
    if (getThemePreference() === 'system') apply();
  };
  // Another tab changing the preference should repaint this one too.
  const onStorage = (e: StorageEvent): void => {
    if (e.key === STORAGE_KEY) apply();
  };
  media.addEventListener('change', onMedia);
  window.addEventListener('storage', onStorage);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    media.removeEventListener('change', onMedia);
    window.removeEventListener('storage', onStorage);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

/** The theme currently shown; re-renders when it changes. */
export function useResolvedTheme(): ResolvedTheme {
  return useSyncExternalStore(subscribe, getResolvedTheme, () => 'light');
}

/** Subscribes outside React (the Monaco glue uses it). */
export function onDidChangeTheme(listener: (theme: ResolvedTheme) => void): () => void {
  return subscribe(() => listener(getResolvedTheme()));
}
