'use client';

import { Icon } from './icon';
import { setThemePreference, useResolvedTheme } from './theme';

/** Button that flips between light and dark; the choice is persisted in localStorage. */
export function ThemeToggle({ className }: { className?: string }) {
  const theme = useResolvedTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className={className ?? 'btn btn-ghost'}
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() => setThemePreference(next)}
    >
      <Icon name={theme === 'dark' ? 'sun' : 'moon'} size={14} />
    </button>
  );
}
